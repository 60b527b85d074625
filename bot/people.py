"""Users, their roles and who is linked to whom (candidate, job specialist, mentor)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.db import iso, utcnow

ONBOARDING_DONE = "done"

# A Norwegian national identity number (fødselsnummer or D-number) has 11 digits.
_ID_NUMBER = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")


def looks_like_id_number(text: str) -> bool:
    """Jobbvenn never stores ID numbers; names and case references that contain one are refused."""
    return bool(_ID_NUMBER.search(text))


@dataclass(frozen=True)
class User:
    id: int
    role: str
    first_name: str | None
    language: str | None
    onboarding: str
    pending_input: str | None
    pending_data: dict[str, Any]
    reachable: bool
    created_at: str
    organisation_id: int | None = None

    @property
    def onboarded(self) -> bool:
        return self.onboarding == ONBOARDING_DONE


@dataclass(frozen=True)
class Candidate:
    id: int
    user_id: int | None
    specialist_id: int | None
    label: str
    language_hint: str | None
    created_at: str
    joined_at: str | None
    left_at: str | None
    organisation_id: int | None = None
    case_id: str | None = None

    @property
    def status(self) -> str:
        if self.left_at:
            return "left"
        return "joined" if self.joined_at else "invited"


def _user(row: dict | None) -> User | None:
    if row is None:
        return None
    return User(
        id=row["id"],
        role=row["role"],
        first_name=row["first_name"],
        language=row["language"],
        onboarding=row["onboarding"],
        pending_input=row["pending_input"],
        pending_data=json.loads(row["pending_data"]) if row["pending_data"] else {},
        reachable=bool(row["reachable"]),
        created_at=row["created_at"],
        organisation_id=row["organisation_id"],
    )


def _candidate(row: dict | None) -> Candidate | None:
    return None if row is None else Candidate(**row)


def get_user(db: sqlite_utils.Database, user_id: int) -> User | None:
    return _user(next(db.query("SELECT * FROM users WHERE id = ?", [user_id]), None))


def add_user(
    db: sqlite_utils.Database,
    user_id: int,
    role: str,
    first_name: str | None,
    now: datetime | None = None,
    organisation_id: int | None = None,
) -> User:
    db.execute(
        "INSERT INTO users (id, role, first_name, created_at, organisation_id) VALUES (?, ?, ?, ?, ?)",
        [user_id, role, first_name, iso(now or utcnow()), organisation_id],
    )
    return get_user(db, user_id)


def set_language(db: sqlite_utils.Database, user_id: int, code: str) -> None:
    db.execute("UPDATE users SET language = ? WHERE id = ?", [code, user_id])


def set_onboarding(db: sqlite_utils.Database, user_id: int, step: str) -> None:
    db.execute("UPDATE users SET onboarding = ? WHERE id = ?", [step, user_id])


def set_pending(db: sqlite_utils.Database, user_id: int, step: str | None, data: dict | None = None) -> None:
    """Remember what the user's next free text (or choice) means; None clears it."""
    db.execute(
        "UPDATE users SET pending_input = ?, pending_data = ? WHERE id = ?",
        [step, json.dumps(data) if data else None, user_id],
    )


def set_reachable(db: sqlite_utils.Database, user_id: int, reachable: bool) -> bool:
    """Note whether Telegram lets the bot reach the user; True if that changed."""
    return db.execute("UPDATE users SET reachable = ? WHERE id = ? AND reachable != ?", [int(reachable), user_id, int(reachable)]).rowcount == 1


def get_candidate(db: sqlite_utils.Database, candidate_id: int) -> Candidate | None:
    return _candidate(next(db.query("SELECT * FROM candidates WHERE id = ?", [candidate_id]), None))


def candidate_of_user(db: sqlite_utils.Database, user_id: int) -> Candidate | None:
    return _candidate(next(db.query("SELECT * FROM candidates WHERE user_id = ?", [user_id]), None))


def add_candidate(
    db: sqlite_utils.Database,
    specialist_id: int | None,
    label: str,
    language_hint: str | None,
    now: datetime | None = None,
    case_id: str | None = None,
) -> int:
    """A new candidate in the specialist's caseload (and so in the specialist's organisation)."""
    specialist = get_user(db, specialist_id) if specialist_id else None
    cursor = db.execute(
        "INSERT INTO candidates (specialist_id, label, language_hint, created_at, organisation_id, case_id) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [specialist_id, label, language_hint, iso(now or utcnow()), specialist.organisation_id if specialist else None, case_id],
    )
    return cursor.lastrowid


def caseload(db: sqlite_utils.Database, specialist_id: int) -> list[Candidate]:
    """A specialist's candidates, newest first."""
    rows = db.query("SELECT * FROM candidates WHERE specialist_id = ? ORDER BY id DESC", [specialist_id])
    return [_candidate(r) for r in rows]


def specialist_candidate(db: sqlite_utils.Database, specialist_id: int, candidate_id: int) -> Candidate | None:
    """The candidate, if and only if it belongs to this specialist's caseload."""
    row = next(
        db.query("SELECT * FROM candidates WHERE id = ? AND specialist_id = ?", [candidate_id, specialist_id]), None
    )
    return _candidate(row)


def mentees(db: sqlite_utils.Database, mentor_id: int) -> list[Candidate]:
    rows = db.query(
        "SELECT c.* FROM candidates c JOIN mentor_links m ON m.candidate_id = c.id "
        "WHERE m.mentor_id = ? AND c.left_at IS NULL ORDER BY m.created_at",
        [mentor_id],
    )
    return [_candidate(r) for r in rows]


def mentors_of(db: sqlite_utils.Database, candidate_id: int) -> list[int]:
    return [r["mentor_id"] for r in db.query("SELECT mentor_id FROM mentor_links WHERE candidate_id = ?", [candidate_id])]


def link_mentor(db: sqlite_utils.Database, mentor_id: int, candidate_id: int, now: datetime | None = None) -> None:
    db.execute(
        "INSERT OR IGNORE INTO mentor_links (mentor_id, candidate_id, created_at) VALUES (?, ?, ?)",
        [mentor_id, candidate_id, iso(now or utcnow())],
    )


def specialist_of(db: sqlite_utils.Database, candidate_id: int) -> tuple[User, str] | None:
    """The candidate's job specialist and the specialist's own label for the case."""
    cand = get_candidate(db, candidate_id)
    specialist = get_user(db, cand.specialist_id) if cand and cand.specialist_id else None
    return (specialist, cand.label) if specialist else None
