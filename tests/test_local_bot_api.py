"""The built-in Bot API server answers python-telegram-bot as Telegram would."""

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, InvalidToken

from bot import speech
from bot.local_bot_api import LOCAL_TOKEN, LocalBotApi


@pytest.fixture
async def api():
    server = LocalBotApi()
    await server.start()
    bot = Bot(LOCAL_TOKEN, base_url=server.base_url, base_file_url=server.base_file_url)
    await bot.initialize()
    try:
        yield server, bot
    finally:
        await bot.shutdown()
        await server.stop()


async def test_get_me_and_wrong_token(api):
    server, bot = api
    assert bot.username == "jobbvenn_local_bot"
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=server.base_url):
            pass


async def test_get_updates_offset_confirms_and_long_poll_times_out(api):
    server, bot = api
    ola = server.user(5, "Ola")
    ola.send_text("one")
    ola.send_text("two")
    first = await bot.get_updates(timeout=0)
    assert [u.message.text for u in first] == ["one", "two"]
    assert [u.message.text for u in await bot.get_updates(timeout=0)] == ["one", "two"]  # not confirmed yet
    assert await bot.get_updates(offset=first[-1].update_id + 1, timeout=0.2) == ()


async def test_messages_edits_and_telegram_errors(api):
    server, bot = api
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(77, "hello")
    server.user(7, "Amal").send_text("hi")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
    sent = await bot.send_message(7, "hello", reply_markup=markup)
    assert server.bot_messages(7)[-1].button_texts() == ["OK"]
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await bot.edit_message_text("hello", 7, sent.message_id, reply_markup=markup)
    await bot.edit_message_text("changed", 7, sent.message_id)
    assert server.bot_messages(7)[-1].text == "changed" and not server.bot_messages(7)[-1].buttons
    with pytest.raises(BadRequest, match="(?i)too long"):
        await bot.send_message(7, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(7, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="d" * 65)]]))
    server.users[7].block()
    with pytest.raises(Forbidden):
        await bot.send_message(7, "are you there?")


async def test_files_go_up_and_come_back_down(api):
    server, bot = api
    server.user(8, "Ali").send_text("hi")
    png = (await _png())
    photo = await bot.send_photo(8, png, caption="card")
    assert photo.photo[-1].width == 4 and photo.caption == "card"
    with pytest.raises(BadRequest, match="(?i)ogg"):  # Telegram plays only OGG/Opus as a voice message
        await bot.send_voice(8, b"RIFF-a-wav-file", duration=2)
    ogg = speech.synthesizer().ogg_opus("hei")
    voice = await bot.send_voice(8, ogg, duration=2)
    audio = await bot.send_audio(8, b"ID3-not-really", filename="word.mp3")
    document = await bot.send_document(8, b'{"a": 1}', filename="data.json")
    for file_id, data in ((photo.photo[-1].file_id, png), (voice.voice.file_id, ogg),
                          (audio.audio.file_id, b"ID3-not-really"), (document.document.file_id, b'{"a": 1}')):
        file = await bot.get_file(file_id)
        assert bytes(await file.download_as_bytearray()) == data
    # A file the user sent can be fetched by the bot too.
    update_id = server.users[8].send_voice(b"OggS-user-voice")
    update = (await bot.get_updates(offset=update_id, timeout=0))[0]
    file = await bot.get_file(update.message.voice.file_id)
    assert bytes(await file.download_as_bytearray()) == b"OggS-user-voice"


async def test_callback_queries_must_be_answered_once(api):
    server, bot = api
    user = server.user(9, "Nour")
    user.send_text("hi")
    await bot.send_message(9, "pick", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]]))
    user.press(server.bot_messages(9)[-1], "A")
    query = (await bot.get_updates(timeout=0))[-1].callback_query
    assert query.data == "a" and query.message.text == "pick"
    await query.answer()
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await query.answer()


async def test_unknown_method_is_404(api):
    server, bot = api
    import httpx

    async with httpx.AsyncClient() as client:
        response = await client.post(f"{server.base_url}{LOCAL_TOKEN}/sendTelepathy")
    assert response.status_code == 404 and response.json()["ok"] is False


async def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(buffer, "PNG")
    return buffer.getvalue()
