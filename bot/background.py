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
        self.stopping = False  # a round that sends one thing after another checks this between them

    @abc.abstractmethod
    async def round(self) -> bool:
        """Do one round of work; True if there may be more right away."""

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self, grace: float = 0.0) -> None:
        """Stop; with `grace`, first let the round under way finish what it is doing (up to that
        many seconds), so that nothing is cut off between sending it and noting it sent."""
        self.stopping = True
        if self._task is not None and grace:
            self._wake.set()
            try:
                await asyncio.wait_for(asyncio.shield(self._task), grace)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                pass
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        while not self.stopping:
            try:
                busy = await self.round()
            except Exception:  # one bad round must not end the loop
                log.exception("%s: round failed", self.name)
                busy = False
            if busy or self.stopping:
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            except asyncio.TimeoutError:
                pass
