"""Reminder fan-out: 10,000 reminders due at the same minute, sent by Jobbvenn's scheduler
through the local Bot API server, which allows 30 messages a second (as Telegram does)
and answers 429 with `retry_after` beyond it.

Reported: the delivered rate as a fraction of that limit (goal: at least 0.9), lost and
duplicate messages (goal: 0), how late the last one was, and how many 429s the server
gave. Baseline, in the same run: a bare python-telegram-bot loop (the same rate limiter)
sending plain messages to the same server. A second pass with no limit on the server shows
what the scheduler itself costs per reminder: both Jobbvenn and the bare loop run without
python-telegram-bot's rate limiter there, so nothing waits but the work.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
LIMIT = 30
LANGUAGES = ("so", "ar", "uk", "ti", "fa_AF", "ps", "pl", "ru", "en", "nb")


def _fill(db, n: int, due) -> list[int]:
    """n joined candidates, each with a job interview in an hour and its reminder due now."""
    from bot import people
    from bot.db import iso, transaction

    people.add_user(db, 1, "specialist", "Sara")
    db.execute("UPDATE users SET onboarding = 'done', language = 'nb' WHERE id = 1")
    org = db.execute("SELECT organisation_id FROM users WHERE id = 1").fetchone()[0]
    start = due + timedelta(hours=1)
    user_ids = []
    with transaction(db):
        for i in range(n):
            uid = 1_000_000 + i
            user_ids.append(uid)
            db.execute(
                "INSERT INTO users (id, role, first_name, language, onboarding, created_at, organisation_id) "
                "VALUES (?, 'candidate', ?, ?, 'done', ?, ?)",
                [uid, f"C{i}", LANGUAGES[i % len(LANGUAGES)], iso(due), org],
            )
            cid = db.execute(
                "INSERT INTO candidates (specialist_id, label, user_id, created_at, organisation_id, joined_at) VALUES (1, ?, ?, ?, ?, ?)",
                [f"C{i}", uid, iso(due), org, iso(due)],
            ).lastrowid
            item = db.execute(
                "INSERT INTO plan_items (candidate_id, kind, meeting_kind, starts_at, duration_minutes, place, created_by, "
                "created_at, updated_at, planned_through) VALUES (?, 'meeting', 'job_interview', ?, 60, 'NAV Grünerløkka', "
                "'bench', ?, ?, '9999')",
                [cid, iso(start), iso(due), iso(due)],
            ).lastrowid
            db.execute(
                "INSERT INTO reminders (candidate_id, plan_item_id, kind, occurrence, due_at, useful_until, minutes) "
                "VALUES (?, ?, 'lead', ?, ?, ?, 60)",
                [cid, item, iso(start), iso(due), iso(start)],
            )
    return user_ids


async def _jobbvenn(n: int, limit: int | None, folder: Path) -> dict:
    from bot.config import Config
    from bot.db import utcnow
    from bot.local_bot_api import LOCAL_TOKEN, LocalBotApi
    from bot.storage import Storage
    from bot.telegram_app import build_application, run_in_loop, stop_in_loop

    server = LocalBotApi()
    await server.start()
    server.limit_rate(limit)
    path = folder / f"bench-{n}-{limit}.db"
    storage = Storage(path)
    due = utcnow().replace(microsecond=0)
    user_ids = await storage.run(_fill, n, due)
    for uid in user_ids:
        server.user(uid, "C", "so")
    config = Config(token=LOCAL_TOKEN, base_url=server.base_url, base_file_url=server.base_file_url, db_path=path,
                    http_host="127.0.0.1", http_port=0, timezone=OSLO, translation_dir=folder / "argos")
    app = build_application(config, storage, rate_limit=limit is not None)
    started = time.monotonic()
    wall_offset = time.time() - started
    await run_in_loop(app, poll_timeout=1)
    wanted = set(user_ids)
    while True:
        arrived = {c.params.get("chat_id") for c in server.calls if c.method == "sendMessage" and c.ok}
        if wanted <= arrived or time.monotonic() - started > n / 10 + 120:
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # anything sent twice would show now
    sent = [c for c in server.calls if c.method == "sendMessage" and c.ok and c.params.get("chat_id") in wanted]
    await stop_in_loop(app)
    await server.stop()
    counts: dict[int, int] = {}
    for c in sent:
        counts[c.params["chat_id"]] = counts.get(c.params["chat_id"], 0) + 1
    first, last = min(c.at for c in sent), max(c.at for c in sent)
    rate = (len(sent) - 1) / (last - first) if len(sent) > 1 else 0.0
    return {
        "reminders": n, "delivered": len(sent), "lost": len(wanted - set(counts)),
        "duplicates": sum(v - 1 for v in counts.values()), "rate_per_second": round(rate, 2),
        "server_limit": limit, "server_429s": server.rate_limit.refused if server.rate_limit else 0,
        "last_late_seconds": round(last + wall_offset - due.timestamp(), 1), "first_after_start_seconds": round(first - started, 2),
    }


async def _bare(n: int, limit: int | None) -> dict:
    """The baseline: python-telegram-bot alone, the same rate limiter, one message after another."""
    from telegram.ext import AIORateLimiter, ApplicationBuilder

    from bot.local_bot_api import LOCAL_TOKEN, LocalBotApi

    server = LocalBotApi()
    await server.start()
    server.limit_rate(limit)
    for i in range(n):
        server.user(2_000_000 + i, "C", "so")
    builder = ApplicationBuilder().token(LOCAL_TOKEN).base_url(server.base_url).base_file_url(server.base_file_url)
    app = (builder.rate_limiter(AIORateLimiter(max_retries=3)) if limit else builder).build()
    await app.initialize()
    started = time.monotonic()
    for i in range(n):
        await app.bot.send_message(2_000_000 + i, f"⏰ Reminder {i}: NAV Grünerløkka 10:00")
    elapsed = time.monotonic() - started
    await app.shutdown()
    await server.stop()
    return {"messages": n, "rate_per_second": round((n - 1) / elapsed, 2) if n > 1 else 0.0,
            "server_429s": server.rate_limit.refused if server.rate_limit else 0}


def run(n: int = 10_000, unthrottled: int = 2_000, baseline: int = 1_000) -> dict:
    async def main() -> dict:
        with tempfile.TemporaryDirectory() as folder:
            limited = await _jobbvenn(n, LIMIT, Path(folder))
            bare_limited = await _bare(min(baseline, n), LIMIT)
            free = await _jobbvenn(unthrottled, None, Path(folder))
            bare_free = await _bare(unthrottled, None)
        return {
            "limited": limited, "baseline_limited": bare_limited,
            "fraction_of_limit": round(limited["rate_per_second"] / LIMIT, 3),
            "vs_bare_limited": round(limited["rate_per_second"] / bare_limited["rate_per_second"], 3),
            "unthrottled": free, "baseline_unthrottled": bare_free,
            "unthrottled_vs_bare": round(free["rate_per_second"] / bare_free["rate_per_second"], 3),
        }

    return asyncio.run(main())


def table(results: dict) -> str:
    lim, base = results["limited"], results["baseline_limited"]
    free, bare = results["unthrottled"], results["baseline_unthrottled"]
    return "\n".join([
        "Reminder fan-out (local Bot API server at 30 messages a second, 429 beyond it)",
        f"  {lim['reminders']} reminders due at the same minute: {lim['delivered']} delivered, {lim['lost']} lost, "
        f"{lim['duplicates']} duplicates; {lim['rate_per_second']} a second = {results['fraction_of_limit']} of the limit "
        f"(goal 0.9); last one {lim['last_late_seconds']} s after the due minute; {lim['server_429s']} answers 429",
        f"  baseline (bare python-telegram-bot, same limiter, {base['messages']} messages): {base['rate_per_second']} a second, "
        f"{base['server_429s']} answers 429; Jobbvenn / baseline = {results['vs_bare_limited']}",
        f"  with no limit anywhere (no rate limiter either), {free['reminders']} reminders: {free['rate_per_second']} a second "
        f"({free['lost']} lost, {free['duplicates']} duplicates); bare loop {bare['rate_per_second']} a second; "
        f"ratio {results['unthrottled_vs_bare']}",
    ])
