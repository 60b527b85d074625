"""Invitation codes: creation, hashing, expiry and single-use redemption.

A code is 24 random URL-safe characters (144 bits), valid for 14 days and for
one use. Only its SHA-256 is stored: a leaked database cannot be used to join.
Redemption is one transaction: either the user is created or linked and the
code is spent, or nothing changes.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

import segno
import sqlite_utils

from bot import events, people
from bot.db import iso, transaction, utcnow

VALIDITY = timedelta(days=14)
CODE_BYTES = 18

#: Which role a new user gets from each kind of invitation.
ROLE_FOR_KIND = {"admin": "admin", "specialist": "specialist", "candidate": "candidate", "mentor": "mentor"}


class Problem(Enum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    ROLE_CONFLICT = "role_conflict"   # the user already has another role, or is this candidate
    CANDIDATE_LEFT = "candidate_left"  # the candidate behind a mentor invitation has deleted their data


@dataclass(frozen=True)
class Redemption:
    kind: str | None = None
    user: people.User | None = None
    candidate_id: int | None = None
    new_user: bool = False
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def create(
    db: sqlite_utils.Database,
    kind: str,
    created_by: int | None = None,
    candidate_id: int | None = None,
    now: datetime | None = None,
    organisation_id: int | None = None,
) -> str:
    """Store a new invitation and return its code (shown once, never stored).

    A specialist or admin invitation belongs to an organisation: the one given, else the
    inviting admin's, else the first (the "default" organisation every database has)."""
    now = now or utcnow()
    code = new_code()
    if kind in ("specialist", "admin") and organisation_id is None:
        inviter = people.get_user(db, created_by) if created_by else None
        organisation_id = (inviter.organisation_id if inviter else None) or 1
    db.execute(
        "INSERT INTO invitations (code_hash, kind, created_by, candidate_id, created_at, expires_at, organisation_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [hash_code(code), kind, created_by, candidate_id, iso(now), iso(now + VALIDITY), organisation_id],
    )
    return code


def invite_candidate(
    db: sqlite_utils.Database,
    specialist_id: int | None,
    label: str,
    language_hint: str | None,
    now: datetime | None = None,
    case_id: str | None = None,
) -> tuple[int, str]:
    """A specialist invites a new candidate: the candidate record and its code."""
    with transaction(db):
        candidate_id = people.add_candidate(db, specialist_id, label, language_hint, now, case_id)
        code = create(db, "candidate", created_by=specialist_id, candidate_id=candidate_id, now=now)
    return candidate_id, code


def reinvite_candidate(db: sqlite_utils.Database, specialist_id: int, candidate_id: int, now: datetime | None = None) -> str | None:
    """A fresh code for an invited candidate who has not joined yet; older codes stop working."""
    candidate = people.specialist_candidate(db, specialist_id, candidate_id)
    if candidate is None or candidate.status != "invited":
        return None
    with transaction(db):
        db.execute(
            "UPDATE invitations SET expires_at = ? WHERE candidate_id = ? AND kind = 'candidate' AND used_at IS NULL",
            [iso(now or utcnow()), candidate_id],
        )
        code = create(db, "candidate", created_by=specialist_id, candidate_id=candidate_id, now=now)
    return code


def invite_mentor(db: sqlite_utils.Database, candidate_user_id: int, now: datetime | None = None) -> str | None:
    """Only the candidate can invite their own mentor."""
    candidate = people.candidate_of_user(db, candidate_user_id)
    if candidate is None:
        return None
    return create(db, "mentor", created_by=candidate_user_id, candidate_id=candidate.id, now=now)


def redeem(
    db: sqlite_utils.Database, code: str, user_id: int, first_name: str | None, now: datetime | None = None
) -> Redemption:
    """Use a code for this Telegram user. A failed redemption changes nothing."""
    now = now or utcnow()
    row = next(db.query("SELECT * FROM invitations WHERE code_hash = ?", [hash_code(code)]), None)
    if row is None:
        return Redemption(problem=Problem.UNKNOWN)
    if row["used_at"] is not None:
        return Redemption(kind=row["kind"], problem=Problem.USED)
    if row["expires_at"] <= iso(now):
        return Redemption(kind=row["kind"], problem=Problem.EXPIRED)

    kind = row["kind"]
    existing = people.get_user(db, user_id)
    candidate = people.get_candidate(db, row["candidate_id"]) if row["candidate_id"] else None
    if kind == "mentor":
        if candidate is None or candidate.status == "left":
            return Redemption(kind=kind, problem=Problem.CANDIDATE_LEFT)
        if existing is not None and (existing.role != "mentor" or candidate.user_id == user_id):
            return Redemption(kind=kind, user=existing, problem=Problem.ROLE_CONFLICT)
    elif existing is not None:
        return Redemption(kind=kind, user=existing, problem=Problem.ROLE_CONFLICT)

    with transaction(db):
        spent = db.execute(
            "UPDATE invitations SET used_at = ?, used_by = NULL WHERE id = ? AND used_at IS NULL", [iso(now), row["id"]]
        ).rowcount
        if spent != 1:  # someone else used it a moment ago
            return Redemption(kind=kind, problem=Problem.USED)
        user = existing or people.add_user(db, user_id, ROLE_FOR_KIND[kind], first_name, now, row["organisation_id"])
        db.execute("UPDATE invitations SET used_by = ? WHERE id = ?", [user_id, row["id"]])
        if kind == "candidate":
            db.execute("UPDATE candidates SET user_id = ?, joined_at = ? WHERE id = ?", [user_id, iso(now), candidate.id])
            events.record(db, candidate.id, "candidate_joined", {}, now)
        elif kind == "mentor":
            people.link_mentor(db, user_id, candidate.id, now)
    return Redemption(
        kind=kind, user=user, candidate_id=candidate.id if candidate else None, new_user=existing is None
    )


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def qr_png(url: str) -> bytes:
    """A QR code of the link as a PNG, large enough to scan from a phone screen or paper."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()
