"""The sync API and the bot together: a candidate created through the API joins in the
bot, gets a meeting from the API, declines it, and the case system reads the decline;
after a withdrawal nothing new appears."""

import asyncio

import httpx
import pytest

from bot import api_access
from bot.i18n import translator
from bot.runner import api_for


def tr(message: str, **values) -> str:
    return translator("so")(message, **values)


@pytest.fixture
async def api(harness):
    """Sara, a job specialist in the bot, and her case system's API client."""
    await harness.onboard_specialist(user_id=100)
    token = (await harness.storage.run(api_access.create_token, 1, "Sara's case system", 100))[1]
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=api_for(harness.app)), base_url="http://jobbvenn.test",
        headers={"Authorization": f"Bearer {token}"},
    )
    yield client
    await client.aclose()


async def test_candidate_from_api_joins_declines_meeting_and_withdraws(harness, api):
    sara = harness.user(100, "Sara", "nb")
    created = await api.post("/v1/candidates", json={"case_id": "NAV-42", "name": "Hodan", "language_hint": "so"})
    assert created.status_code == 201, created.text
    candidate_id = created.json()["id"]
    code = created.json()["invitation"]["link"].split("start=")[1]

    hodan = harness.user(400, "Hodan", "so")
    replies = await harness.say(hodan, f"/start {code}")
    assert replies[-1].button_texts()[0] == "✅ Soomaali"
    await harness.press(hodan, "✅ Soomaali")
    await harness.press(hodan, tr("Yes, OK"))
    await harness.press(hodan, tr("No"))
    status = (await api.get(f"/v1/candidates/{candidate_id}")).json()
    assert status["status"] == "joined" and status["language"] == "so" and status["consents"] == {"specialist": True, "mentor": False}

    meeting = {
        "kind": "meeting", "meeting_kind": "evaluation_meeting", "starts_at": "2026-12-01T10:00:00+01:00",
        "duration_minutes": 45, "place": "Kiwi Storo", "bring": "timelisten", "latitude": 59.946, "longitude": 10.776,
    }
    item = (await api.post(f"/v1/candidates/{candidate_id}/plan-items", json=meeting)).json()
    delivered = await harness.wait_for_message(hodan, lambda m: m.text.startswith(tr("New in your plan:")))
    assert tr("Evaluation meeting") in delivered.text
    assert translator("so").when(__import__("datetime").datetime.fromisoformat(item["starts_at"]), harness.config.timezone) in delivered.text
    assert "Kiwi Storo" in delivered.text and "timelisten" in delivered.text
    assert delivered.button_texts() == ["✅ " + tr("I'm coming"), "❌ " + tr("I can't come"), "📍 " + tr("Where?"),
                                        "🔊 " + tr("Listen"), "📆 " + tr("Calendar"), "🚌 " + tr("Travel time")]

    replies = await harness.press(hodan, "📍 " + tr("Where?"), delivered)
    assert replies[-1].kind == "location"
    replies = await harness.press(hodan, "❌ " + tr("I can't come"), delivered)
    assert replies[-1].text.startswith(tr("❌ It is saved. Please also tell the workplace or the person you were going to meet, before it starts."))
    # The chosen answer shows on its button; the other stays, so she can change her mind.
    assert harness.server.messages[(hodan.id, delivered.message_id)].button_texts() == [
        "✅ " + tr("I'm coming"), tr("❌ not coming"), "📍 " + tr("Where?"), "🔊 " + tr("Listen"), "📆 " + tr("Calendar"),
        "🚌 " + tr("Travel time")]
    answered = harness.server.messages[(hodan.id, delivered.message_id)]
    replies = await harness.press(hodan, tr("❌ not coming"), answered)  # the same again: nothing new
    assert replies == []
    told = harness.last(sara)
    assert "Hodan" in told.text and translator("nb")("❌ not coming") in told.text

    feed = (await api.get("/v1/events")).json()
    assert [e["type"] for e in feed["events"]] == ["candidate_joined", "consent_changed", "consent_changed", "plan_item_answered"]
    decline = feed["events"][-1]
    assert decline["case_id"] == "NAV-42" and decline["data"]["answer"] == "not_coming" and decline["data"]["plan_item_id"] == item["id"]

    # Hodan withdraws: the withdrawal is the last thing the case system hears about her answers.
    await harness.say(hodan, "/privacy")
    await harness.press(hodan, tr("{who}: say no", who=tr("Job specialist")))
    second = (await api.post(f"/v1/candidates/{candidate_id}/plan-items", json={**meeting, "starts_at": "2026-12-08T10:00:00+01:00"})).json()
    delivered = await harness.wait_for_message(hodan, lambda m: m.text.startswith(tr("New in your plan:")))
    replies = await harness.press(hodan, "✅ " + tr("I'm coming"), delivered)
    assert tr("Your job specialist does not see your answers (see /privacy). Tell them yourself if you want.") in replies[-1].text
    later = (await api.get(f"/v1/events?after={feed['next_cursor']}")).json()
    assert [(e["type"], e["data"]) for e in later["events"]] == [("consent_changed", {"recipient": "specialist", "granted": False})]
    # Stored for Hodan's own plan, but the case system does not see it while she does not share.
    assert (await api.get(f"/v1/plan-items/{second['id']}")).json()["answer"] is None


async def test_forged_plan_button_cannot_answer_someone_elses_meeting(harness, api):
    ids = []
    for user_id, case in ((401, "A"), (402, "B")):
        created, _ = await harness.join_via_api(api, case, user_id, case, "en", "✅ English")
        ids.append(created["id"])
    item = (await api.post(f"/v1/candidates/{ids[0]}/plan-items", json={"kind": "shift", "starts_at": "2026-12-05T10:00:00+01:00", "duration_minutes": 480, "repeat_weeks": 2})).json()
    shift = await harness.wait_for_message(harness.user(401, "A"), lambda m: "🕘" in m.text)
    assert "🔁 Every second week" in shift.text and "🏁 18:00" in shift.text
    b = harness.user(402, "B")
    replies = await harness.send(b, b.press_data(harness.last_with_buttons(b), f"plan:{item['id']}:not_coming"))
    assert replies[-1].text.startswith("⌛")
    assert (await api.get(f"/v1/plan-items/{item['id']}")).json()["answer"] is None


async def test_cancelled_and_changed_items_reach_the_candidate(harness, api):
    created = (await api.post("/v1/candidates", json={"case_id": "C", "language_hint": "en"})).json()
    user = harness.user(403, "C", "en")
    # The task is planned before the candidate joins: it waits, then arrives after onboarding.
    planned = await api.post(f"/v1/candidates/{created['id']}/plan-items",
                             json={"kind": "task", "title": "Besøk to butikker", "deadline": "2026-12-03T16:00:00+01:00"})
    assert planned.status_code == 201
    await harness.say(user, "/start " + created["invitation"]["link"].split("start=")[1])
    await harness.press(user, "✅ English")
    await harness.press(user, "Yes, OK")
    await harness.press(user, "No")
    arrived = await harness.wait_for_message(user, lambda m: "Besøk to butikker" in m.text)
    assert "⏰ Do it before:" in arrived.text and arrived.button_texts() == ["✔️ Done", "🔊 Listen", "📆 Calendar"]
    replies = await harness.press(user, "✔️ Done", arrived)
    assert replies[-1].text.startswith("✔️ Well done! It is saved.")
    events = (await api.get("/v1/events")).json()["events"]
    assert events[-1]["type"] == "task_done" and events[-1]["data"]["title"] == "Besøk to butikker"

    item = (await api.post(f"/v1/candidates/{created['id']}/plan-items", json={"kind": "meeting", "starts_at": "2026-12-04T09:00:00+01:00"})).json()
    await harness.wait_for_message(user, lambda m: m.text.startswith("New in your plan:"))
    await api.patch(f"/v1/plan-items/{item['id']}", json={"place": "NAV Grünerløkka"})
    changed = await harness.wait_for_message(user, lambda m: m.text.startswith("Changed in your plan:"))
    assert "NAV Grünerløkka" in changed.text
    await api.delete(f"/v1/plan-items/{item['id']}")
    cancelled = await harness.wait_for_message(user, lambda m: m.text.startswith("🚫 Cancelled:"))
    assert not cancelled.buttons
    replies = await harness.press(user, "✅ I'm coming", changed)  # the old button after the cancellation
    assert replies[-1].text.startswith("⌛")

    await api.post(f"/v1/candidates/{created['id']}/messages", json={"text": "Husk timelisten i morgen!"})
    message = await harness.wait_for_message(user, lambda m: m.text.startswith("💬"))
    assert "Husk timelisten i morgen!" in message.text
    await api.post("/v1/word-lists", json={"title": "Kassa", "words": [{"norwegian": "en pose", "translations": {"en": "a bag"}}], "candidate_ids": [created["id"]]})
    words = await harness.wait_for_message(user, lambda m: m.text.startswith("📚"))
    assert "en pose" in words.text and "a bag" in words.text


async def test_blocked_candidate_is_marked_and_specialist_told(harness, api):
    sara = harness.user(100, "Sara", "nb")
    created, user = await harness.join_via_api(api, "D", 404, "Dawit", "ti", "✅ ትግርኛ", language_hint="ti")
    user.block()
    await api.post(f"/v1/candidates/{created['id']}/messages", json={"text": "Hei"})
    told = await harness.wait_for_message(sara, lambda m: m.text.startswith("⚠️"))
    assert "Dawit" in told.text
    assert (await api.get(f"/v1/candidates/{created['id']}")).json()["reachable"] is False


async def test_mydata_shows_what_the_api_stored_and_what_was_shared(harness, api):
    created, user = await harness.join_via_api(api, "E", 405, "Elif", "en", "✅ English", ("yes", "no"))
    await api.post(f"/v1/candidates/{created['id']}/plan-items", json={"kind": "meeting", "starts_at": "2026-12-04T09:00:00+01:00", "place": "NAV"})
    await api.post(f"/v1/candidates/{created['id']}/workplace-rules", json={"text": "Vi starter 07:00."})
    await api.post(f"/v1/candidates/{created['id']}/messages", json={"text": "Hei Elif"})
    await harness.wait_for_message(user, lambda m: m.text.startswith("💬"))
    replies = await harness.say(user, "/mydata")
    document = next(m for m in replies if m.kind == "document")
    data = __import__("json").loads(harness.server.files[document.file_id].data)
    assert data["plan"][0]["place"] == "NAV"
    assert data["workplace_rules"][0]["text"] == "Vi starter 07:00."
    assert data["messages_from_specialist"][0]["text"] == "Hei Elif"
    assert [e["what"] for e in data["shared_with_specialist"]] == ["candidate_joined", "consent_changed", "consent_changed"]



async def test_changing_ones_mind_and_coming_back_after_blocking(harness, api):
    sara = harness.user(100, "Sara", "nb")
    created, user = await harness.join_via_api(api, "F", 406, "Faisal", "en", "✅ English", ("yes", "no"))
    await api.post(f"/v1/candidates/{created['id']}/plan-items", json={"kind": "shift", "starts_at": "2026-12-05T10:00:00+01:00"})
    shift = await harness.wait_for_message(user, lambda m: m.text.startswith("New in your plan:"))
    await harness.press(user, "❌ I can't come", shift)
    await harness.press(user, "✅ I'm coming", harness.server.messages[(user.id, shift.message_id)])
    events = (await api.get("/v1/events")).json()["events"]
    assert [e["data"]["answer"] for e in events if e["type"] == "plan_item_answered"] == ["not_coming", "coming"]

    user.block()
    await api.post(f"/v1/candidates/{created['id']}/messages", json={"text": "Én"})
    await harness.wait_for_message(sara, lambda m: m.text.startswith("⚠️"))
    await api.post(f"/v1/candidates/{created['id']}/messages", json={"text": "To"})
    await asyncio.sleep(0.3)
    assert len([m for m in harness.server.bot_messages(100) if m.text.startswith("⚠️")]) == 1  # told once
    user.blocked_bot = False
    await harness.say(user, "/menu")  # he is back
    assert (await api.get(f"/v1/candidates/{created['id']}")).json()["reachable"] is True
    harness.app.bot_data["deliverer"].wake()
    for text in ("Én", "To"):  # nothing was lost while he had blocked the bot
        await harness.wait_for_message(user, lambda m, text=text: m.text.startswith("💬") and text in m.text, include_existing=True)


async def test_group_chats_are_ignored(harness):
    update_id = harness.server.push_update({"message": {
        "message_id": 9000, "date": 0, "text": "/mydata",
        "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
        "chat": {"id": -100123, "type": "group", "title": "Kollegaer"},
        "from": {"id": 100, "is_bot": False, "first_name": "Sara"},
    }})
    await harness.wait_handled(update_id)
    assert [c for c in harness.server.calls if c.method.startswith("send")] == []


async def test_my_plan_lists_what_comes_and_answers_work_from_there(harness, api):
    created, user = await harness.join_via_api(api, "G", 407, "Gul", "en", "✅ English", ("yes", "no"))
    replies = await harness.say(user, "/menu")
    replies = await harness.press(user, "📅 My plan")
    assert replies[-1].text.startswith("📅 Nothing in your plan yet.")
    assert replies[-1].button_texts() == ["🕘 Add a shift", "⏰ Reminders", "🏠 Menu"]
    meeting = (await api.post(f"/v1/candidates/{created['id']}/plan-items", json={
        "kind": "meeting", "meeting_kind": "job_interview", "starts_at": "2099-01-05T10:00:00+01:00", "place": "Rema 1000"})).json()
    await api.post(f"/v1/candidates/{created['id']}/plan-items", json={"kind": "task", "title": "Skriv om drømmejobben"})
    past = (await api.post(f"/v1/candidates/{created['id']}/plan-items", json={"kind": "meeting", "starts_at": "2020-01-01T10:00:00+01:00"})).json()
    await harness.wait_for_message(user, lambda m: "Skriv om drømmejobben" in m.text)
    await asyncio.sleep(0.2)
    menu = [m for m in harness.server.bot_messages(user.id) if "📅 My plan" in m.button_texts()][-1]
    replies = await harness.press(user, "📅 My plan", menu)
    texts = [m.text for m in replies]
    assert texts[0].startswith("📅 Your next two weeks:")  # the overview by day (nothing in these two weeks here)
    assert replies[0].button_texts() == ["📆 Add to my phone's calendar", "🕘 Add a shift", "⏰ Reminders"]
    assert "Job interview" in texts[1] and "Rema 1000" in texts[1]  # soonest first: the task has no time, so last
    assert "Skriv om drømmejobben" in texts[2] and len(texts) == 4  # the past meeting is not listed; then the menu
    assert replies[1].button_texts() == ["✅ I'm coming", "❌ I can't come", "🔊 Listen", "📆 Calendar", "🚌 Travel time"]
    assert replies[2].button_texts() == ["✔️ Done", "🔊 Listen"]  # no time: nothing for a calendar
    await harness.press(user, "❌ I can't come", replies[1])
    assert (await harness.storage.run(__import__("bot.plan").plan.get, meeting["id"])).answer == "not_coming"
    assert past["id"] != meeting["id"]


async def test_my_plan_shows_two_weeks_by_day_reads_an_item_aloud_and_gives_a_calendar_file(harness, api):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    import icalendar

    from bot import speech

    oslo = ZoneInfo("Europe/Oslo")
    created, user = await harness.join_via_api(api, "P", 408, "Pari", "en", "✅ English")
    tomorrow = (datetime.now(oslo) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    await api.post(f"/v1/candidates/{created['id']}/plan-items", json={
        "kind": "shift", "title": "Kassa", "starts_at": tomorrow.isoformat(), "duration_minutes": 480, "repeat_weeks": 1,
        "place": "Rema 1000 Storgata"})
    await harness.wait_for_message(user, lambda m: "Kassa" in m.text)
    await harness.say(user, "/menu")
    replies = await harness.press(user, "📅 My plan")
    overview = replies[0]
    # Two weekly shifts in the next fourteen days, each under its day, at 10:00-18:00
    assert overview.text.count("🕘 10:00–18:00 Work shift · \u2068Kassa\u2069") == 2
    assert f"🗓 {translator('en').weekday(tomorrow.date())}" in overview.text

    # 🔊 reads the shift aloud in Norwegian
    item_message = replies[1]
    spoken = await harness.press(user, "🔊 Listen", item_message)
    clip = harness.server.files[spoken[-1].file_id].data
    assert spoken[-1].kind == "voice" and speech.is_ogg_opus(clip)
    from bot import plan
    from bot.handlers.plan import spoken as spoken_text

    [item] = await harness.storage.run(plan.for_candidate, created["id"])
    text = spoken_text(item, oslo)
    assert text.startswith("Vakt. Kassa. ") and "Rema 1000 Storgata" in text and "🕘" not in text
    assert clip == speech.clip(text, harness.config.db_path.parent / "speech-cache").read_bytes()

    # 📆 gives the whole plan as a calendar file
    got = await harness.press(user, "📆 Add to my phone's calendar", overview)
    document = got[-1]
    assert document.kind == "document" and document.file_name == "jobbvenn-plan.ics"
    calendar = icalendar.Calendar.from_ical(harness.server.files[document.file_id].data)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Work shift · Kassa" and str(event["location"]) == "Rema 1000 Storgata"
    assert event["rrule"]["FREQ"] == ["WEEKLY"]
    assert event.decoded("dtstart").astimezone(oslo) == tomorrow
