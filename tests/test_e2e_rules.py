"""🧭 Work rules end to end, through the local Bot API server: a candidate who reads Tigrinya
opens a topic (picture, Norwegian, translation, 🔊), answers its situation and is told why;
her workplace's own rules come first; a typed question finds its topics."""

from bot import people, work_rules, workplace_rules
from bot.i18n import translator

TI = translator("ti")
NB = translator("nb")
RULES = work_rules.rules()


async def test_a_candidate_in_tigrinya_reads_a_topic_and_answers_its_situation(harness):
    h = harness
    sara = await h.onboard_specialist()
    hiwet = await h.join_candidate(sara, "Hiwet", 300, "Hiwet", "ti", "ትግርኛ")
    topic = RULES.topics["on_time"]
    own, nb = topic.text("ti"), topic.text("nb")

    await h.say(hiwet, "/menu")
    replies = await h.press(hiwet, "🧭 " + TI("Work rules"))
    assert replies[-1].text == TI("🧭 The rules of Norwegian working life. Choose a topic, or write your question.")
    group = f"{RULES.groups['time']} {RULES.group_titles['ti']['time']}"
    await h.press(hiwet, group)
    replies = await h.press(hiwet, f"{topic.emoji} {own.title}")
    picture, text = replies[-2], replies[-1]
    assert picture.kind == "photo" and picture.text == f"{topic.emoji} {own.title}"
    plain = text.text.replace("\u2068", "").replace("\u2069", "")
    assert all(sentence in plain for sentence in nb.text)       # the Norwegian
    assert all(sentence in plain for sentence in own.text)      # and the Tigrinya, marked as a machine's
    assert "🤖" in plain and all(f"✅ {line}" in plain for line in own.do)

    replies = await h.press(hiwet, "🔊 " + TI("Listen"), text)
    assert replies[-1].kind == "voice"

    replies = await h.press(hiwet, "❓ " + TI("What would you do?"), text)
    question = replies[-1]
    assert question.text.startswith(f"❓ {own.question}") and question.button_texts() == ["1️⃣", "2️⃣", "3️⃣"][:len(own.answers)]
    wrong = next(i for i in range(len(own.answers)) if i != topic.best)
    replies = await h.press(hiwet, ["1️⃣", "2️⃣", "3️⃣"][wrong], question)
    feedback = replies[-1].text
    assert feedback.startswith("🤔") and own.feedback[wrong] in feedback and own.feedback[topic.best] in feedback
    assert h.server.messages[(300, question.message_id)].buttons == []   # answered: no second try on the same message

    cand = await h.storage.run(people.candidate_of_user, 300)
    assert await h.storage.run(work_rules.progress, cand.id) == {"on_time": wrong}
    # Read topics are ticked in their group.
    await h.say(hiwet, "/menu")
    await h.press(hiwet, "🧭 " + TI("Work rules"))
    replies = await h.press(hiwet, group)
    assert f"✅ {topic.emoji} {own.title}" in replies[-1].button_texts()


async def test_the_workplace_rules_come_first_and_a_typed_question_finds_its_topic(harness):
    h = harness
    sara = await h.onboard_specialist()
    amal = await h.join_candidate(sara, "Amal", 301, "Amal", "en", "English")
    cand = await h.storage.run(people.candidate_of_user, 301)
    await h.storage.run(workplace_rules.add, cand.id, "Lunsj 11.30-12.00", "test")
    await h.wait_for_message(amal, lambda m: "Lunsj 11.30-12.00" in m.text)

    await h.say(amal, "/menu")
    replies = await h.press(amal, "🧭 Work rules")
    assert replies[-1].button_texts()[0] == "📌 My workplace"
    replies = await h.press(amal, "📌 My workplace")
    assert "Lunsj 11.30-12.00" in replies[-1].text

    replies = await h.say(amal, "Can I pray at work?")
    assert replies[-1].text == "🔎 This may help:"
    prayer = RULES.topics["prayer"]
    assert f"{prayer.emoji} {prayer.text('en').title}" in replies[-1].button_texts()
    replies = await h.press(amal, "🤷 None of these")
    assert replies[-1].text == "📨 Shall I send your question to your job specialist? You get the answer here."
    replies = await h.press(amal, "📨 Send my question")
    assert replies[-1].text.startswith("✅ Sent. Your job specialist answers here.")
    asked = await h.wait_for_message(sara, lambda m: m.text.startswith("❓"), include_existing=True)
    assert "Can I pray at work?" in asked.text and NB("Answer") in asked.button_texts()[0]
    await h.press(sara, "✍️ " + NB("Answer"), asked)
    await h.say(sara, "Ja. Snakk med lederen om et rolig sted og en pause.")
    answer = await h.wait_for_message(amal, lambda m: "Snakk med lederen" in m.text, include_existing=True)
    assert answer.text.startswith("❓ You asked: \u2068Can I pray at work?\u2069")
    [question] = await h.storage.run(lambda db: db.execute("SELECT text, answer FROM questions").fetchall())
    assert question == ("Can I pray at work?", "Ja. Snakk med lederen om et rolig sted og en pause.")

    replies = await h.say(amal, "qwzx vvbn")
    assert replies[-1].text.startswith("🔎 I found no topic for that.")


async def test_a_question_is_not_sent_without_consent(harness):
    from bot import consent

    h = harness
    sara = await h.onboard_specialist()
    amal = await h.join_candidate(sara, "Amal", 302, "Amal", "en", "English")
    await h.say(amal, "Can I pray at work?")
    replies = await h.press(amal, "🤷 None of these")
    offer = replies[-1]
    assert "📨 Send my question" in offer.button_texts()
    # She turns sharing off before tapping 📨: nothing goes, and she is told why.
    await h.storage.run(consent.record, 302, "specialist", False, "en")
    replies = await h.press(amal, "📨 Send my question", offer)
    assert "🙂 Please ask your job specialist or your mentor." in replies[-1].text
    assert await h.storage.run(lambda db: db.execute("SELECT COUNT(*) FROM questions").fetchone()[0]) == 0
    assert not [m for m in h.server.bot_messages(100) if m.text.startswith("❓")]
    # Without sharing, no 📨 is offered at all; one word or an emoji is not taken as a question.
    replies = await h.say(amal, "qwzx vvbn")
    assert not any(b.startswith("📨") for b in replies[-1].button_texts())
    replies = await h.say(amal, "ok")
    assert replies[-1].text.startswith("🙂 I understand buttons best.")


async def test_a_mentor_writes_a_workplace_rule_that_the_candidate_sees_first(harness):
    h = harness
    sara = await h.onboard_specialist()
    hiwet = await h.join_candidate(sara, "Hiwet", 303, "Hiwet", "ti", "ትግርኛ")
    per = await h.join_mentor(hiwet)
    await h.say(per, "/menu")
    replies = await h.press(per, "📌 " + NB("Workplace rule"))
    assert replies[-1].text.startswith(NB("📌 Write one rule of the workplace, in Norwegian. For example: Ring lederen før klokka 07.30 hvis du er syk."))
    replies = await h.say(per, "Ring Kari før klokka 07.30 hvis du er syk.")
    assert replies[-1].text.startswith(NB("✅ Saved. The candidate gets it in their language, first under 🧭 Work rules."))
    told = await h.wait_for_message(hiwet, lambda m: "Ring Kari" in m.text)
    assert told.text.startswith(TI("📌 A rule at your workplace:"))

    await h.say(hiwet, "/menu")
    replies = await h.press(hiwet, "🧭 " + TI("Work rules"))
    assert replies[-1].button_texts()[0] == "📌 " + TI("My workplace")
    replies = await h.press(hiwet, "📌 " + TI("My workplace"))
    assert "Ring Kari før klokka 07.30 hvis du er syk." in replies[-1].text
    # A forged button cannot put a rule in someone else's workplace.
    await h.say(sara, "/menu")
    await h.join_candidate(sara, "Other", 304, "Other", "ti", "ትግርኛ")
    other = await h.storage.run(people.candidate_of_user, 304)
    update_id = per.press_data(h.last_with_buttons(per), f"wp:for:{other.id}")
    replies = await h.send(per, update_id)
    assert replies[-1].text.startswith(NB("⌛ This button is old. Here is the menu."))
    assert await h.storage.run(lambda db: db.execute("SELECT COUNT(*) FROM workplace_rules").fetchone()[0]) == 1
