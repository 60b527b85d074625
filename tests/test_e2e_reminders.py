"""Reminders end to end, through the local Bot API server: the job specialist sets a
meeting in the bot; the candidate (Somali) gets the evening-before and the one-hour
reminders and declines; the absence notice reaches the mentor and the specialist. Then
Telegram misbehaves (429, 5xx, a timeout, a blocked bot) and nothing is lost or sent twice.
The scheduler's clock is moved; everything else runs as in production."""

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import events, people, plan, reminders
from bot.db import iso, utcnow
from bot.i18n import translator

SO = translator("so")
NB = translator("nb")
OSLO = ZoneInfo("Europe/Oslo")


def plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


def with_button(messages, icon: str):
    return next(m for m in messages if any(b.startswith(icon) for b in m.button_texts()))


async def at(h, moment: datetime) -> None:
    """Move the scheduler's clock (it goes on ticking from there) and let it look at once."""
    started = utcnow()
    h.app.bot_data["deliverer"].clock = lambda: moment + (utcnow() - started)
    h.app.bot_data["deliverer"].wake()


async def test_a_meeting_set_in_the_bot_is_reminded_twice_and_declined_with_a_notice(harness):
    h = harness
    sara = await h.onboard_specialist()
    amina = await h.join_candidate(sara, "Amina", 300, "Amina", "so", "Soomaali")
    per = await h.join_mentor(amina)

    # The job specialist: 👥 → Amina → 📅 Plan → ➕ Meeting → job interview, in three days at 10:00.
    day = (utcnow().astimezone(OSLO) + timedelta(days=3)).date()
    await h.say(sara, "/menu")
    await h.press(sara, "👥 " + NB("My candidates"))
    await h.press(sara, "✅ Amina")
    replies = await h.press(sara, "📅 " + NB("Plan"))
    assert NB("Nothing planned.") in replies[-1].text
    await h.press(sara, "➕ " + NB("Meeting"))
    await h.press(sara, NB("Job interview"))
    await h.press(sara, NB.short_day(day))
    await h.press(sara, "10")
    await h.press(sara, "10:00")
    await h.press(sara, NB("{minutes} min", minutes=60))
    await h.say(sara, "Rema 1000 Grünerløkka")
    replies = await h.say(sara, "CV")
    assert replies[-1].text.startswith(NB("✅ Saved. The candidate gets it in their plan now."))
    [item] = await h.storage.run(lambda db: plan.for_candidate(db, people.candidate_of_user(db, 300).id))
    start = datetime(day.year, day.month, day.day, 10, tzinfo=OSLO)
    assert (item.meeting_kind, item.starts_at, item.place, item.bring) == ("job_interview", iso(start), "Rema 1000 Grünerløkka", "CV")
    await h.wait_for_message(amina, lambda m: m.text.startswith(SO("New in your plan:")), include_existing=True)

    # The evening before at 18:00, in Somali.
    await at(h, start - timedelta(hours=16) + timedelta(seconds=20))
    evening = await h.wait_for_message(amina, lambda m: m.text.startswith(SO("⏰ Tomorrow:")))
    assert SO("Job interview") in evening.text and "Rema 1000 Grünerløkka" in plain(evening.text)
    assert "🎒 " + SO("Bring: {things}", things="") in plain(evening.text)
    assert evening.button_texts()[:2] == ["✅ " + SO("I'm coming"), "❌ " + SO("I can't come")]
    assert "🔊 " + SO("Listen") in evening.button_texts()

    # 🔊 reads it in Norwegian.
    replies = await h.press(amina, "🔊 " + SO("Listen"), evening)
    assert replies[-1].kind == "voice"

    # One hour before.
    await at(h, start - timedelta(minutes=60) + timedelta(seconds=20))
    lead = await h.wait_for_message(amina, lambda m: m.text.startswith(SO("⏰ It starts in {minutes} min:", minutes=60)))

    # ❌ under the reminder: saved, Sara is told, and help with the message follows.
    replies = await h.press(amina, "❌ " + SO("I can't come"), lead)
    assert SO("❌ not coming") in h.server.messages[(300, lead.message_id)].button_texts()
    told = await h.wait_for_message(sara, lambda m: NB("❌ not coming") in m.text, include_existing=True)
    assert NB("❌ not coming") in told.text and NB("Job interview") in told.text
    assert (await h.storage.run(plan.get, item.id)).answer == "not_coming"
    offer = next(m for m in replies if m.text == SO("✍️ I can help you write a short message in Norwegian."))
    await h.press(amina, "✍️ " + SO("Write the message"), offer)
    await h.press(amina, "🤒 " + SO("I am sick"))
    replies = await h.press(amina, "1️⃣ " + SO("Today"))
    notice = replies[-1]
    norwegian = "Hei, Per! Jeg er syk. Jeg kan ikke komme på møtet i dag.\nBeklager. Hilsen Amina"
    assert norwegian in plain(notice.text)
    await h.press(amina, "📤 " + SO("Send to my mentor"), notice)
    got = await h.wait_for_message(per, lambda m: m.text.startswith("📩"), include_existing=True)
    assert "Jeg er syk. Jeg kan ikke komme på møtet i dag." in got.text
    await h.press(amina, "📤 " + SO("Send to my job specialist"), h.server.messages[(300, notice.message_id)])
    notice_to_sara = await h.wait_for_message(sara, lambda m: m.text.startswith("📩"), include_existing=True)
    assert "Jeg kan ikke komme på møtet i dag." in notice_to_sara.text

    # The case record has the answer and the absence (categories only).
    cand = await h.storage.run(people.candidate_of_user, 300)
    found = {e.type: e.data for e in await h.storage.run(events.for_candidate, cand.id)}
    assert found["plan_item_answered"]["answer"] == "not_coming"
    assert found["absence_notice"] == {"what": "meeting", "why": "sick", "how_long": "today"}
    # Each reminder reached Amina once.
    texts = [m.text or "" for m in h.server.bot_messages(300)]
    assert [t.startswith(SO("⏰ Tomorrow:")) for t in texts].count(True) == 1
    assert [t.startswith(SO("⏰ It starts in {minutes} min:", minutes=60)) for t in texts].count(True) == 1
    sent = await h.storage.run(lambda db: db.execute("SELECT kind, status FROM reminders ORDER BY due_at").fetchall())
    assert sent == [("evening", "sent"), ("lead", "sent")]


async def test_a_weekly_shift_added_by_the_candidate_the_check_in_and_a_travel_time(harness):
    h = harness
    sara = await h.onboard_specialist()
    amina = await h.join_candidate(sara, "Amina", 300, "Amina", "so", "Soomaali")
    # ⏰ settings: the evening question on.
    await h.say(amina, "/menu")
    replies = await h.press(amina, "📅 " + SO("My plan"))
    replies = await h.press(amina, "⏰ " + SO("Reminders"), with_button(replies, "⏰"))
    assert SO("⏰ Your reminders:") in replies[-1].text
    replies = await h.press(amina, "🙋 " + SO("Evening question: turn on"))
    assert "🙋 " + SO("Ask me the evening before a shift: {answer}", answer=SO("on")) in replies[-1].text

    # 🕘 Add a shift: every week, from tomorrow + 2, 07:00-15:30.
    day = (utcnow().astimezone(OSLO) + timedelta(days=2)).date()
    await h.say(amina, "/menu")
    replies = await h.press(amina, "📅 " + SO("My plan"))
    await h.press(amina, "🕘 " + SO("Add a shift"), with_button(replies, "🕘"))
    await h.press(amina, SO.short_day(day))
    await h.press(amina, "07")
    await h.press(amina, "07:00")
    await h.press(amina, "15")
    await h.press(amina, "15:30")
    await h.press(amina, "🔁 " + SO("Every week"))
    replies = await h.say(amina, "Kiwi Storo")
    saved = next(m for m in replies if m.text.startswith(SO("✅ Saved in your plan:")))
    ends = datetime(day.year, day.month, day.day, 15, 30, tzinfo=OSLO)
    assert SO("🔁 Every week") in saved.text and "🏁 " + SO.clock(ends, OSLO) in saved.text

    # 🚌 20 minutes to get there: "leave now" at 06:30 instead of "in 60 min".
    replies = await h.press(amina, "🚌 " + SO("Travel time"), saved)
    replies = await h.press(amina, SO("{minutes} min", minutes=20))
    start = datetime(day.year, day.month, day.day, 7, tzinfo=OSLO)
    await at(h, start - timedelta(hours=13) + timedelta(seconds=5))   # 18:00 the evening before
    ask = await h.wait_for_message(amina, lambda m: m.text.startswith(SO("🙋 Are you coming tomorrow?")))
    replies = await h.press(amina, "✅ " + SO("I'm coming"), ask)
    assert SO("✅ Thank you! It is saved.") in replies[-1].text
    await at(h, start - timedelta(minutes=30) + timedelta(seconds=5))
    leave = await h.wait_for_message(amina, lambda m: m.text.startswith(SO("🚶 Time to go! You need {minutes} min to get there.", minutes=20)))
    assert SO("✅ coming") in leave.button_texts()    # this week's answer shows
    # The week after is planned when it comes in reach; this week's ✅ does not answer it.
    await at(h, start + timedelta(days=6, hours=11, seconds=5))
    ask = await h.wait_for_message(amina, lambda m: m.text.startswith(SO("🙋 Are you coming tomorrow?")))
    assert "✅ " + SO("I'm coming") in ask.button_texts()
    # ❌ on the check-in goes straight to the message for the workplace.
    replies = await h.press(amina, "❌ " + SO("I can't come"), ask)
    assert replies[-1].text == SO("Why? You never need to say which illness you have.")
    rows = await h.storage.run(lambda db: db.execute("SELECT occurrence, answer FROM plan_answers ORDER BY occurrence").fetchall())
    assert rows == [(iso(start), "coming"), (iso(start + timedelta(days=7)), "not_coming")]
    # 🗑 The shift she added herself can come out of her plan again.
    replies = await h.press(amina, "🗑 " + SO("Remove"), saved)
    assert replies[-1].text.startswith(SO("🗑 Removed from your plan."))
    [shift] = await h.storage.run(lambda db: plan.for_candidate(db, people.candidate_of_user(db, 300).id))
    assert shift.status == "cancelled"


async def test_an_own_reminder(harness):
    h = harness
    sara = await h.onboard_specialist()
    amina = await h.join_candidate(sara, "Amina", 300, "Amina", "so", "Soomaali")
    day = (utcnow().astimezone(OSLO) + timedelta(days=1)).date()
    await h.say(amina, "/menu")
    replies = await h.press(amina, "📅 " + SO("My plan"))
    await h.press(amina, "⏰ " + SO("Reminders"), with_button(replies, "⏰"))
    await h.press(amina, "🔔 " + SO("My own reminders"))
    await h.press(amina, "➕ " + SO("New reminder"))
    await h.press(amina, SO("Tomorrow"))
    await h.press(amina, "06")
    await h.press(amina, "06:45")
    replies = await h.say(amina, "Iibso tigidh bas")
    assert replies[-1].text.startswith(SO("✅ I will remind you: {when}", when=""))
    await at(h, datetime(day.year, day.month, day.day, 6, 45, 10, tzinfo=OSLO))
    got = await h.wait_for_message(amina, lambda m: m.text.startswith(SO("🔔 Your reminder:")))
    assert "Iibso tigidh bas" in got.text


async def own_reminders_due(h, user_ids, when):
    """Own reminders with the text r<user id>, due at `when` (one per entry in `user_ids`)."""
    def write(db):
        for uid in user_ids:
            cand = people.candidate_of_user(db, uid)
            reminders.add_own(db, cand.id, when, f"r{uid}", now=when - timedelta(hours=1))
    await h.storage.run(write)


async def test_429_5xx_timeouts_and_a_blocked_bot(harness):
    h = harness
    sara = await h.onboard_specialist()
    amina = await h.join_candidate(sara, "Amina", 300, "Amina", "so", "Soomaali")
    omar = await h.join_candidate(sara, "Omar", 301, "Omar", "so", "Soomaali")
    when = utcnow() + timedelta(minutes=5)

    # 429 four times in a row: python-telegram-bot's limiter waits retry_after three times,
    # then the scheduler gives the row back until retry_after has passed. Then 502, then 500.
    h.server.fail_next("sendMessage", 429, times=4, retry_after=1)
    h.server.fail_next("sendMessage", 502)
    h.server.fail_next("sendMessage", 500)
    await own_reminders_due(h, [300], when)
    await at(h, when)
    got = await h.wait_for_message(amina, lambda m: m.text.startswith(SO("🔔 Your reminder:")), timeout=30)
    assert "r300" in got.text
    status = await eventually(h, lambda db: db.execute("SELECT status, attempts FROM reminders").fetchone(), ("sent", 4))
    assert status == ("sent", 4)   # the limiter's own retries, then three tries by the scheduler
    assert [m.text for m in h.server.bot_messages(300)].count(got.text) == 1

    # A timeout: the server does not answer for longer than the bot waits; the message goes later, once.
    h.server.stall_next("sendMessage", 6)
    await own_reminders_due(h, [301], when + timedelta(minutes=1))
    await at(h, when + timedelta(minutes=1))
    got = await h.wait_for_message(omar, lambda m: m.text.startswith(SO("🔔 Your reminder:")), timeout=30)
    assert [m.text for m in h.server.bot_messages(301)].count(got.text) == 1

    # 403: Omar blocked the bot; two reminders are due. He is marked unreachable, Sara is told
    # once, and his reminders wait (until he comes back, while they are still useful).
    omar.block()
    await own_reminders_due(h, [301, 301], when + timedelta(minutes=2))
    await at(h, when + timedelta(minutes=2))
    warning = await h.wait_for_message(sara, lambda m: m.text.startswith("⚠️"))
    assert warning.text == NB("⚠️ {label} has blocked Jobbvenn. Messages do not reach them now.", label=NB.isolate("Omar"))
    user = await h.storage.run(people.get_user, 301)
    assert user.reachable is False
    waiting = await eventually(h, lambda db: db.execute("SELECT status, outcome FROM reminders WHERE text = 'r301' ORDER BY id").fetchall(),
                               [("sent", None), ("planned", "blocked by the candidate"), ("planned", "blocked by the candidate")])
    assert waiting == [("sent", None), ("planned", "blocked by the candidate"), ("planned", "blocked by the candidate")]
    assert len([m for m in h.server.bot_messages(100) if m.text.startswith("⚠️")]) == 1


async def eventually(h, query, expected, timeout: float = 10):
    """What `query` finds once it is `expected` (the scheduler notes a send just after it)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await h.storage.run(query)
        if found == expected or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.05)
