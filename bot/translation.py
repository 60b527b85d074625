"""Machine translation of what mentors and specialists write, and translations by people.

One async interface: `translate(text, source, target)` and `translate_batch(...)`.
Order of trust: a translation a person wrote (never overwritten), then a cached machine
translation for the installed model version, then argos-translate in a worker process.
The worker is one process with a bounded number of waiting batches: the bot's event
loop never waits on a model, and a flood of texts waits its turn instead of piling up.

argos-translate is an optional extra (`pip install 'jobbvenn[translate]'`); without it,
or without a package for a pair, `translate` answers None and the caller shows the
Norwegian and asks a person for a translation.
"""

from __future__ import annotations

import asyncio
import importlib.util
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from bot import argos_worker
from bot.db import iso, utcnow
from bot.storage import Storage

ROUTE_TTL_SECONDS = 60.0  # packages installed by the CLI are seen within a minute


@dataclass(frozen=True)
class Translated:
    text: str
    machine: bool  # made by a machine: shown with a marker, open for a person's correction


def argos_installed() -> bool:
    return importlib.util.find_spec("argostranslate") is not None


# -- the database side (plain functions, run in the storage thread) -----------------------

def manual(db: sqlite_utils.Database, organisation_id: int | None, source: str, target: str, texts: list[str]) -> dict[str, str]:
    found = {}
    for text in texts:
        row = db.execute(
            "SELECT result FROM manual_translations WHERE organisation_id = ? AND source = ? AND target = ? AND text = ?",
            [organisation_id, source, target, text],
        ).fetchone()
        if row:
            found[text] = row[0]
    return found


def save_manual(db: sqlite_utils.Database, organisation_id: int, source: str, target: str, text: str, result: str,
                written_by: str, now: datetime | None = None) -> None:
    """A person's translation, for their organisation; it replaces an earlier one by a person,
    and always beats a machine's."""
    db.execute(
        "INSERT INTO manual_translations (organisation_id, source, target, text, result, written_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(organisation_id, source, target, text) DO UPDATE SET "
        "result = excluded.result, written_by = excluded.written_by, created_at = excluded.created_at",
        [organisation_id, source, target, text, result, written_by, iso(now or utcnow())],
    )


def cached(db: sqlite_utils.Database, source: str, target: str, version: str, texts: list[str]) -> dict[str, str]:
    found = {}
    for text in texts:
        row = db.execute(
            "SELECT result FROM machine_translations WHERE source = ? AND target = ? AND model_version = ? AND text = ?",
            [source, target, version, text],
        ).fetchone()
        if row:
            found[text] = row[0]
    return found


def save_cached(db: sqlite_utils.Database, source: str, target: str, version: str, pairs: list[tuple[str, str]]) -> None:
    now = iso(utcnow())
    db.conn.executemany(
        "INSERT OR REPLACE INTO machine_translations (source, target, model_version, text, result, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [(source, target, version, text, result, now) for text, result in pairs],
    )


# -- the async interface -------------------------------------------------------------------

class MachineTranslation:
    def __init__(self, storage: Storage, packages_dir: Path | str, max_pending: int = 8):
        self.storage = storage
        self.packages_dir = Path(packages_dir)
        self.enabled = argos_installed()
        self._pool: ProcessPoolExecutor | None = None
        self._slots = asyncio.Semaphore(max_pending)
        self._routes: dict[tuple[str, str], tuple[float, str | None]] = {}
        self.worker_calls = 0  # how many batches reached the model (the cache keeps this low)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=argos_worker.configure, initargs=(str(self.packages_dir),),
            )
        return self._pool

    async def _worker(self, fn, *args):
        async with self._slots:
            return await asyncio.get_running_loop().run_in_executor(self._executor(), fn, *args)

    async def model_version(self, source: str, target: str) -> str | None:
        """The installed route's version for this pair (None: no route), remembered for a minute."""
        if not self.enabled:
            return None
        now = time.monotonic()
        known = self._routes.get((source, target))
        if known and now - known[0] < ROUTE_TTL_SECONDS:
            return known[1]
        steps = await self._worker(argos_worker.route, source, target)
        version = ">".join(f"{f}-{t}:{v}" for f, t, v in steps) if steps else None
        self._routes[(source, target)] = (now, version)
        return version

    def forget_routes(self) -> None:
        self._routes.clear()

    async def translate_batch(
        self, texts: list[str], source: str, target: str, organisation_id: int | None = None, cache: bool = True
    ) -> list[Translated | None]:
        """Each text translated, or None where no person and no installed model can.
        `organisation_id` picks whose people's translations count; `cache=False` for text
        that may be personal (a message to one candidate), which is then not kept."""
        if source == target:
            return [Translated(t, machine=False) for t in texts]
        results: dict[str, Translated] = {
            text: Translated(result, machine=False)
            for text, result in (await self.storage.run(manual, organisation_id, source, target, texts)).items()
        }
        missing = [t for t in dict.fromkeys(texts) if t not in results]
        version = await self.model_version(source, target) if missing else None
        if version is not None:
            hits = await self.storage.run(cached, source, target, version, missing) if cache else {}
            results.update({t: Translated(r, machine=True) for t, r in hits.items()})
            todo = [t for t in missing if t not in hits]
            if todo:
                self.worker_calls += 1
                answer = await self._worker(argos_worker.translate_batch, todo, source, target)
                if answer is not None:
                    made, made_version = answer
                    if cache:
                        await self.storage.run(save_cached, source, target, made_version, list(zip(todo, made, strict=True)))
                    results.update({t: Translated(r, machine=True) for t, r in zip(todo, made, strict=True)})
        return [results.get(t) for t in texts]

    async def translate(self, text: str, source: str, target: str, organisation_id: int | None = None) -> Translated | None:
        return (await self.translate_batch([text], source, target, organisation_id))[0]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


# -- asking a person when no machine can ---------------------------------------------------

def ask_person(db: sqlite_utils.Database, source: str, target: str, text: str, candidate_id: int, asked_user: int) -> int | None:
    """Note that this candidate waits for a person's translation of this text. Returns the
    request's id when the person should be asked now; None when they were asked already
    (for this candidate, or for another one still waiting for the same text)."""
    already = db.execute(
        "SELECT 1 FROM translation_requests WHERE source = ? AND target = ? AND text = ? AND asked_user = ? AND answered_at IS NULL",
        [source, target, text, asked_user],
    ).fetchone()
    cursor = db.execute(
        "INSERT OR IGNORE INTO translation_requests (source, target, text, candidate_id, asked_user, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [source, target, text, candidate_id, asked_user, iso(utcnow())],
    )
    return cursor.lastrowid if cursor.rowcount == 1 and not already else None


@dataclass(frozen=True)
class Request:
    id: int
    source: str
    target: str
    text: str
    candidate_id: int
    answered: bool


def open_request(db: sqlite_utils.Database, request_id: int, asked_user: int) -> Request | None:
    """The request, only if it was put to this user (a button can be forged)."""
    row = db.execute(
        "SELECT rowid, source, target, text, candidate_id, answered_at FROM translation_requests WHERE rowid = ? AND asked_user = ?",
        [request_id, asked_user],
    ).fetchone()
    return None if row is None else Request(row[0], row[1], row[2], row[3], row[4], row[5] is not None)


def answer_request(db: sqlite_utils.Database, request: Request, result: str, asked_user: int) -> list[int]:
    """Store the person's translation for their organisation; every candidate who waited for
    this text (asked of the same person) is answered. Returns those candidates' ids."""
    organisation = db.execute("SELECT organisation_id FROM candidates WHERE id = ?", [request.candidate_id]).fetchone()
    if organisation is None or organisation[0] is None:
        return []
    save_manual(db, organisation[0], request.source, request.target, request.text, result, f"user:{asked_user}")
    waiting = [
        r[0] for r in db.execute(
            "SELECT candidate_id FROM translation_requests WHERE source = ? AND target = ? AND text = ? AND asked_user = ? "
            "AND answered_at IS NULL", [request.source, request.target, request.text, asked_user],
        ).fetchall()
    ]
    db.execute(
        "UPDATE translation_requests SET answered_at = ? WHERE source = ? AND target = ? AND text = ? AND asked_user = ? "
        "AND answered_at IS NULL", [iso(utcnow()), request.source, request.target, request.text, asked_user],
    )
    return waiting
