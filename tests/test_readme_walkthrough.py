"""The README's curl walk-through, run as written against a real `jobbvenn run` process
(pointed at the built-in Bot API server, as Telegram cannot be reached here). Also: the
process serves bot and API together and stops cleanly on SIGTERM."""

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import sys
from pathlib import Path

import httpx
import pytest

from bot import PROJECT_ROOT
from bot.local_bot_api import LOCAL_TOKEN, LocalBotApi

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="the walk-through uses curl")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def walkthrough_script() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("### Walk-through with curl", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


async def run(*args: str, env: dict, stdin: bytes | None = None) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *args, env=env, cwd=PROJECT_ROOT, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(stdin), 60)
    return proc.returncode, out.decode(), err.decode()


async def test_readme_walkthrough_against_jobbvenn_run(tmp_path):
    server = LocalBotApi()
    await server.start()
    port = free_port()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": LOCAL_TOKEN,
        "TELEGRAM_BASE_URL": server.base_url,
        "JOBBVENN_DB": str(tmp_path / "walk.sqlite3"),
        "JOBBVENN_HTTP": f"127.0.0.1:{port}",
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=PROJECT_ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(200):
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/v1/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
            else:
                pytest.fail("jobbvenn run did not start its API")

        # A job specialist joins, as the README's "Running on Telegram" says.
        code, out, err = await run(sys.executable, "-m", "bot", "admin", "invite-specialist", env=env)
        assert code == 0, err
        link_code = out.strip().splitlines()[-1].split("start=")[1]
        sara = server.user(7001, "Sara", "nb")
        sara.send_text(f"/start {link_code}")
        for _ in range(200):
            if any(m.buttons for m in server.bot_messages(7001)):
                break
            await asyncio.sleep(0.05)
        sara.press(server.bot_messages(7001)[-1], "✅ Norsk (bokmål)")
        for _ in range(200):
            if len(server.bot_messages(7001)) >= 2:
                break
            await asyncio.sleep(0.05)

        script = walkthrough_script().replace("API=http://127.0.0.1:8080", f"API=http://127.0.0.1:{port}")
        code, out, err = await run("bash", "-euo", "pipefail", "-c", script, env=env)
        assert code == 0, f"walk-through failed:\n{out}\n{err}"
        assert "https://t.me/jobbvenn_local_bot?start=" in err  # step 2 shows the invitation link
        meeting, word_list, events = (json.loads(line) for line in out.strip().splitlines())
        assert meeting["kind"] == "meeting" and meeting["place"] == "Kiwi Storo"
        assert word_list["title"] == "Frukt og grønt" and word_list["words"][0]["translations"] == {"fa_AF": "کیله"}
        assert events == {"events": [], "next_cursor": "0"}  # Alina has not joined yet: nothing to tell
    finally:
        bot.send_signal(signal.SIGTERM)
        try:
            returncode = await asyncio.wait_for(bot.wait(), 20)
        finally:
            if bot.returncode is None:
                bot.kill()
        stderr = (await bot.stderr.read()).decode()
        await server.stop()
    assert returncode == 0, stderr
    assert "Traceback" not in stderr
