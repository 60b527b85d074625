"""Runs database work off the event loop.

All SQLite access goes through one worker thread that owns the connection, so
the bot's event loop never waits on the disk or on a lock held by another
process, and writes are naturally serialised. Domain functions stay plain and
synchronous (`fn(db, ...)`) and are unit-tested without any of this.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from bot import db as database

T = TypeVar("T")


class Storage:
    def __init__(self, path: Path | str):
        self.path = path
        self._closed = False
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobbvenn-db")
        # The connection is made in the worker thread and used only there.
        self._db: sqlite_utils.Database = self._executor.submit(database.connect, path).result()

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(db, *args, **kwargs)` in the database thread and return its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, self._db, *args, **kwargs))

    def run_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """The same, for code that is not on the event loop (the CLI)."""
        return self._executor.submit(fn, self._db, *args, **kwargs).result()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._executor.submit(self._db.close).result()
        self._executor.shutdown(wait=True)
