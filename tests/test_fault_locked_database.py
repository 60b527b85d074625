"""Another process locks the SQLite file for a few seconds (a backup, an admin command): the
candidate's taps wait and succeed, nothing is lost, and the file stays sound."""

import asyncio
import sys

from bot import reminders
from bot.i18n import translator

SO = translator("so")
LOCK = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(3)
c.execute("COMMIT")
"""


async def test_a_locked_database_makes_a_tap_wait_not_fail(harness):
    h = harness
    sara = await h.onboard_specialist()
    amina = await h.join_candidate(sara, "Amina", 300, "Amina", "so", "Soomaali")
    await h.say(amina, "/menu")
    replies = await h.press(amina, "📅 " + SO("My plan"))
    settings = await h.press(amina, "⏰ " + SO("Reminders"), replies[-1])

    locker = await asyncio.create_subprocess_exec(sys.executable, "-c", LOCK, str(h.db_path), stdout=asyncio.subprocess.PIPE)
    assert (await locker.stdout.readline()).strip() == b"locked"
    started = asyncio.get_running_loop().time()
    replies = await h.press(amina, "🙋 " + SO("Evening question: turn on"), settings[-1])   # a write, while the file is locked
    waited = asyncio.get_running_loop().time() - started
    await locker.wait()

    assert waited > 1.0                                            # it waited for the lock ...
    assert "🙋 " + SO("Ask me the evening before a shift: {answer}", answer=SO("on")) in replies[-1].text   # ... and succeeded
    cand = await h.storage.run(lambda db: db.execute("SELECT id FROM candidates WHERE user_id = 300").fetchone()[0])
    assert (await h.storage.run(reminders.settings, cand)).checkin is True
    assert await h.storage.run(lambda db: db.execute("PRAGMA integrity_check").fetchone()[0]) == "ok"
