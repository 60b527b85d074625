"""Rules of one candidate's own workplace, written by their specialist or mentor
("we start at 07:00", "phones stay in the locker")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot import outbox
from bot.db import iso, transaction, utcnow


@dataclass(frozen=True)
class WorkplaceRule:
    id: int
    candidate_id: int
    text: str
    created_by: str
    created_at: str


def add(db: sqlite_utils.Database, candidate_id: int, text: str, created_by: str, now: datetime | None = None) -> WorkplaceRule:
    with transaction(db):
        rule_id = db.execute(
            "INSERT INTO workplace_rules (candidate_id, text, created_by, created_at) VALUES (?, ?, ?, ?)",
            [candidate_id, text, created_by, iso(now or utcnow())],
        ).lastrowid
        outbox.enqueue(db, candidate_id, "workplace_rule", rule_id)
    return get(db, rule_id)


def get(db: sqlite_utils.Database, rule_id: int) -> WorkplaceRule | None:
    row = next(db.query("SELECT * FROM workplace_rules WHERE id = ?", [rule_id]), None)
    return None if row is None else WorkplaceRule(**row)


def for_candidate(db: sqlite_utils.Database, candidate_id: int) -> list[WorkplaceRule]:
    return [WorkplaceRule(**r) for r in db.query("SELECT * FROM workplace_rules WHERE candidate_id = ? ORDER BY id", [candidate_id])]
