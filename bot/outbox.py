"""The outbox: things the bot must tell a candidate, as rows, delivered at least once
and marked when sent.

Writers (the HTTP API, later the reminder planner) insert rows in the same
transaction as the change they announce. One deliverer claims due rows
atomically, sends them, and marks them sent; a row whose claim is older than
`CLAIM_TIMEOUT` (the process died mid-send) is claimed again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from bot.db import iso, transaction, utcnow

CLAIM_TIMEOUT = timedelta(minutes=2)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class OutboxRow:
    id: int
    candidate_id: int
    kind: str
    ref_id: int | None
    payload: dict[str, Any]
    attempts: int


def enqueue(
    db: sqlite_utils.Database,
    candidate_id: int,
    kind: str,
    ref_id: int | None = None,
    payload: dict[str, Any] | None = None,
    due_at: datetime | None = None,
) -> int:
    cursor = db.execute(
        "INSERT INTO outbox (candidate_id, kind, ref_id, payload, due_at) VALUES (?, ?, ?, ?, ?)",
        [candidate_id, kind, ref_id, json.dumps(payload or {}, ensure_ascii=False), iso(due_at or utcnow())],
    )
    return cursor.lastrowid


def claim_due(db: sqlite_utils.Database, now: datetime | None = None, limit: int = 20) -> list[OutboxRow]:
    """Take up to `limit` due rows for sending; nobody else gets them until the claim times out."""
    now = now or utcnow()
    with transaction(db):
        # Rows for a candidate who has not joined yet (or not yet chosen a language and
        # answered the consent questions), or who blocked the bot, wait until they have
        # (or have come back).
        rows = db.execute(
            "SELECT o.id, o.candidate_id, o.kind, o.ref_id, o.payload, o.attempts FROM outbox o "
            "JOIN candidates c ON c.id = o.candidate_id "
            "JOIN users u ON u.id = c.user_id AND u.onboarding = 'done' AND u.reachable = 1 "
            "WHERE o.sent_at IS NULL AND o.due_at <= ? AND (o.claimed_at IS NULL OR o.claimed_at <= ?) "
            "AND o.attempts < ? ORDER BY o.due_at, o.id LIMIT ?",
            [iso(now), iso(now - CLAIM_TIMEOUT), MAX_ATTEMPTS, limit],
        ).fetchall()
        if rows:
            db.execute(
                f"UPDATE outbox SET claimed_at = ?, attempts = attempts + 1 WHERE id IN ({','.join('?' * len(rows))})",
                [iso(now), *[r[0] for r in rows]],
            )
    return [OutboxRow(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5] + 1) for r in rows]


def mark_sent(db: sqlite_utils.Database, row_id: int, now: datetime | None = None) -> None:
    db.execute("UPDATE outbox SET sent_at = ?, last_error = NULL WHERE id = ?", [iso(now or utcnow()), row_id])


def retry_later(db: sqlite_utils.Database, row_id: int, error: str, delay: timedelta, now: datetime | None = None) -> None:
    """Give the row back, due again after `delay`."""
    db.execute(
        "UPDATE outbox SET claimed_at = NULL, due_at = ?, last_error = ? WHERE id = ?",
        [iso((now or utcnow()) + delay), error[:200], row_id],
    )


def give_up(db: sqlite_utils.Database, row_id: int, error: str) -> None:
    """Never to be sent (the candidate blocked the bot or left); kept with the reason."""
    db.execute("UPDATE outbox SET attempts = ?, last_error = ? WHERE id = ?", [MAX_ATTEMPTS, error[:200], row_id])
