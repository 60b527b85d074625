"""The update inbox: what makes each update from Telegram handled once, even across a crash.

Telegram keeps an update until the bot asks for the next offset, and python-telegram-bot
asks for it as soon as a batch is in its queue, before the handlers run. So the bot keeps
each batch here first (`receive`), in one transaction, before Telegram is told it arrived.
When a handler is done, the update is marked finished and its text dropped (`finish`).

- A process killed mid-work leaves updates unfinished; the next process takes them over
  (`take_over`) and handles them. Only one that was being handled at the moment of the
  kill runs again from the start.
- Telegram may send an update again (it was stored, but the confirmation never reached
  Telegram); `receive` says it is a repeat, and it is skipped.

The stored text of an update is personal data for the seconds until it is handled; a
finished row keeps only the id and times, for two days (`prune`). No Telegram here.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

import sqlite_utils

from bot.db import iso, transaction
from bot.lease import LEASE, alive

#: Telegram keeps an unconfirmed update for 24 hours; a finished id is kept longer, so a repeat is known.
KEEP = timedelta(days=2)


def receiver_id(pid: int | None = None, host: str | None = None) -> str:
    """Who took an update: this process, as host:pid."""
    return f"{host or socket.gethostname()}:{os.getpid() if pid is None else pid}"


def receive(db: sqlite_utils.Database, updates: list[tuple[int, str]], receiver: str, now: datetime) -> set[int]:
    """Keep a batch of (update id, JSON) from Telegram; return the ids already here (repeats)."""
    if not updates:
        return set()
    ids = [update_id for update_id, _ in updates]
    with transaction(db):
        marks = ",".join("?" * len(ids))
        known = {row[0] for row in db.execute(f"SELECT update_id FROM inbox WHERE update_id IN ({marks})", ids)}
        db.conn.executemany(
            "INSERT OR IGNORE INTO inbox (update_id, body, receiver, received_at) VALUES (?, ?, ?, ?)",
            [(update_id, body, receiver, iso(now)) for update_id, body in updates],
        )
    return known


def finish(db: sqlite_utils.Database, update_id: int, now: datetime) -> None:
    """The update's handler is done (answered or failed): drop its text, keep its id."""
    db.execute("UPDATE inbox SET body = NULL, done_at = ? WHERE update_id = ? AND done_at IS NULL", [iso(now), update_id])


def _gone(receiver: str, received_at: str, now: datetime, host: str) -> bool:
    """The process that took an update is gone: dead on this machine, or with the update
    unfinished for a lease period (a live process finishes its updates within seconds; this
    also covers another machine, and a process id used again)."""
    their_host, _, pid = receiver.rpartition(":")
    if their_host == host and pid.isdigit() and not alive(int(pid)):
        return True
    return datetime.fromisoformat(received_at) < now - LEASE


def take_over(db: sqlite_utils.Database, receiver: str, now: datetime, host: str | None = None) -> list[tuple[int, str]]:
    """The unfinished updates of processes that are gone, oldest first; they are this receiver's now."""
    host = host or socket.gethostname()
    with transaction(db):
        rows = db.execute(
            "SELECT update_id, body, receiver, received_at FROM inbox WHERE done_at IS NULL ORDER BY update_id"
        ).fetchall()
        orphans = [(update_id, body) for update_id, body, who, at in rows if who != receiver and _gone(who, at, now, host)]
        db.conn.executemany("UPDATE inbox SET receiver = ? WHERE update_id = ?", [(receiver, uid) for uid, _ in orphans])
    return orphans


def prune(db: sqlite_utils.Database, now: datetime) -> int:
    """Forget finished updates older than KEEP; return how many."""
    return db.execute("DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?", [iso(now - KEEP)]).rowcount
