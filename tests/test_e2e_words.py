"""Word practice end to end, through the local Bot API server: a round in Ukrainian with
every kind of question (a wrong answer shows the right one with picture and sound); a
mentor shares a photo with a caption and their voice, the candidate is told and drills
it with the mentor's voice; a specialist sends a word list to two candidates; the
daily reminder; each picture and sound is uploaded once."""

import hashlib
import io

from PIL import Image

from bot import people, speech
from bot.i18n import translator
from bot.vocabulary import drills, practice

UK = translator("uk")
NB = translator("nb")


async def open_exercise(h, user):
    cand = await h.storage.run(people.candidate_of_user, user.id)
    current = await h.storage.run(practice.current_round, cand.id)
    exercise = current.current if current else None
    item = await h.storage.run(practice.item, cand.id, exercise.item) if exercise else None
    return cand, current, exercise, item


def label_of(t, kind, item):
    if kind == "sound_translation":
        text, machine = item.translation(t.code)
        return f"🤖 {text}" if machine else text
    return item.norwegian


async def answer(h, user, t, right=True, typo=False):
    """Answer the open question; returns (kind, replies)."""
    cand, current, exercise, item = await open_exercise(h, user)
    if exercise.kind == "type_word":
        written = item.norwegian
        if typo:  # one letter dropped from the longest word
            longest = max(written.split(), key=len)
            written = written.replace(longest, longest[:-1], 1)
        return exercise.kind, await h.say(user, written if right else "xyz")
    question = h.last_with_buttons(user)
    options = [await h.storage.run(practice.item, cand.id, key) for key in exercise.options]
    chosen = item if right else next(o for o in options if o.key != item.key)
    return exercise.kind, await h.press(user, label_of(t, exercise.kind, chosen), question)


async def test_a_round_in_ukrainian_with_every_kind_of_question(harness):
    h = harness
    sara = await h.onboard_specialist()
    oksana = await h.join_candidate(sara, "Oksana", 300, "Oksana", "uk", "Українська")

    replies = await h.press(oksana, "📚")
    from bot.vocabulary.decks import decks

    assert replies[-1].text.startswith(UK("📚 Words. Due today: {due}. New: {new}.", due=0, new=len(decks()["common"].words)))
    replies = await h.press(oksana, "▶️ " + UK("Practise"))
    first = replies[-1]
    assert first.kind == "photo" and first.text.startswith("1 / 10  " + UK("🖼 What is this in Norwegian?"))
    assert len(first.button_texts()) == drills.OPTIONS

    kinds, seen_messages = [], []
    for position in range(drills.ROUND_SIZE):
        _, _, exercise, item = await open_exercise(h, oksana)
        question = h.last_with_buttons(oksana)
        if exercise.kind in ("sound_translation", "listen_word"):
            assert question.kind == "voice" and speech.is_ogg_opus(h.server.files[question.file_id].data)
            assert (item.norwegian in question.text) == (exercise.kind == "sound_translation")
        wrong = position == 1                # one wrong choice
        typo = position == drills.ROUND_SIZE - 1  # and one typed with a typo
        kind, replies = await answer(h, oksana, UK, right=not wrong, typo=typo)
        kinds.append(kind)
        seen_messages.append(replies)
        if wrong:
            shown = [m for m in replies if m.kind == "photo" and m.text.startswith(UK("❌ Not quite. The right answer:"))]
            assert shown and item.norwegian in shown[0].text and item.translation("uk")[0] in shown[0].text
            sound = next(m for m in replies if m.kind == "voice")  # and its sound, with the example on a button
            assert h.server.files[sound.file_id].data == speech.clip(item.norwegian, None).read_bytes()
            example = await h.press(oksana, "💬🔊 " + UK("Example"), sound)
            assert h.server.files[example[-1].file_id].data == speech.clip(item.example, None).read_bytes()
        if typo:
            assert replies[0].text.startswith(UK("✅ Almost!") + " " + UK("One letter is missing."))
    assert set(kinds) == set(drills.KINDS)
    done = h.last_with_buttons(oksana)
    assert done.text.startswith(UK("🎉 Round done! Right: {right} / {total}. Due today: {due}.", right=9, total=10, due=10))

    cand = await h.storage.run(people.candidate_of_user, 300)
    assert await h.storage.run(lambda db: db.execute("SELECT count(*) FROM vocab_cards WHERE candidate_id = ?", [cand.id]).fetchone()[0]) == 10
    replies = await h.say(oksana, "/menu")
    assert "📚 " + UK("Words") + " (10)" in replies[-1].button_texts()  # the menu shows what is due today

    # A second round asks the same words again: every picture and sound is uploaded only once.
    uploads = len(h.server.uploads)
    await h.press(oksana, "📚 " + UK("Words") + " (10)")
    await h.press(oksana, "▶️ " + UK("Practise"))
    for _ in range(drills.ROUND_SIZE):
        await answer(h, oksana, UK)
    digests = [hashlib.sha256(f.data).hexdigest() for f in h.server.uploads]
    assert len(digests) == len(set(digests)), "a file was uploaded twice"
    assert len(h.server.uploads) - uploads <= 10  # only what the first round did not show


async def test_typing_a_word_and_an_old_button(harness):
    h = harness
    sara = await h.onboard_specialist()
    oksana = await h.join_candidate(sara, "Oksana", 300, "Oksana", "uk", "Українська")
    await h.press(oksana, "📚")
    first = (await h.press(oksana, "▶️ " + UK("Practise")))[-1]
    await answer(h, oksana, UK)
    # The verdict is written on the question, whose answer buttons are gone (only 🔊 the example is
    # left); a forged tap on it gets the kind "old button" answer.
    answered = h.server.messages[(300, first.message_id)]
    assert answered.text.startswith("1 / 10") and "\n\n" + UK("✅ Right!") + " " in answered.text
    assert answered.button_texts() == ["💬🔊 " + UK("Example")]
    replies = await h.send(oksana, oksana.press_data(first, "voc:a:1:0:0"))
    assert replies[-1].text.startswith(UK("⌛ This button is old. Here is the menu."))


async def test_a_mentor_shares_a_photo_with_a_caption_and_their_voice(harness):
    h = harness
    sara = await h.onboard_specialist()
    oksana = await h.join_candidate(sara, "Oksana", 300, "Oksana", "uk", "Українська")
    per = await h.join_mentor(oksana)
    replies = await h.press(per, "📷")
    assert replies[-1].text.startswith(NB("📷 Send a photo of the thing, with the Norwegian word as the caption. Or just write the word."))

    big = Image.new("RGB", (4000, 3000), "orange")
    out = io.BytesIO()
    big.save(out, "JPEG")
    replies = await h.send(per, per.send_photo(out.getvalue(), caption="en pallejekk"))
    assert replies[-1].text.startswith(NB("✅ Saved: {word}. Your candidate gets it now.", word=NB.isolate("en pallejekk")))
    # No machine translation into Ukrainian here: the mentor is told, the word keeps picture and sound
    assert NB("There is no machine translation for their language. They get the Norwegian, the picture and the sound.") in replies[-1].text
    told = await h.wait_for_message(oksana, lambda m: m.kind == "photo" and m.text.startswith(UK("📷 Your mentor shared a word from work:")),
                                    include_existing=True)
    assert "en pallejekk" in told.text and UK("There is no translation yet. You have the picture and the sound.") in told.text
    with Image.open(io.BytesIO(h.server.files[told.file_id].data)) as sent:
        assert max(sent.size) == 1280  # resized

    voice = speech.synthesizer().ogg_opus("en pallejekk")  # stands in for Per's own recording
    replies = await h.send(per, per.send_voice(voice))
    assert replies[-1].text.startswith(NB("🎤 Thank you! Your candidate hears your voice with this word."))

    # Oksana practises: the mentor's word comes first, with the mentor's voice when there is sound.
    await h.press(oksana, "▶️ " + UK("Practise"), told)
    _, current, exercise, item = await open_exercise(h, oksana)
    assert item.norwegian == "en pallejekk" and item.voice == hashlib.sha256(voice).hexdigest()
    await answer(h, oksana, UK, right=False)   # wrong: the right answer with the photo and Per's voice
    voices = [m for m in h.server.bot_messages(300) if m.kind == "voice"]
    assert h.server.files[voices[-1].file_id].data == voice
    photo = h.server.files[told.file_id].data  # told, asked, shown again: uploaded once
    assert sum(1 for f in h.server.uploads if f.data == photo) == 1
    assert sum(1 for m in h.server.bot_messages(300) if m.file_id and h.server.files[m.file_id].data == photo) >= 2

    # Per lists, corrects and removes what he shared
    await h.say(per, "/menu")
    replies = await h.press(per, "📋 " + NB("My words"))
    assert "📷🎤 en pallejekk" in replies[-1].button_texts()
    await h.press(per, "📷🎤 en pallejekk")
    await h.press(per, "✏️ " + NB("Correct"))
    replies = await h.say(per, "en palletralle")
    assert replies[-1].text.startswith(NB("✏️ Changed to: {word}", word=NB.isolate("en palletralle")))
    await h.press(per, "📋 " + NB("My words"))
    await h.press(per, "📷🎤 en palletralle")
    replies = await h.press(per, "🗑 " + NB("Remove"))
    assert replies[-1].text.startswith(NB("🗑 Removed: {word}", word=NB.isolate("en palletralle")))
    cand = await h.storage.run(people.candidate_of_user, 300)
    assert await h.storage.run(practice.custom_words, cand.id) == []


async def test_a_mentor_sends_a_word_without_photo_then_a_file_that_is_not_a_picture(harness):
    h = harness
    sara = await h.onboard_specialist()
    oksana = await h.join_candidate(sara, "Oksana", 300, "Oksana", "uk", "Українська")
    per = await h.join_mentor(oksana)
    # A photo without caption: the bot asks for the word
    png = io.BytesIO()
    Image.new("RGB", (300, 200), "blue").save(png, "PNG")
    replies = await h.send(per, per.send_document(png.getvalue(), "hylle.png", "image/png"))
    assert replies[-1].text.startswith(NB("✍️ What is it called in Norwegian? Write the word."))
    replies = await h.say(per, "ei hylle")
    assert replies[-1].text.startswith(NB("✅ Saved: {word}. Your candidate gets it now.", word=NB.isolate("ei hylle")))
    await h.press(per, "✅ " + NB("Done"))
    replies = await h.send(per, per.send_document(b"%PDF-1.4 not a picture", "plan.pdf", "application/pdf"))
    assert replies[-1].text.startswith(NB("📎 Please send a photo (JPG or PNG)."))
    cand = await h.storage.run(people.candidate_of_user, 300)
    assert [r["norwegian"] for r in await h.storage.run(practice.custom_words, cand.id)] == ["ei hylle"]


async def test_a_specialist_sends_a_word_list_to_two_candidates(harness):
    h = harness
    sara = await h.onboard_specialist()
    oksana = await h.join_candidate(sara, "Oksana", 300, "Oksana", "uk", "Українська")
    ahmad = await h.join_candidate(sara, "Ahmad", 301, "Ahmad", "ar", "العربية")
    await h.say(sara, "/menu")
    await h.press(sara, "📚 " + NB("Send words"))
    await h.press(sara, "⬜ Oksana")
    await h.press(sara, "⬜ Ahmad")
    replies = await h.press(sara, "➡️ " + NB("Next"))
    assert replies[-1].text.startswith(NB("✍️ Write a name for the list, for example: Kitchen, week 1."))
    await h.say(sara, "Lager uke 1")
    await h.say(sara, "en pall = палета\nei rampe\nen pall")
    replies = await h.press(sara, "Українська")
    assert replies[-1].text.startswith(NB("📚 Sent: {title}. Words: {words}. Candidates: {candidates}.",
                                          title=NB.isolate("Lager uke 1"), words=2, candidates=2))
    for user, t in ((oksana, UK), (ahmad, translator("ar"))):
        got = await h.wait_for_message(user, lambda m: m.text and "Lager uke 1" in m.text, include_existing=True)
        assert "en pall" in got.text and "ei rampe" in got.text
        replies = await h.press(user, "▶️ " + t("Practise"), got)
        _, _, exercise, item = await open_exercise(h, user)
        assert item.norwegian in ("en pall", "ei rampe")  # the list's words come first
    oksana_words = await h.storage.run(practice.custom_words, (await h.storage.run(people.candidate_of_user, 300)).id)
    assert {w["norwegian"] for w in oksana_words} == {"en pall", "ei rampe"}
    assert '"палета"' in [w for w in oksana_words if w["norwegian"] == "en pall"][0]["translations"]


async def test_the_daily_reminder_is_chosen_with_buttons_and_arrives_when_words_are_due(harness):
    h = harness
    sara = await h.onboard_specialist()
    oksana = await h.join_candidate(sara, "Oksana", 300, "Oksana", "uk", "Українська")
    await h.press(oksana, "📚")
    replies = await h.press(oksana, "⏰ " + UK("Daily reminder"))
    assert replies[-1].text.startswith(UK("⏰ I can remind you every day, only when words are due. When?"))
    replies = await h.press(oksana, "18:00")
    assert replies[-1].text.startswith(UK("⏰ Every day at {time}, if words are due.", time="18:00"))
    cand = await h.storage.run(people.candidate_of_user, 300)
    await h.press(oksana, "▶️ " + UK("Practise"))
    for _ in range(drills.ROUND_SIZE):
        await answer(h, oksana, UK, right=False)
    # The evening comes: move the reminder's time to now and let the deliverer run
    from datetime import timedelta

    from bot.db import iso, utcnow

    await h.storage.run(lambda db: db.execute("UPDATE practice_reminders SET next_at = ?", [iso(utcnow() - timedelta(minutes=1))]))
    h.app.bot_data["deliverer"].wake()
    got = await h.wait_for_message(oksana, lambda m: m.text.startswith(UK("⏰ Time for words! Due today: {due}.", due=10)))
    assert got.button_texts() == ["▶️ " + UK("Practise")]
    assert await h.storage.run(practice.reminder_time, cand.id) == "18:00"


async def test_looking_through_a_deck_word_by_word_with_picture_and_sound(harness):
    from bot.vocabulary.decks import decks

    h = harness
    sara = await h.onboard_specialist()
    oksana = await h.join_candidate(sara, "Oksana", 300, "Oksana", "uk", "Українська")
    await h.press(oksana, "📚")
    replies = await h.press(oksana, "📖 " + UK("Look at words"))
    assert replies[-1].text == UK("📖 Which words do you want to look at?")
    common = decks()["common"]
    first = (await h.press(oksana, common.emoji))[-1]
    word = common.words[0]
    assert first.kind == "photo" and first.text.startswith(f"1 / {len(common.words)}\n")
    assert word.norwegian.word in first.text and word.text("uk").word in first.text and word.text("uk").example in first.text
    await h.press(oksana, "▶️", first)
    moved = h.server.messages[(300, first.message_id)]  # the same message, now the next word
    assert moved.text.startswith(f"2 / {len(common.words)}\n") and common.words[1].norwegian.word in moved.text
    await h.press(oksana, "◀️", moved)
    await h.press(oksana, "◀️", h.server.messages[(300, first.message_id)])
    last = h.server.messages[(300, first.message_id)]
    assert last.text.startswith(f"{len(common.words)} / {len(common.words)}\n")  # round the deck
    replies = await h.press(oksana, "🔊 " + UK("Listen"), last)
    assert h.server.files[replies[-1].file_id].data == speech.clip(common.words[-1].norwegian.word, None).read_bytes()
