"""Consent: what the job specialist and the mentor may see, as the candidate decides.

Every answer is a new row (who, recipient, yes or no, text version, language,
time), so the history is kept and a withdrawal is as easy as a yes. The latest
row per recipient is the one in force; no row means no.

`CONSENT_TEXT_VERSION` names the wording the candidate agreed to. Change it
whenever the wording of `SHARED_WITH`, `TITLE`, `EXPLANATION` or `NEVER_SHARED` changes (a test pins them together).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot import events
from bot.db import CONSENT_RECIPIENTS, iso, transaction, utcnow
from bot.i18n import N_

CONSENT_TEXT_VERSION = "2026-11-22"

#: What each recipient sees when the candidate says yes: (key, icon, text).
#: The keys name the kinds of data that later features share; they must check
#: `allows(db, user_id, recipient)` before anything leaves the candidate.
SHARED_WITH: dict[str, tuple[tuple[str, str, str], ...]] = {
    "specialist": (
        ("interest_profile", "🎯", N_("The jobs and tasks you like (your picture cards)")),
        ("vocabulary_progress", "📚", N_("How your word practice goes")),
        ("plan_answers", "📅", N_("If you come to meetings and shifts")),
        ("absence_notices", "🤒", N_("When you say you cannot come")),
        ("questions", "❓", N_("Questions you send to them")),
    ),
    "mentor": (
        ("first_name", "👋", N_("Your first name")),
        ("workplace_words", "📚", N_("Which workplace words you practise")),
        ("shifts", "📅", N_("Your shifts at the workplace")),
    ),
}

#: The heading of each consent question, and the longer words behind "explain again".
TITLE = {
    "specialist": N_("🔒 What your job specialist can see"),
    "mentor": N_("🔒 What your mentor at work can see"),
}
EXPLANATION = {
    "specialist": N_(
        "Your job specialist helps you find a job and keep it. "
        "If you say yes, they can see the things on the list. Then they can help you better. "
        "If you say no, they cannot see them. They still help you. "
        "You can change your answer at any time with /privacy."
    ),
    "mentor": N_(
        "A mentor is a colleague at your workplace. The mentor helps you learn the work. "
        "You choose your mentor yourself, with a link from Jobbvenn. "
        "If you say yes, your mentor can see the things on the list. "
        "If you say no, your mentor sees nothing about you. "
        "You can change your answer at any time with /privacy."
    ),
}

#: Shown with every consent question: what is never shared, whatever the answer.
NEVER_SHARED = N_("Nobody sees your health, your ID number or your money. Jobbvenn does not ask for them.")


@dataclass(frozen=True)
class ConsentRecord:
    recipient: str
    granted: bool
    text_version: str
    language: str
    recorded_at: str


def record(
    db: sqlite_utils.Database,
    user_id: int,
    recipient: str,
    granted: bool,
    language: str,
    now: datetime | None = None,
    text_version: str = CONSENT_TEXT_VERSION,
) -> ConsentRecord:
    if recipient not in CONSENT_RECIPIENTS:
        raise ValueError(f"unknown consent recipient {recipient!r}")
    recorded_at = iso(now or utcnow())
    with transaction(db):
        db.execute(
            "INSERT INTO consents (user_id, recipient, granted, text_version, language, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            [user_id, recipient, int(granted), text_version, language, recorded_at],
        )
        candidate = db.execute("SELECT id FROM candidates WHERE user_id = ?", [user_id]).fetchone()
        if candidate:
            events.record(db, candidate[0], "consent_changed", {"recipient": recipient, "granted": granted}, now)
    return ConsentRecord(recipient, granted, text_version, language, recorded_at)


def history(db: sqlite_utils.Database, user_id: int) -> list[ConsentRecord]:
    rows = db.query(
        "SELECT recipient, granted, text_version, language, recorded_at FROM consents WHERE user_id = ? ORDER BY id",
        [user_id],
    )
    return [ConsentRecord(r["recipient"], bool(r["granted"]), r["text_version"], r["language"], r["recorded_at"]) for r in rows]


def current(db: sqlite_utils.Database, user_id: int) -> dict[str, ConsentRecord | None]:
    """The answer in force for each recipient (None: never asked, which counts as no)."""
    latest: dict[str, ConsentRecord | None] = {r: None for r in CONSENT_RECIPIENTS}
    for rec in history(db, user_id):
        latest[rec.recipient] = rec
    return latest


def allows(db: sqlite_utils.Database, user_id: int, recipient: str) -> bool:
    row = db.execute(
        "SELECT granted FROM consents WHERE user_id = ? AND recipient = ? ORDER BY id DESC LIMIT 1",
        [user_id, recipient],
    ).fetchone()
    return bool(row and row[0])
