"""Start-up: seconds from starting `jobbvenn run` to its first getUpdates at the Bot API
(goal: under 2 s), against a bare python-telegram-bot bot started the same way in the same
run. Both run as their own process against the local Bot API server, on a database of
10,000 candidates for Jobbvenn."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import sys
from telegram.ext import ApplicationBuilder
app = ApplicationBuilder().token(sys.argv[1]).base_url(sys.argv[2]).build()
app.run_polling()
"""


async def _first_poll(server, command: list[str], env: dict) -> float:
    seen = len(server.arrivals)
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(*command, env=env, stdout=asyncio.subprocess.DEVNULL,
                                                   stderr=asyncio.subprocess.DEVNULL)
    try:
        while not any(method == "getUpdates" for method, _ in server.arrivals[seen:]):
            if time.monotonic() - started > 60:
                raise TimeoutError("no getUpdates within a minute")
            await asyncio.sleep(0.005)
        return next(at for method, at in server.arrivals[seen:] if method == "getUpdates") - started
    finally:  # only the start is measured: no need to wait for a graceful stop (up to a long poll)
        process.kill()
        await process.wait()


def run(candidates: int = 10_000, rounds: int = 3) -> dict:
    from bench.reminders import _fill
    from bot import db as database
    from bot.db import utcnow
    from bot.local_bot_api import LOCAL_TOKEN, LocalBotApi

    async def main() -> dict:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "jobbvenn.db"
            conn = database.connect(path)
            _fill(conn, candidates, utcnow())
            conn.execute("DELETE FROM reminders")  # start-up only: nothing to send
            conn.close()
            server = LocalBotApi()
            await server.start()
            env = {**os.environ, "TELEGRAM_BOT_TOKEN": LOCAL_TOKEN, "TELEGRAM_BASE_URL": server.base_url,
                   "JOBBVENN_DB": str(path), "JOBBVENN_HTTP": "127.0.0.1:0"}
            jobbvenn = [await _first_poll(server, [sys.executable, "-m", "bot", "run"], env) for _ in range(rounds)]
            bare = [await _first_poll(server, [sys.executable, "-c", BARE, LOCAL_TOKEN, server.base_url], env) for _ in range(rounds)]
            await server.stop()
        best, base = min(jobbvenn), min(bare)
        return {"candidates": candidates, "jobbvenn_s": round(best, 3), "baseline_bare_ptb_s": round(base, 3),
                "ratio": round(best / base, 2), "goal_s": 2.0, "all_jobbvenn_s": [round(x, 3) for x in jobbvenn]}

    return asyncio.run(main())


def table(r: dict) -> str:
    return "\n".join([
        "Start-up (process start to the first getUpdates, best of three)",
        f"  jobbvenn run with {r['candidates']} candidates in the database: {r['jobbvenn_s']} s (goal {r['goal_s']} s)",
        f"  baseline (a bare python-telegram-bot bot): {r['baseline_bare_ptb_s']} s; ratio {r['ratio']}x",
    ])
