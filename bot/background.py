"""A loop that runs in the background of the event loop: does a round of work, and when
there was nothing to do, sleeps until woken or until the poll interval has passed."""

from __future__ import annotations

import abc
import asyncio
import logging

log = logging.getLogger(__name__)


class BackgroundLoop(abc.ABC):
    name = "jobbvenn-background"
    poll_seconds = 3.0

    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    @abc.abstractmethod
    async def round(self) -> bool:
        """Do one round of work; True if there may be more right away."""

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                busy = await self.round()
            except Exception:  # one bad round must not end the loop
                log.exception("%s: round failed", self.name)
                busy = False
            if busy:
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            except asyncio.TimeoutError:
                pass
