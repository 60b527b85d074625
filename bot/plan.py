"""Plan items: meetings, work shifts and tasks in a candidate's plan.

Specialists create them (in the bot, or through the HTTP API); the candidate is told
through the outbox and answers "coming", "not coming" or "done". Answers become
events for the case record when the candidate shares them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import sqlite_utils

from bot import events, outbox
from bot.db import iso, transaction, utcnow

KINDS = ("meeting", "shift", "task")
MEETING_KINDS = ("specialist_conversation", "status_meeting", "evaluation_meeting", "job_interview", "first_day", "other")
ANSWERS = ("coming", "not_coming", "done")
#: Fields a specialist may set or change.
EDITABLE = (
    "meeting_kind", "title", "starts_at", "duration_minutes", "repeat_weeks", "deadline", "place",
    "latitude", "longitude", "bring", "participants",
)


@dataclass(frozen=True)
class PlanItem:
    id: int
    candidate_id: int
    kind: str
    meeting_kind: str | None
    title: str | None
    starts_at: str | None
    duration_minutes: int | None
    repeat_weeks: int | None
    deadline: str | None
    place: str | None
    latitude: float | None
    longitude: float | None
    bring: str | None
    participants: str | None
    status: str
    answer: str | None
    answered_at: str | None
    created_by: str
    created_at: str
    updated_at: str
    planned_through: str | None = None  # the reminder planner's bookmark, not part of the item

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "planned_through"}


def _item(row: dict | None) -> PlanItem | None:
    return None if row is None else PlanItem(**row)


def get(db: sqlite_utils.Database, item_id: int) -> PlanItem | None:
    return _item(next(db.query("SELECT * FROM plan_items WHERE id = ?", [item_id]), None))


def for_candidate(db: sqlite_utils.Database, candidate_id: int) -> list[PlanItem]:
    rows = db.query("SELECT * FROM plan_items WHERE candidate_id = ? ORDER BY COALESCE(starts_at, deadline), id", [candidate_id])
    return [_item(r) for r in rows]


def upcoming(db: sqlite_utils.Database, candidate_id: int, now: datetime | None = None, limit: int = 10) -> list[PlanItem]:
    """Active items from today on, soonest first: meetings and shifts not yet past (and
    repeating shifts), and tasks not done."""
    today = iso((now or utcnow()).replace(hour=0, minute=0, second=0))
    rows = db.query(
        "SELECT * FROM plan_items WHERE candidate_id = ? AND status = 'active' AND ("
        " (kind = 'task' AND COALESCE(answer, '') != 'done') OR starts_at >= ? OR repeat_weeks IS NOT NULL) "
        "ORDER BY COALESCE(starts_at, deadline, '9999'), id LIMIT ?",
        [candidate_id, today, limit],
    )
    return [_item(r) for r in rows]


def create(
    db: sqlite_utils.Database, candidate_id: int, kind: str, values: dict[str, Any], created_by: str, now: datetime | None = None,
    announce: bool = True,
) -> PlanItem:
    """A new item; the candidate is told through the outbox (`announce`), unless they added it themselves."""
    if kind not in KINDS:
        raise ValueError(f"unknown plan item kind {kind!r}")
    now_text = iso(now or utcnow())
    values = {k: v for k, v in values.items() if k in EDITABLE}
    columns = ["candidate_id", "kind", "created_by", "created_at", "updated_at", *values]
    with transaction(db):
        cursor = db.execute(
            f"INSERT INTO plan_items ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [candidate_id, kind, created_by, now_text, now_text, *values.values()],
        )
        if announce:
            outbox.enqueue(db, candidate_id, "plan_item_created", cursor.lastrowid)
    return get(db, cursor.lastrowid)


def update(db: sqlite_utils.Database, item_id: int, values: dict[str, Any], now: datetime | None = None) -> PlanItem:
    """Change an active item; the candidate is told, and an earlier answer no longer holds."""
    values = {k: v for k, v in values.items() if k in EDITABLE}
    item = get(db, item_id)
    if item is None or item.status != "active" or not values:
        return item
    with transaction(db):
        assignments = ", ".join(f"{k} = ?" for k in values)
        db.execute(
            f"UPDATE plan_items SET {assignments}, answer = NULL, answered_at = NULL, planned_through = NULL, updated_at = ? WHERE id = ?",
            [*values.values(), iso(now or utcnow()), item_id],
        )
        db.execute("DELETE FROM plan_answers WHERE plan_item_id = ?", [item_id])  # they were about the old times
        outbox.enqueue(db, item.candidate_id, "plan_item_updated", item_id)
    return get(db, item_id)


def cancel(db: sqlite_utils.Database, item_id: int, now: datetime | None = None) -> PlanItem:
    item = get(db, item_id)
    if item is None or item.status == "cancelled":
        return item
    with transaction(db):
        db.execute("UPDATE plan_items SET status = 'cancelled', planned_through = NULL, updated_at = ? WHERE id = ?",
                   [iso(now or utcnow()), item_id])
        outbox.enqueue(db, item.candidate_id, "plan_item_cancelled", item_id)
    return get(db, item_id)


def answer(
    db: sqlite_utils.Database, candidate_user_id: int, item_id: int, value: str, now: datetime | None = None,
    occurrence: str | None = None,
) -> PlanItem | None:
    """The candidate's own answer to their own active item; None if the item is not theirs or
    not active. For a repeating shift the answer is for one week: `occurrence`, the UTC start
    of that week's shift (agenda.next_occurrence). The item's reminders are planned again."""
    if value not in ANSWERS:
        raise ValueError(f"unknown answer {value!r}")
    row = db.execute(
        "SELECT p.id FROM plan_items p JOIN candidates c ON c.id = p.candidate_id "
        "WHERE p.id = ? AND c.user_id = ? AND p.status = 'active'",
        [item_id, candidate_user_id],
    ).fetchone()
    if row is None:
        return None
    item = get(db, item_id)
    if (value == "done") != (item.kind == "task"):
        return None
    if item.repeat_weeks and occurrence is None:
        raise ValueError("an answer to a repeating item names its week")
    now = now or utcnow()
    starts_at = item.starts_at
    with transaction(db):
        if item.repeat_weeks:
            starts_at = occurrence
            db.execute(
                "INSERT INTO plan_answers (plan_item_id, occurrence, answer, answered_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(plan_item_id, occurrence) DO UPDATE SET answer = excluded.answer, answered_at = excluded.answered_at",
                [item_id, starts_at, value, iso(now)],
            )
        else:
            db.execute("UPDATE plan_items SET answer = ?, answered_at = ? WHERE id = ?", [value, iso(now), item_id])
        db.execute("UPDATE plan_items SET planned_through = 'again' WHERE id = ?", [item_id])
        if value == "done":
            events.record(db, item.candidate_id, "task_done", {"plan_item_id": item_id, "title": item.title}, now)
        else:
            events.record(
                db, item.candidate_id, "plan_item_answered",
                {"plan_item_id": item_id, "kind": item.kind, "answer": value, "starts_at": starts_at}, now,
            )
    return get(db, item_id)


def answer_for(db: sqlite_utils.Database, item: PlanItem, occurrence: str | None) -> str | None:
    """The answer that holds: a week's own for a repeating shift, else the item's."""
    if item.repeat_weeks:
        return occurrence_answer(db, item.id, occurrence) if occurrence else None
    return item.answer


def visible_to_specialist(db: sqlite_utils.Database, candidate_user_id: int | None, items: list[PlanItem]) -> list[PlanItem]:
    """What a job specialist sees of the plan: everything but the shifts the candidate added
    themselves, which show only when the candidate shares with the specialist."""
    from bot import consent  # consent records events, events know plan answers

    shares = candidate_user_id is not None and consent.allows(db, candidate_user_id, "specialist")
    return [i for i in items if shares or not i.created_by.startswith("candidate:")]


def occurrence_answer(db: sqlite_utils.Database, item_id: int, occurrence: str) -> str | None:
    row = db.execute("SELECT answer FROM plan_answers WHERE plan_item_id = ? AND occurrence = ?", [item_id, occurrence]).fetchone()
    return row[0] if row else None
