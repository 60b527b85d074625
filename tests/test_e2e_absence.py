"""The absence notice end to end, through the local Bot API server: a candidate in Arabic
says she is sick today; the Norwegian message with its translation; sent to her mentor and
her job specialist through the bot, and as text to forward; the rules that apply; the
case record gets the categories. And ❌ on a shift offers the same help."""

from bot import events, people
from bot.i18n import translator

AR = translator("ar")
NB = translator("nb")


async def test_a_sick_candidate_sends_a_correct_notice_to_mentor_and_specialist(harness):
    h = harness
    sara = await h.onboard_specialist()
    amal = await h.join_candidate(sara, "Amal", 300, "Amal", "ar", "العربية")
    per = await h.join_mentor(amal)

    await h.say(amal, "/menu")
    replies = await h.press(amal, "🤒")
    assert replies[-1].text == AR("🤒 What can you not come to?")
    await h.press(amal, "🕘 " + AR("Work shift"))
    assert h.last(amal).text == AR("Why? You never need to say which illness you have.")
    await h.press(amal, "🤒 " + AR("I am sick"))
    replies = await h.press(amal, "1️⃣ " + AR("Today"))
    notice = replies[-1]
    norwegian = "Hei, Per! Jeg er syk. Jeg kan ikke komme på jobb i dag.\nBeklager. Hilsen Amal"
    assert norwegian in notice.text.replace("\u2068", "").replace("\u2069", "")
    assert AR("It means:") in notice.text and "🤖" in notice.text  # the Arabic, marked as a machine's

    await h.press(amal, "📤 " + AR("Send to my mentor"), notice)
    got = await h.wait_for_message(per, lambda m: m.text.startswith("📩"), include_existing=True)
    assert got.text.startswith(NB("📩 {name} cannot come. Their message:", name=NB.isolate("Amal")))
    assert "Jeg er syk. Jeg kan ikke komme på jobb i dag." in got.text
    assert "✅ " + AR("Send to my mentor") in h.server.messages[(300, notice.message_id)].button_texts()

    await h.press(amal, "📤 " + AR("Send to my job specialist"), h.server.messages[(300, notice.message_id)])
    told = await h.wait_for_message(sara, lambda m: m.text.startswith("📩"), include_existing=True)
    assert "Hei, Per! Jeg er syk." in told.text
    marks = h.server.messages[(300, notice.message_id)].button_texts()
    assert "✅ " + AR("Send to my mentor") in marks and "✅ " + AR("Send to my job specialist") in marks

    replies = await h.press(amal, "📋 " + AR("Give me the text"), h.server.messages[(300, notice.message_id)])
    assert any(m.text == norwegian for m in replies)  # plain, to forward or paste in an SMS

    replies = await h.press(amal, "🏁 " + AR("Finished"), h.server.messages[(300, notice.message_id)])
    rules = replies[-1].text
    assert rules.startswith(AR("ℹ️ Good to know:")) and "egenmelding" in rules  # in Arabic, the Norwegian word kept
    cand = await h.storage.run(people.candidate_of_user, 300)
    [event] = [e for e in await h.storage.run(events.for_candidate, cand.id) if e.type == "absence_notice"]
    assert event.data == {"what": "shift", "why": "sick", "how_long": "today"}  # no text, no names


async def test_i_cant_come_on_a_shift_offers_the_notice(harness):
    import httpx

    from bot import api_access
    from bot.runner import api_for

    h = harness
    sara = await h.onboard_specialist()
    token = (await h.storage.run(api_access.create_token, 1, "case system", 100))[1]
    api = httpx.AsyncClient(transport=httpx.ASGITransport(app=api_for(h.app)), base_url="http://t",
                            headers={"Authorization": f"Bearer {token}"})
    created, amal = await h.join_via_api(api, "A", 301, "Amal", "en", "✅ English")
    await api.post(f"/v1/candidates/{created['id']}/plan-items", json={"kind": "shift", "starts_at": "2099-03-02T10:00:00+01:00"})
    shift = await h.wait_for_message(amal, lambda m: "Work shift" in m.text)
    replies = await h.press(amal, "❌ I can't come", shift)
    offer = next(m for m in replies if m.text == "✍️ I can help you write a short message in Norwegian.")
    replies = await h.press(amal, "✍️ Write the message", offer)
    assert replies[-1].text == "Why? You never need to say which illness you have."  # "what" is known: the shift
    await h.press(amal, "🚌 Transport problem")
    replies = await h.press(amal, "1️⃣ Today")
    assert "Jeg har et problem med transporten." in replies[-1].text
    assert "📤 Send to my job specialist" in replies[-1].button_texts() and "📤 Send to my mentor" not in replies[-1].button_texts()
    await api.aclose()
    assert sara
