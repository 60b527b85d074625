"""What Jobbvenn stores about a person: the export behind /mydata and the erasure behind /delete."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

import sqlite_utils

from bot import consent, events, people, plan, reminders, translation, wordlists, work_rules, workplace_rules
from bot.db import iso, transaction, utcnow
from bot.interests import cards as interest_cards
from bot.interests import sessions as interests_sessions
from bot.vocabulary import practice


def export(db: sqlite_utils.Database, user_id: int) -> dict | None:
    """Everything stored about this user, as plain data (None for an unknown user)."""
    user = people.get_user(db, user_id)
    if user is None:
        return None
    data: dict = {
        "user": {
            "telegram_id": user.id,
            "role": user.role,
            "first_name": user.first_name,
            "language": user.language,
            "joined": user.created_at,
            "reachable": user.reachable,
        },
    }
    candidate = people.candidate_of_user(db, user_id)
    if candidate is not None:
        data["candidate"] = {
            "name_or_reference_given_by_specialist": candidate.label,
            "language_hint": candidate.language_hint,
            "invited": candidate.created_at,
            "joined": candidate.joined_at,
            "has_job_specialist": candidate.specialist_id is not None,
            "mentors": len(people.mentors_of(db, candidate.id)),
        }
        data["consents"] = [asdict(r) for r in consent.history(db, user_id)]
        data["plan"] = [
            {k: v for k, v in item.as_dict().items() if v is not None and k not in ("candidate_id", "created_by")}
            for item in plan.for_candidate(db, candidate.id)
        ]
        data["word_lists"] = [
            {"title": wl.title, "given": wl.created_at, "words": [asdict(w) for w in wl.words]}
            for wl in wordlists.for_candidate(db, candidate.id)
        ]
        data["interest_cards"] = interests_sessions.export(db, interest_cards.deck(), candidate.id)
        data["words"] = practice.export(db, candidate.id)
        data["reminders"] = reminders.export(db, candidate.id)
        data["work_rules"] = work_rules.export(db, candidate.id)
        data["workplace_rules"] = [{"text": r.text, "given": r.created_at} for r in workplace_rules.for_candidate(db, candidate.id)]
        data["messages_from_specialist"] = [
            {"text": json.loads(r[0])["text"], "sent": r[1]}
            for r in db.execute("SELECT payload, sent_at FROM outbox WHERE candidate_id = ? AND kind = 'message' ORDER BY id", [candidate.id])
        ]
        data["shared_with_specialist"] = [
            {"what": e.type, "when": e.at, "details": e.data}
            for e in events.for_candidate(db, candidate.id)
        ]
    if user.role == "specialist":
        data["caseload"] = [
            {"name_or_reference": c.label, "status": c.status, "invited": c.created_at} for c in people.caseload(db, user_id)
        ]
    if user.role == "mentor":
        data["mentor_for"] = len(people.mentees(db, user_id))
        data["words_shared"] = [{"word": r["norwegian"], "has_photo": bool(r["photo"]), "has_your_voice": bool(r["voice"]),
                                 "shared": r["created_at"]} for r in practice.shared_by(db, user_id)]
    data["invitations_created"] = [
        {**dict(r), "used": bool(r["used"])}
        for r in db.query(
            "SELECT kind, created_at, expires_at, used_at IS NOT NULL AS used FROM invitations WHERE created_by = ?",
            [user_id],
        )
    ]
    return data


#: Everything kept per candidate that goes when the candidate deletes their data.
#: The case system keeps its own copy of what was shared; Jobbvenn keeps only the
#: specialist's label for the case and the date the candidate left.
CANDIDATE_DATA_TABLES = (
    "mentor_links", "events", "plan_items", "candidate_word_lists", "workplace_rules", "outbox", "idempotency_keys",
    "interest_results", "interest_sessions",
)


@dataclass(frozen=True)
class Erasure:
    role: str
    specialist_id: int | None = None  # whom to tell that a candidate left
    candidate_label: str | None = None


def erase(db: sqlite_utils.Database, user_id: int, now: datetime | None = None) -> Erasure | None:
    """Delete the user's personal data. For a candidate, the specialist keeps only their own
    label for the case and the date the candidate left."""
    user = people.get_user(db, user_id)
    if user is None:
        return None
    candidate = people.candidate_of_user(db, user_id)
    with transaction(db):
        if candidate is not None:
            db.execute(
                "UPDATE candidates SET user_id = NULL, language_hint = NULL, left_at = ? WHERE id = ?",
                [iso(now or utcnow()), candidate.id],
            )
            for table in CANDIDATE_DATA_TABLES:
                db.execute(f"DELETE FROM {table} WHERE candidate_id = ?", [candidate.id])
            translation.forget_candidate(db, candidate.id)
            practice.forget(db, candidate.id)
            reminders.forget(db, candidate.id)
            work_rules.forget(db, candidate.id)
            db.execute("DELETE FROM invitations WHERE candidate_id = ? AND kind = 'mentor'", [candidate.id])
            events.record(db, candidate.id, "candidate_left", {}, now)
        if user.role == "mentor":
            practice.forget_recordings_of(db, user_id)
        db.execute("DELETE FROM invitations WHERE created_by = ? AND used_at IS NULL", [user_id])
        db.execute("DELETE FROM users WHERE id = ?", [user_id])  # consents and mentor links cascade
    if candidate is not None:
        return Erasure(user.role, candidate.specialist_id, candidate.label)
    return Erasure(user.role)
