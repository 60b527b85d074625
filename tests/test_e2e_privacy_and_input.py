"""/mydata, /delete, bad input of every kind, old and forged buttons, errors: through the real stack."""

import json

import pytest

from bot import consent, people
from bot.i18n import translator
from tests.harness import LINK_PREFIX


def tr(lang: str, message: str, **values) -> str:
    return translator(lang)(message, **values)


async def joined_candidate(harness, user_id=300, name="Alina", lang_code="en", lang_label="English"):
    """Sara invites a candidate, who joins, says yes to the specialist and no to mentors."""
    sara = await harness.onboard_specialist()
    cand = await harness.join_candidate(sara, f"{name} (case 7)", user_id, name, lang_code, lang_label, ("yes", "no"))
    return sara, cand


async def test_mydata_shows_everything_readable_and_as_json(harness):
    sara, alina = await joined_candidate(harness)
    replies = await harness.say(alina, "/mydata")
    readable, document = replies[0], replies[1]
    assert readable.text.startswith(tr("en", "📄 What Jobbvenn stores about you"))
    assert "Alina" in readable.text and "Alina (case 7)" in readable.text
    assert document.kind == "document" and document.file_name == "jobbvenn-my-data.json"
    data = json.loads(harness.server.files[document.file_id].data)
    assert data["user"]["telegram_id"] == 300
    assert data["candidate"]["name_or_reference_given_by_specialist"] == "Alina (case 7)"
    assert [(c["recipient"], c["granted"]) for c in data["consents"]] == [("specialist", True), ("mentor", False)]
    assert replies[-1].buttons  # and the menu again


async def test_delete_erases_data_and_tells_specialist_only_that_candidate_left(harness):
    sara, alina = await joined_candidate(harness)
    replies = await harness.say(alina, "/delete")
    assert replies[-1].button_texts() == ["🗑 " + tr("en", "Yes, delete"), "↩️ " + tr("en", "No, keep")]
    replies = await harness.press(alina, "No, keep")
    assert tr("en", "↩️ Nothing was deleted.") in replies[-1].text
    assert await harness.storage.run(people.get_user, 300) is not None

    await harness.say(alina, "/delete")
    replies = await harness.press(alina, "Yes, delete")
    assert replies[-1].text.startswith("✅")
    assert await harness.storage.run(people.get_user, 300) is None
    assert await harness.storage.run(consent.history, 300) == []
    rows = await harness.storage.run(lambda db: list(db.query("SELECT * FROM candidates")))
    assert rows[0]["user_id"] is None and rows[0]["left_at"] is not None and rows[0]["language_hint"] is None

    told = harness.last(sara)
    assert told.text == tr("nb", "👋 {label} has left Jobbvenn. Their data is deleted.", label="\u2068Alina (case 7)\u2069")

    # Afterwards the bot treats her as a stranger.
    replies = await harness.say(alina, "/menu")
    assert replies[-1].text == tr("en", "👋 Jobbvenn works with an invitation. Ask your job specialist for a link or a QR code.")


@pytest.mark.parametrize(
    "action, expected",
    [
        (lambda u: u.send_sticker(), "🙂 Nice sticker! Please tap a button."),
        (lambda u: u.send_voice(b"OggS-voice"), "🎤 I cannot listen to voice messages here yet. Please tap a button."),
        (lambda u: u.send_document(b"%PDF-1.4", "cv.pdf", "application/pdf"), "📎 I cannot use this here. Please tap a button."),
        (lambda u: u.send_photo(b"\xff\xd8\xff-jpeg"), "📎 I cannot use this here. Please tap a button."),
        (lambda u: u.send_text("/jobs"), "🤔 I do not know that command. Please tap a button."),
    ],
    ids=["sticker", "voice", "file", "photo", "unknown-command"],
)
async def test_bad_input_gets_a_short_answer_in_the_users_language_and_the_menu(harness, action, expected):
    sara, alina = await joined_candidate(harness, lang_code="ar", lang_label="العربية")
    replies = await harness.send(alina, action(alina))
    assert len(replies) == 1
    assert replies[0].text.startswith(tr("ar", expected))
    assert tr("ar", "I can't come") in " ".join(replies[0].button_texts())


async def test_text_from_a_candidate_is_taken_as_a_question_about_work(harness):
    sara, alina = await joined_candidate(harness, lang_code="ar", lang_label="العربية")
    replies = await harness.say(alina, "zzqx wwvv")
    assert len(replies) == 1
    assert replies[0].text.startswith(tr("ar", "🔎 I found no topic for that."))
    assert replies[0].button_texts() == ["📨 " + tr("ar", "Send my question"), "🏠 " + tr("ar", "Menu")]


async def test_edited_message_is_answered_not_acted_on(harness):
    sara, alina = await joined_candidate(harness)
    sent = [m for m in harness.server.chat(alina.id) if not m.from_bot][-1]
    replies = await harness.send(alina, alina.edit_message(sent.message_id, "/delete"))
    assert replies[-1].text.startswith(tr("en", "✏️ I only read new messages, not changed ones. Please send it again, or tap a button."))
    assert await harness.storage.run(people.get_user, alina.id) is not None


async def test_stale_and_unknown_buttons_get_the_menu(harness):
    sara, alina = await joined_candidate(harness)
    old_question = [m for m in harness.server.bot_messages(alina.id) if m.text.startswith("🔒")][0]
    assert not old_question.buttons
    # The consent buttons were taken off when she answered; an old client can still send them.
    replies = await harness.send(alina, alina.press_data(old_question, "consent:specialist:no"))
    assert replies[-1].text.startswith(tr("en", "⌛ This button is old. Here is the menu."))
    assert (await harness.storage.run(consent.current, alina.id))["specialist"].granted is True
    replies = await harness.send(alina, alina.press_data(old_question, "something:from:2019"))
    assert replies[-1].text.startswith(tr("en", "⌛ This button is old. Here is the menu."))


async def test_forged_button_cannot_reach_another_specialists_candidate(harness):
    sara, alina = await joined_candidate(harness)
    cand_id = (await harness.storage.run(people.candidate_of_user, alina.id)).id
    from bot import invitations

    code = await harness.storage.run(invitations.create, "specialist")
    mallory = harness.user(666, "Mallory", "en")
    await harness.say(mallory, f"/start {code}")
    await harness.press(mallory, "✅ English")
    menu = harness.last_with_buttons(mallory)

    # Mallory's client sends the button data for Sara's candidate, and for a fresh link to it.
    for data in (f"spec:cand:{cand_id}", f"spec:cand:{cand_id}:relink"):
        replies = await harness.send(mallory, mallory.press_data(menu, data))
        assert replies[-1].text.startswith(tr("en", "This button is not for you."))
        assert "Alina" not in " ".join(m.text or "" for m in replies)
        assert not any(m.text and LINK_PREFIX in m.text for m in replies)

    # A candidate forging specialist buttons gets the same answer.
    replies = await harness.send(alina, alina.press_data(harness.last_with_buttons(alina), "spec:new"))
    assert replies[-1].text.startswith(tr("en", "This button is not for you."))
    assert (await harness.storage.run(people.get_user, alina.id)).pending_input is None


async def test_an_error_in_a_handler_gives_a_kind_message_and_no_traceback(harness, monkeypatch, caplog):
    sara, alina = await joined_candidate(harness)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("bot.personal_data.export", broken)
    replies = await harness.say(alina, "/mydata")
    assert replies[-1].text.startswith(tr("en", "😕 Sorry, something went wrong. Please try again."))
    assert "Traceback" not in replies[-1].text and "disk on fire" not in replies[-1].text
    assert "disk on fire" in caplog.text  # logged for the operator


async def test_specialist_label_refuses_id_numbers_and_overlong_text(harness):
    sara = await harness.onboard_specialist()
    await harness.press(sara, "➕")
    replies = await harness.say(sara, "Alina 01019012345")
    assert replies[-1].text == tr("nb", "⚠️ Please do not write ID numbers. Write a name or your own case reference.")
    replies = await harness.say(sara, "x" * 61)
    assert replies[-1].text == tr("nb", "⚠️ Please write a name or case reference of at most {n} characters.", n=60)
    replies = await harness.say(sara, "Alina")
    assert replies[-1].text == tr("nb", "🌐 Which language does the candidate read best?")


async def test_specialist_can_make_a_new_link_and_the_old_one_stops_working(harness):
    sara = await harness.onboard_specialist()
    old_code = await harness.invite_candidate(sara, "Yonas", "ትግርኛ")
    await harness.press(sara, "👥")
    await harness.press(sara, "⏳ Yonas")
    replies = await harness.press(sara, "🔁")
    new_code = next(m for m in replies if m.text and LINK_PREFIX in m.text).text.split(LINK_PREFIX)[1].split()[0]
    yonas = harness.user(310, "Yonas", "ti")
    replies = await harness.say(yonas, f"/start {old_code}")
    assert replies[-1].text == tr("ti", "🔗 This link is too old. Links work for 14 days. Please ask for a new link.")
    replies = await harness.say(yonas, f"/start {new_code}")
    assert replies[-1].button_texts()[0] == "✅ ትግርኛ"


async def test_blocked_user_is_marked_unreachable(harness):
    sara, alina = await joined_candidate(harness)
    alina.block()
    await harness.say(alina, "/menu")
    assert (await harness.storage.run(people.get_user, alina.id)).reachable is False


async def test_commands_are_set_in_every_language(harness):
    await harness.app.bot_data["warm_up"]  # set once polling runs, not before
    assert harness.server.commands[""][0]["command"] == "menu"
    for code in ("nb", "en", "uk", "ar", "ti", "so", "fa", "ps", "pl", "ru"):
        assert [c["command"] for c in harness.server.commands[code]] == ["menu", "language", "privacy", "mydata", "delete", "help"]
    assert harness.server.commands["ar"][0]["description"] == tr("ar", "Main menu")
