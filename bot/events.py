"""The events feed: what happened, in order, for the case system to read.

An event is written only if the candidate shares that kind of thing with their job
specialist at that moment; after a withdrawal nothing new of that kind is written.
The candidate's status (joined, consent answers, left) is always written: the
consent screen tells the candidate so.

The cursor is the event id. Ids come from SQLite's AUTOINCREMENT inside the write
transaction, and SQLite has one writer at a time, so ids are committed in order: a
reader that asks for `id > cursor` never skips or repeats an event, across restarts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.db import iso, utcnow

#: Event type -> the consent item (bot.consent.SHARED_WITH["specialist"]) that must be
#: granted for it to be written; None: always written.
EVENT_TYPES: dict[str, str | None] = {
    "candidate_joined": None,
    "consent_changed": None,
    "candidate_left": None,
    "plan_item_answered": "plan_answers",
    "task_done": "plan_answers",
    "interest_profile_completed": "interest_profile",
    "vocabulary_progress": "vocabulary_progress",
    "absence_notice": "absence_notices",
    "question_asked": "questions",
}


@dataclass(frozen=True)
class Event:
    id: int
    type: str
    candidate_id: int | None
    case_id: str | None
    at: str
    data: dict[str, Any]


def record(
    db: sqlite_utils.Database, candidate_id: int, type: str, data: dict[str, Any], now: datetime | None = None
) -> int | None:
    """Write an event if the candidate shares this kind of thing; return its id, or None."""
    from bot import consent  # consent records events too

    if type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type!r}")
    row = db.execute("SELECT user_id, organisation_id FROM candidates WHERE id = ?", [candidate_id]).fetchone()
    if row is None:
        return None
    user_id, organisation_id = row
    if EVENT_TYPES[type] is not None and (user_id is None or not consent.allows(db, user_id, "specialist")):
        return None
    cursor = db.execute(
        "INSERT INTO events (organisation_id, candidate_id, type, data, created_at) VALUES (?, ?, ?, ?, ?)",
        [organisation_id, candidate_id, type, json.dumps(data, ensure_ascii=False), iso(now or utcnow())],
    )
    return cursor.lastrowid


def page(
    db: sqlite_utils.Database, organisation_id: int, after: int = 0, limit: int = 100, specialist_id: int | None = None
) -> list[Event]:
    """Events after the cursor, oldest first; for a specialist, only their caseload's."""
    return [Event(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in _page_rows(db, organisation_id, after, limit, specialist_id)]


def page_json(
    db: sqlite_utils.Database, organisation_id: int, after: int = 0, limit: int = 100, specialist_id: int | None = None
) -> tuple[str, int | None]:
    """The same page as a JSON array, built from the stored JSON without decoding it
    (the hot path of a case system's polling), and the last event id on it."""
    rows = _page_rows(db, organisation_id, after, limit, specialist_id)
    dumps = json.dumps
    items = [
        f'{{"id":"{r[0]}","type":{dumps(r[1])},"candidate_id":{dumps(r[2])},"case_id":{dumps(r[3], ensure_ascii=False)},'
        f'"at":{dumps(r[4])},"data":{r[5]}}}'
        for r in rows
    ]
    return "[" + ",".join(items) + "]", (rows[-1][0] if rows else None)


def _page_rows(db: sqlite_utils.Database, organisation_id: int, after: int, limit: int, specialist_id: int | None) -> list[tuple]:
    sql = (
        "SELECT e.id, e.type, e.candidate_id, c.case_id, e.created_at, e.data FROM events e "
        "LEFT JOIN candidates c ON c.id = e.candidate_id WHERE e.organisation_id = ? AND e.id > ?"
    )
    params: list[Any] = [organisation_id, after]
    if specialist_id is not None:
        sql += " AND c.specialist_id = ?"
        params.append(specialist_id)
    sql += " ORDER BY e.id LIMIT ?"
    params.append(limit)
    return db.execute(sql, params).fetchall()


def for_candidate(db: sqlite_utils.Database, candidate_id: int) -> list[Event]:
    """What has been shared about one candidate (for their own /mydata)."""
    rows = db.execute(
        "SELECT e.id, e.type, e.candidate_id, c.case_id, e.created_at, e.data FROM events e "
        "JOIN candidates c ON c.id = e.candidate_id WHERE e.candidate_id = ? ORDER BY e.id",
        [candidate_id],
    ).fetchall()
    return [Event(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]
