"""`jobbvenn run`: the bot (long polling) and the sync API (uvicorn) in one process and
one event loop, started together and stopped together on SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal

import uvicorn
from telegram.ext import Application

from bot.config import Config
from bot.storage import Storage
from bot.telegram_app import build_application, run_in_loop, stop_in_loop
from bot.webhooks import WebhookSender

log = logging.getLogger(__name__)


class ApiServer(uvicorn.Server):
    """uvicorn without its own signal handling: the runner owns the signals."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield


def api_for(application: Application):
    """The API app wired to this bot: its storage, its @username, its scheduler (which sends the outbox).
    (FastAPI is imported here, not at start-up: the bot polls before the API is built.)"""
    from bot.api.app import create_api

    def username() -> str | None:
        try:
            return application.bot.username
        except RuntimeError:  # not initialised yet
            return None

    return create_api(application.bot_data["storage"], bot_username=username, wake_outbox=application.bot_data["deliverer"].wake)


async def start_api(application: Application, host: str, port: int) -> tuple[ApiServer, asyncio.Task]:
    server = ApiServer(uvicorn.Config(api_for(application), host=host, port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve(), name="jobbvenn-api")
    while not server.started:
        if task.done():  # could not bind the port, for example
            task.result()
            raise OSError(f"the HTTP API could not start on {host}:{port}")
        await asyncio.sleep(0.01)
    return server, task


async def stop_api(server: ApiServer, task: asyncio.Task) -> None:
    server.should_exit = True
    await task


async def serve(config: Config, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set, or until SIGTERM / SIGINT."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    if os.name == "posix":  # Windows has no loop signal handlers; Ctrl-C still ends asyncio.run there
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
    application = build_application(config, Storage(config.db_path))
    await run_in_loop(application)
    try:
        server, task = await start_api(application, config.http_host, config.http_port)
    except BaseException:
        await stop_in_loop(application)
        raise
    log.info("sync API on http://%s:%s (OpenAPI at /openapi.json)", config.http_host, config.http_port)
    sender = WebhookSender(application.bot_data["storage"])
    sender.start()
    try:
        await stop.wait()
    finally:
        log.info("stopping")
        await sender.stop()
        await stop_api(server, task)
        await stop_in_loop(application)
