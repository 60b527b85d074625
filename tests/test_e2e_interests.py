"""Interest mapping end to end, through the local Bot API server: a short round in Dari,
paused, Jobbvenn restarted, resumed, finished; the result and its picture; the
follow-up statements; and the job specialist's view with and without consent."""

import io

from PIL import Image

from bot import consent, people
from bot.i18n import translator
from bot.interests import sessions
from bot.interests.cards import deck

DARI = translator("fa_AF")
NB = translator("nb")


async def current_card(h, user):
    cand = await h.storage.run(people.candidate_of_user, user.id)
    session = await h.storage.run(sessions.open_session, cand.id)
    return session, (deck()[session.current_card_id] if session and session.current_card_id else None)


async def answer_cards(h, user, count):
    """Answer `count` cards: 👍 to social and practical cards, 👎 to the rest, ❓ to conditions."""
    replies = []
    for _ in range(count):
        _, card = await current_card(h, user)
        if card.kind == "condition":
            choice = "❓"
        else:
            choice = "👍" if card.riasec[:1] in ("S", "R") else "👎"
        replies = await h.press(user, choice)
    return replies


async def test_short_round_in_dari_with_pause_restart_result_and_specialist_view(harness):
    h = harness
    sara = await h.onboard_specialist()
    ali = await h.join_candidate(sara, "Ali", 300, "Ali", "fa", "دری", answers=("no", "no"))

    await h.press(ali, "🎯")
    menu = h.last_with_buttons(ali)
    assert menu.text.startswith("🎯") and menu.text == DARI(
        "🎯 You see pictures of jobs and work, one at a time. "
        "Tap 👍 if you like it, 👎 if you do not, ❓ if you do not know. There are no wrong answers."
    )
    replies = await h.press(ali, "🟢")
    [card_message] = [m for m in replies if m.kind == "photo"]
    assert card_message.text.startswith("1 / 20\n")
    session, card = await current_card(h, ali)
    # The Norwegian word, then the Dari word; for a job also the Dari description.
    assert card.norwegian.name in card_message.text and card.text("fa_AF").name in card_message.text
    assert card_message.button_texts()[:3] == ["👍", "👎", "❓"]

    await answer_cards(h, ali, 6)
    assert h.last_with_buttons(ali).text.startswith("7 / 20\n")
    assert h.last_with_buttons(ali).message_id == card_message.message_id  # one message, edited in place
    # Undo: back to card 6, its answer gone.
    await h.press(ali, "↩️")
    assert h.last_with_buttons(ali).text.startswith("6 / 20\n")
    await answer_cards(h, ali, 1)
    paused = await h.press(ali, "⏸")
    assert any(m.text and m.text.startswith(DARI("⏸ Paused at {done} / {total}. Tap 🎯 Interests to go on. Your answers are saved.", done=7, total=20)) for m in paused)

    await h.restart_bot()

    await h.press(ali, "🎯")
    assert h.last_with_buttons(ali).text == DARI("🎯 You have a round going: {done} / {total}.", done=7, total=20)
    replies = await h.press(ali, "▶️")
    assert [m for m in replies if m.kind == "photo"][0].text.startswith("7 / 20\n")
    uploads_before_finish = len(h.server.uploads)
    replies = await answer_cards(h, ali, 14)

    # The result: a picture and a text in Dari, with Norwegian sentences for the CV.
    [picture] = [m for m in replies if m.kind == "photo" and not m.buttons and m.text.startswith("📊")]
    image = Image.open(io.BytesIO(h.server.files[picture.file_id].data))
    assert image.size[0] == 1024 and image.size[1] > 600
    cand = await h.storage.run(people.candidate_of_user, ali.id)
    [result] = await h.storage.run(sessions.results_for, cand.id)
    text_message = h.last_with_buttons(ali)
    assert text_message.text.startswith(DARI("🎯 What you like most:"))
    first_type = deck().types[result.code[0]]
    assert first_type.text("fa_AF").name in text_message.text
    assert DARI("💼 Jobs that may fit you:") in text_message.text
    assert first_type.text("nb").detail in text_message.text          # "Jeg liker ..." for the CV
    assert first_type.text("fa_AF").detail in text_message.text       # and what it means
    assert result.code[0] in "SR"
    # Card pictures were uploaded once each: the round's 14 cards after the restart add one
    # upload per new card plus the result picture, never a second upload of the same card.
    shown = set(result.data["liked"] + result.data["disliked"] + result.data["unsure"])
    assert len(h.server.uploads) - uploads_before_finish <= 14 + 1
    assert len({f.data for f in h.server.uploads}) == len(h.server.uploads)

    # The follow-up statements: true / not true, then the sentences to practise.
    await h.press(ali, DARI("Check the sentences"))
    statements = await h.storage.run(sessions.statements, result.id)
    for s in statements:
        await h.press(ali, DARI("True") if s.expected else DARI("Not true"))
    done = h.last(ali)
    assert done.text.startswith(DARI("👏 Done! {fits} of {n} answers fit your picture cards.", fits=len(statements), n=len(statements)))

    # Ali shares nothing with Sara: she learns only that the cards were done.
    note = await h.wait_for_message(sara, lambda m: "Ali" in (m.text or "") and "🎯" in m.text, include_existing=True)
    assert NB("The candidate does not share the result with you.") in note.text
    assert not note.buttons
    await h.press(sara, "👥")
    await h.press(sara, "Ali")
    view = await h.press(sara, "🎯")
    assert NB("The candidate does not share the result with you.").split(".")[0] in view[-1].text
    assert result.code not in view[-1].text

    # Ali says yes to sharing in /privacy: now Sara sees the profile, liked cards and jobs.
    await h.say(ali, "/privacy")
    share = next(b for row in h.last_with_buttons(ali).buttons for b in row if b.callback_data == "privacy:specialist:yes")
    await h.send(ali, ali.press_data(h.last_with_buttons(ali), share.callback_data))
    assert await h.storage.run(consent.allows, ali.id, "specialist")
    await h.press(sara, "👤")
    view = await h.press(sara, "🎯")
    report = view[-1].text
    assert NB("Holland code: {code}", code="-".join(result.code)) in report
    liked_job = next(deck()[c] for c in result.data["liked"] if deck()[c].kind == "occupation")
    assert liked_job.norwegian.name in report
    assert deck()[result.data["suggestions"][0]["id"]].styrk08 in report
    assert shown


async def test_card_pictures_go_to_telegram_once(harness):
    """Each card picture is uploaded once; every later send, for anyone, uses the stored file_id."""
    h = harness
    sara = await h.onboard_specialist()
    first = await h.join_candidate(sara, "Nora", 310, "Nora", "nb", "Norsk (bokmål)")
    second = await h.join_candidate(sara, "Omar", 311, "Omar", "en", "English")
    shown: set[str] = set()
    for user in (first, second, first):
        await h.say(user, "/menu")
        await h.press(user, "🎯")
        await h.press(user, "🟢")
        session, _ = await current_card(h, user)
        shown.update(session.card_ids)
        for _ in range(session.total - session.position):
            await h.press(user, "❓")
        # Nothing liked: no made-up Holland code, a kind word instead.
        t = NB if user is not second else translator("en")
        assert h.last_with_buttons(user).text == t(
            "🎯 No clear favourites this time. That is OK. You can try again, or talk with your job specialist."
        )
    card_uploads = [f for f in h.server.uploads if Image.open(io.BytesIO(f.data)).size == (512, 512)]
    assert len(card_uploads) == len({f.data for f in card_uploads}) == len(shown)
    sends = len(h.server.calls_to("sendPhoto")) + len(h.server.calls_to("editMessageMedia"))
    assert sends > len(shown)  # pictures were shown again, by file_id


async def test_old_card_messages_forged_buttons_and_a_round_left_unfinished(harness):
    h = harness
    sara = await h.onboard_specialist()
    nora = await h.join_candidate(sara, "Nora", 320, "Nora", "nb", "Norsk (bokmål)")
    await h.press(nora, "🎯")
    [first] = [m for m in await h.press(nora, "🟢") if m.kind == "photo"]
    await h.press(nora, "👍", first)
    # ▶️ from the menu sends the card again: two card messages now have buttons.
    await h.say(nora, "/menu")
    await h.press(nora, "🎯")
    [second] = [m for m in await h.press(nora, "▶️") if m.kind == "photo"]
    await h.press(nora, "👎", second)
    assert second.text.startswith("3 / 20\n")
    # A tap on the older message does not answer card 2 again: it shows card 3 there too.
    await h.press(nora, "👍", first)
    assert first.text.startswith("3 / 20\n")
    session, _ = await current_card(h, nora)
    assert session.answers == ("like", "dislike")

    # Forged buttons get the menu, never a traceback.
    for data in ("int:res:²", "int:res:99999999999999999999", f"int:a:{session.id}:x:l", "int:sa:1:2:7", "int:new:huge"):
        replies = await h.send(nora, nora.press_data(second, data))
        assert any(NB("⌛ This button is old. Here is the menu.") in (m.text or "") for m in replies), data
    assert (await current_card(h, nora))[0].answers == ("like", "dislike")

    # Every card answered, but Jobbvenn stopped before it made the result: 🎯 makes it then.
    def answer_the_rest(db):
        for position in range(session.position, session.total):
            sessions.answer(db, session.id, position, "unsure")
    await h.storage.run(answer_the_rest)
    await h.say(nora, "/menu")
    replies = await h.press(nora, "🎯")
    assert any(m.kind == "photo" and m.text.startswith("📊") for m in replies)
    cand = await h.storage.run(people.candidate_of_user, nora.id)
    assert len(await h.storage.run(sessions.results_for, cand.id)) == 1
