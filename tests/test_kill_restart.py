"""`jobbvenn run` is killed (SIGKILL) in the middle of sending 240 reminders and started
again: every reminder arrives, and none twice.

The local Bot API server runs in the test and allows 30 messages a second, so the
process is killed while most reminders still wait. Telegram cannot say whether a message
sent a moment before a crash arrived, so the one reminder the dead process may have had
in flight is sent again (a reminder twice is better than none). The test checks that this
is the only way a reminder can come twice: any duplicate must be a row the dead process
had claimed."""

import asyncio
import os
import signal
import sys
import time

from bench.reminders import _fill
from bot import db as database
from bot.db import utcnow
from bot.local_bot_api import LOCAL_TOKEN, LocalBotApi

N = 240


async def start(server: LocalBotApi, path) -> asyncio.subprocess.Process:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": LOCAL_TOKEN, "TELEGRAM_BASE_URL": server.base_url, "JOBBVENN_DB": str(path),
           "JOBBVENN_HTTP": "127.0.0.1:0", "JOBBVENN_TRANSLATION_DIR": str(path.parent / "argos")}
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", env=env,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


def delivered(server: LocalBotApi, wanted: set[int]) -> list[int]:
    return [c.params["chat_id"] for c in server.calls if c.method == "sendMessage" and c.ok and c.params.get("chat_id") in wanted]


async def wait_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.05)


async def test_killed_mid_delivery_and_restarted_every_reminder_arrives_once(tmp_path):
    path = tmp_path / "jobbvenn.db"
    conn = database.connect(path)
    wanted = set(_fill(conn, N, utcnow()))
    conn.close()
    server = LocalBotApi()
    await server.start()
    server.limit_rate(30)
    for uid in wanted:
        server.user(uid, "C", "so")

    first = await start(server, path)
    await wait_until(lambda: len(delivered(server, wanted)) >= 80, timeout=60)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    sent_before = set(delivered(server, wanted))
    conn = database.connect(path)
    claimed = {r[0] for r in conn.execute(
        "SELECT c.user_id FROM reminders r JOIN candidates c ON c.id = r.candidate_id WHERE r.status = 'sending'")}
    conn.close()
    assert 80 <= len(sent_before) < N   # killed in the middle

    second = await start(server, path)
    try:
        await wait_until(lambda: set(delivered(server, wanted)) == wanted, timeout=60)
        await asyncio.sleep(1.5)  # a reminder sent twice would show now
    finally:
        second.send_signal(signal.SIGTERM)
        await second.wait()
    await server.stop()

    counts = {}
    for chat in delivered(server, wanted):
        counts[chat] = counts.get(chat, 0) + 1
    assert set(counts) == wanted                                 # none lost
    twice = {chat for chat, n in counts.items() if n > 1}
    print(f"killed after {len(sent_before)}; claimed at the kill: {len(claimed)}; sent twice: {len(twice)}")
    assert twice <= claimed and len(twice) <= 1                  # only the one in flight, if any
    conn = database.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT status, COUNT(*) FROM reminders GROUP BY status").fetchall() == [("sent", N)]
    conn.close()
