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
import logging
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from bot import argos_worker
from bot.db import iso, utcnow
from bot.storage import Storage

log = logging.getLogger(__name__)
ROUTE_TTL_SECONDS = 60.0  # packages installed by the CLI are seen within a minute


@dataclass(frozen=True)
class Translated:
    text: str
    machine: bool  # made by a machine: shown with a marker, open for a person's correction


def argos_installed() -> bool:
    return importlib.util.find_spec("argostranslate") is not None


# -- the database side (plain functions, run in the storage thread) -----------------------

def _lookup(db: sqlite_utils.Database, table: str, where: str, params: list, texts: list[str]) -> dict[str, str]:
    found = {}
    for text in texts:
        row = db.execute(f"SELECT result FROM {table} WHERE {where} AND text = ?", [*params, text]).fetchone()
        if row:
            found[text] = row[0]
    return found


def manual(db: sqlite_utils.Database, organisation_id: int | None, source: str, target: str, texts: list[str]) -> dict[str, str]:
    """People's translations, of this organisation."""
    return _lookup(db, "manual_translations", "organisation_id = ? AND source = ? AND target = ?",
                   [organisation_id, source, target], texts)


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
    """Machine translations made with this model version."""
    return _lookup(db, "machine_translations", "source = ? AND target = ? AND model_version = ?", [source, target, version], texts)


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
            loop = asyncio.get_running_loop()
            try:
                return await loop.run_in_executor(self._executor(), fn, *args)
            except BrokenProcessPool:  # the worker died (out of memory, killed): start a new one, once
                log.warning("translation worker died; starting a new one")
                self._pool = None
                return await loop.run_in_executor(self._executor(), fn, *args)

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
        """Stop the worker without waiting for a batch in progress (called from the event loop)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


# -- asking a person when no machine can ---------------------------------------------------

def record_use(db: sqlite_utils.Database, candidate_id: int, source: str, target: str, texts: list[str]) -> None:
    """Remember that these texts were translated for this candidate, so /delete can take what
    only they ever saw out of the shared caches."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO translation_uses (candidate_id, source, target, text) VALUES (?, ?, ?, ?)",
        [(candidate_id, source, target, text) for text in texts],
    )


def forget_candidate(db: sqlite_utils.Database, candidate_id: int) -> None:
    """For /delete: translations of texts no other candidate saw, and the candidate's place in
    any queue for a person's translation."""
    only_theirs = db.execute(
        "SELECT source, target, text FROM translation_uses u WHERE candidate_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM translation_uses o WHERE o.source = u.source AND o.target = u.target AND o.text = u.text "
        "AND o.candidate_id != u.candidate_id)",
        [candidate_id],
    ).fetchall()
    for table in ("machine_translations", "manual_translations", "translation_requests"):
        db.conn.executemany(f"DELETE FROM {table} WHERE source = ? AND target = ? AND text = ?", only_theirs)
    db.execute("DELETE FROM translation_uses WHERE candidate_id = ?", [candidate_id])
    db.execute("DELETE FROM translation_waiting WHERE candidate_id = ?", [candidate_id])


def ask_person(
    db: sqlite_utils.Database, organisation_id: int, source: str, target: str, text: str, candidate_id: int, asked_user: int
) -> int | None:
    """Note that this candidate waits for a person's translation of this text. Returns a new
    request's id when the person should be asked now; None when an open request to them for
    the same text exists (the candidate joins its queue). If asking fails, `withdraw` it."""
    row = db.execute(
        "SELECT id FROM translation_requests WHERE organisation_id = ? AND source = ? AND target = ? AND text = ? "
        "AND asked_user = ? AND answered_at IS NULL",
        [organisation_id, source, target, text, asked_user],
    ).fetchone()
    new = row is None
    request_id = db.execute(
        "INSERT INTO translation_requests (organisation_id, source, target, text, asked_user, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [organisation_id, source, target, text, asked_user, iso(utcnow())],
    ).lastrowid if new else row[0]
    db.execute("INSERT OR IGNORE INTO translation_waiting (request_id, candidate_id) VALUES (?, ?)", [request_id, candidate_id])
    return request_id if new else None


def withdraw(db: sqlite_utils.Database, request_id: int) -> None:
    """The person could not be asked (blocked the bot, network): forget the request, so the
    next time the text is sent they are asked again."""
    db.execute("DELETE FROM translation_requests WHERE id = ? AND answered_at IS NULL", [request_id])


@dataclass(frozen=True)
class Request:
    id: int
    organisation_id: int
    source: str
    target: str
    text: str
    answered: bool


def open_request(db: sqlite_utils.Database, request_id: int, asked_user: int) -> Request | None:
    """The request, only if it was put to this user (a button can be forged)."""
    row = db.execute(
        "SELECT id, organisation_id, source, target, text, answered_at FROM translation_requests WHERE id = ? AND asked_user = ?",
        [request_id, asked_user],
    ).fetchone()
    return None if row is None else Request(row[0], row[1], row[2], row[3], row[4], row[5] is not None)


def answer_request(db: sqlite_utils.Database, request: Request, result: str, asked_user: int) -> list[int]:
    """Store the person's translation for their organisation and close the request. Returns
    the candidates who waited for it."""
    save_manual(db, request.organisation_id, request.source, request.target, request.text, result, f"user:{asked_user}")
    db.execute("UPDATE translation_requests SET answered_at = ? WHERE id = ?", [iso(utcnow()), request.id])
    return [r[0] for r in db.execute("SELECT candidate_id FROM translation_waiting WHERE request_id = ?", [request.id]).fetchall()]
