"""Reminders for meetings, shifts and tasks: planned ahead as rows, claimed and sent by
one scheduler. No Telegram here.

This module owns:
- the candidate's reminder settings (the evening before at 18:00, 60 minutes before the
  start, the evening check-in before a shift) and their travel time to a place, which
  turns "starts in 60 minutes" into "leave now";
- planning: from a plan item and a clock, which reminders to write and when each stops
  being useful (`plan_item` is pure; `top_up` writes the rows, idempotently);
- the candidate's own reminders;
- the claim: due rows move from 'planned' to 'sending' in one transaction, so one row
  goes to one sender; after the send a row is 'sent', given back with a time to try
  again, or 'skipped' with the reason (too late, the item changed, the candidate said
  they cannot come).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlite_utils

from bot import agenda, plan
from bot.db import iso, transaction, utcnow

log = logging.getLogger(__name__)

DEFAULT_EVENING = time(18, 0)
DEFAULT_LEAD_MINUTES = 60
#: "On time" at a Norwegian workplace means a little early (domain.md): "leave now"
#: comes this many minutes before the travel time alone would say.
EARLY_MINUTES = 10
#: How far ahead reminders are written; weekly shifts are topped up as time goes on.
HORIZON = timedelta(days=8)
#: An evening reminder that could not go out in time is still sent until this hour, not in the night.
QUIET_FROM = time(22, 0)
OWN_USEFUL = timedelta(hours=2)
#: The choices the candidate gets as buttons.
EVENING_CHOICES = ("17:00", "18:00", "19:00", "20:00", "21:00")
LEAD_CHOICES = (30, 60, 90, 120)
TRAVEL_CHOICES = (10, 15, 20, 30, 45, 60, 90)
KINDS = ("evening", "checkin", "lead", "leave", "deadline", "own")
MAX_OWN_TEXT = 200


@dataclass(frozen=True)
class Settings:
    evening: time | None = DEFAULT_EVENING
    lead_minutes: int | None = DEFAULT_LEAD_MINUTES
    checkin: bool = False


@dataclass(frozen=True)
class Planned:
    kind: str
    occurrence: datetime      # the start (or a task's deadline) it is about
    due_at: datetime
    useful_until: datetime
    minutes: int | None = None  # the lead time or travel time it was planned with


@dataclass(frozen=True)
class Reminder:
    id: int
    candidate_id: int
    plan_item_id: int | None
    kind: str
    occurrence: datetime | None
    due_at: datetime
    useful_until: datetime
    minutes: int | None
    text: str | None
    status: str
    attempts: int


def _reminder(row) -> Reminder:
    (rid, candidate_id, item_id, kind, occurrence, due_at, useful_until, minutes, text, status, attempts) = row
    return Reminder(
        rid, candidate_id, item_id, kind, occurrence and datetime.fromisoformat(occurrence),
        datetime.fromisoformat(due_at), datetime.fromisoformat(useful_until), minutes, text, status, attempts,
    )


_COLUMNS = "r.id, r.candidate_id, r.plan_item_id, r.kind, r.occurrence, r.due_at, r.useful_until, r.minutes, r.text, r.status, r.attempts"


# -- settings and travel times -----------------------------------------------------------

def settings(db: sqlite_utils.Database, candidate_id: int) -> Settings:
    row = db.execute(
        "SELECT evening_time, lead_minutes, checkin FROM reminder_settings WHERE candidate_id = ?", [candidate_id]
    ).fetchone()
    if row is None:
        return Settings()
    evening, lead, checkin = row
    return Settings(time.fromisoformat(evening) if evening else None, lead, bool(checkin))


def change_settings(db: sqlite_utils.Database, candidate_id: int, now: datetime | None = None, **changes) -> Settings:
    """Change some settings (evening, lead_minutes, checkin); the candidate's reminders are planned again."""
    current = settings(db, candidate_id)
    new = Settings(**{**current.__dict__, **changes})
    if new.evening is not None and new.evening.strftime("%H:%M") not in EVENING_CHOICES:
        raise ValueError(f"evening time {new.evening} is not one of the choices")
    if new.lead_minutes is not None and new.lead_minutes not in LEAD_CHOICES:
        raise ValueError(f"lead time {new.lead_minutes} is not one of the choices")
    with transaction(db):
        db.execute(
            "INSERT INTO reminder_settings (candidate_id, evening_time, lead_minutes, checkin, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(candidate_id) DO UPDATE SET evening_time = excluded.evening_time, lead_minutes = excluded.lead_minutes, "
            "checkin = excluded.checkin, updated_at = excluded.updated_at",
            [candidate_id, new.evening and new.evening.strftime("%H:%M"), new.lead_minutes, int(new.checkin), iso(now or utcnow())],
        )
        plan_again(db, candidate_id)
    return new


def fold_place(place: str) -> str:
    return " ".join(place.casefold().split())


def travel_minutes(db: sqlite_utils.Database, candidate_id: int, place: str | None) -> int | None:
    if not place:
        return None
    row = db.execute("SELECT minutes FROM travel_times WHERE candidate_id = ? AND place = ?", [candidate_id, fold_place(place)]).fetchone()
    return row[0] if row else None


def set_travel_minutes(db: sqlite_utils.Database, candidate_id: int, place: str, minutes: int | None) -> None:
    """How long the candidate needs to get to `place` (None: they do not know; back to the lead time)."""
    if minutes is not None and minutes not in TRAVEL_CHOICES:
        raise ValueError(f"travel time {minutes} is not one of the choices")
    with transaction(db):
        if minutes is None:
            db.execute("DELETE FROM travel_times WHERE candidate_id = ? AND place = ?", [candidate_id, fold_place(place)])
        else:
            db.execute(
                "INSERT INTO travel_times (candidate_id, place, minutes) VALUES (?, ?, ?) "
                "ON CONFLICT(candidate_id, place) DO UPDATE SET minutes = excluded.minutes",
                [candidate_id, fold_place(place), minutes],
            )
        plan_again(db, candidate_id)


def plan_again(db: sqlite_utils.Database, candidate_id: int) -> None:
    """The candidate's items are planned afresh by the next `top_up` (their settings changed)."""
    db.execute("UPDATE plan_items SET planned_through = 'again' WHERE candidate_id = ? AND status = 'active'", [candidate_id])


# -- planning ----------------------------------------------------------------------------

def local(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tz)


def plan_item(
    item: plan.PlanItem, chosen: Settings, travel: int | None, now: datetime, tz: ZoneInfo,
    declined: frozenset[datetime] = frozenset(), horizon: timedelta = HORIZON, catch_up: bool = False,
) -> list[Planned]:
    """The reminders for `item` from `now` to `now + horizon`, for occurrences not
    `declined`. A time already past is left out: a new item has just been announced, and
    the scheduler handles what was missed while the bot was down. With `catch_up` (the
    candidate changed a setting or an answer), one still useful goes out now instead."""
    if item.status != "active" or (not item.repeat_weeks and item.answer in ("done", "not_coming")):
        return []
    today = now.astimezone(tz).date()
    found: list[Planned] = []
    for entry in agenda.occurrences(item, today, (now + horizon).astimezone(tz).date(), tz):
        # Minutes before the start are counted in UTC: on the night the clocks change, an hour
        # before 03:30 is 01:30, not a 02:30 that does not exist.
        start = entry.starts.astimezone(timezone.utc)
        if start <= now or start in declined:
            continue
        evening = chosen.evening or DEFAULT_EVENING
        day_before = entry.starts.date() - timedelta(days=1)
        quiet = local(day_before, QUIET_FROM, tz)
        if item.kind == "task":
            due = local(day_before, evening, tz) if chosen.evening else start - timedelta(days=1)
            found.append(Planned("deadline", start, due, start))
            continue
        if item.kind == "shift" and chosen.checkin:
            due = local(day_before, evening, tz)
            found.append(Planned("checkin", start, due, min(start, max(due + timedelta(minutes=30), quiet))))
        elif chosen.evening:
            due = local(day_before, chosen.evening, tz)
            found.append(Planned("evening", start, due, min(start, max(due + timedelta(minutes=30), quiet))))
        if travel:
            found.append(Planned("leave", start, start - timedelta(minutes=travel + EARLY_MINUTES), start, travel))
        elif chosen.lead_minutes:
            found.append(Planned("lead", start, start - timedelta(minutes=chosen.lead_minutes), start, chosen.lead_minutes))
    if catch_up:
        return [p if p.due_at > now else replace(p, due_at=now) for p in found if p.useful_until > now]
    return [p for p in found if p.due_at > now]


def top_up(db: sqlite_utils.Database, now: datetime, tz: ZoneInfo, limit: int = 500) -> int:
    """Write the reminders of items that are new, changed, or coming within reach (weekly
    shifts, and items further ahead than the horizon). A changed item loses its reminders not
    yet due first; what is due already stays, and the claim checks it against the item as it
    is then. One item that cannot be planned is logged and left for a day; the others go on.
    Returns how many items were looked at."""
    soon = iso(now + HORIZON - timedelta(days=1))
    rows = db.execute(
        "SELECT id, planned_through FROM plan_items WHERE planned_through IS NULL OR planned_through = 'again' "
        "OR (status = 'active' AND planned_through <= ?) LIMIT ?",
        [soon, limit],
    ).fetchall()
    for item_id, bookmark in rows:
        try:
            with transaction(db):
                _plan_one(db, plan.get(db, item_id), bookmark, now, tz)
        except Exception:
            log.exception("could not plan the reminders of plan item %s", item_id)
            db.execute("UPDATE plan_items SET planned_through = ? WHERE id = ?", [iso(now + HORIZON), item_id])  # again tomorrow
    return len(rows)


def _plan_one(db: sqlite_utils.Database, item: plan.PlanItem, bookmark: str | None, now: datetime, tz: ZoneInfo) -> None:
    fresh = bookmark in (None, "again") or item.status != "active"
    if fresh:
        db.execute("DELETE FROM reminders WHERE plan_item_id = ? AND status = 'planned' AND due_at > ?", [item.id, iso(now)])
    declined = frozenset(
        datetime.fromisoformat(r[0]) for r in db.execute(
            "SELECT occurrence FROM plan_answers WHERE plan_item_id = ? AND answer = 'not_coming'", [item.id])
    )
    for p in plan_item(item, settings(db, item.candidate_id), travel_minutes(db, item.candidate_id, item.place),
                       now, tz, declined, catch_up=bookmark == "again"):
        db.execute(
            "INSERT OR IGNORE INTO reminders (candidate_id, plan_item_id, kind, occurrence, due_at, useful_until, minutes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [item.candidate_id, item.id, p.kind, iso(p.occurrence), iso(p.due_at), iso(p.useful_until), p.minutes],
        )
    moment = item.deadline if item.kind == "task" else item.starts_at
    beyond = moment is not None and datetime.fromisoformat(moment) > now + HORIZON
    through = iso(now + HORIZON) if item.status == "active" and (item.repeat_weeks or beyond) else "9999"
    db.execute("UPDATE plan_items SET planned_through = ? WHERE id = ?", [through, item.id])


def add_own(db: sqlite_utils.Database, candidate_id: int, at: datetime, text: str | None, now: datetime | None = None) -> Reminder:
    """The candidate's own reminder at `at`, with their own words (or none: a plain 🔔)."""
    now = now or utcnow()
    if at <= now:
        raise ValueError("a reminder must be in the future")
    text = " ".join(text.split())[:MAX_OWN_TEXT] if text else None
    cursor = db.execute(
        "INSERT INTO reminders (candidate_id, kind, due_at, useful_until, text) VALUES (?, 'own', ?, ?, ?)",
        [candidate_id, iso(at), iso(at + OWN_USEFUL), text],
    )
    return get(db, cursor.lastrowid)


def get(db: sqlite_utils.Database, reminder_id: int) -> Reminder | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM reminders r WHERE r.id = ?", [reminder_id]).fetchone()
    return _reminder(row) if row else None


def upcoming_own(db: sqlite_utils.Database, candidate_id: int, now: datetime | None = None) -> list[Reminder]:
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM reminders r WHERE r.candidate_id = ? AND r.kind = 'own' AND r.status = 'planned' "
        "AND r.due_at > ? ORDER BY r.due_at",
        [candidate_id, iso(now or utcnow())],
    ).fetchall()
    return [_reminder(r) for r in rows]


def delete_own(db: sqlite_utils.Database, candidate_id: int, reminder_id: int) -> bool:
    cursor = db.execute(
        "DELETE FROM reminders WHERE id = ? AND candidate_id = ? AND kind = 'own' AND status = 'planned'", [reminder_id, candidate_id]
    )
    return cursor.rowcount == 1


# -- the scheduler's side ----------------------------------------------------------------

def claim_due(db: sqlite_utils.Database, now: datetime | None = None, limit: int = 20) -> list[Reminder]:
    """Due reminders for reachable candidates, moved to 'sending' in one transaction. Ones
    no longer useful (the bot was down, or the candidate could not be reached) are skipped
    and kept with the reason."""
    now = now or utcnow()
    with transaction(db):
        db.execute(
            "UPDATE reminders SET status = 'skipped', outcome = 'too late' WHERE status = 'planned' AND useful_until < ?",
            [iso(now)],
        )
        rows = db.execute(
            f"SELECT {_COLUMNS} FROM reminders r JOIN candidates c ON c.id = r.candidate_id "
            "JOIN users u ON u.id = c.user_id AND u.onboarding = 'done' AND u.reachable = 1 "
            "WHERE r.status = 'planned' AND r.due_at <= ? AND (r.retry_at IS NULL OR r.retry_at <= ?) "
            "ORDER BY r.due_at, r.id LIMIT ?",
            [iso(now), iso(now), limit],
        ).fetchall()
        if rows:
            db.execute(
                f"UPDATE reminders SET status = 'sending', claimed_at = ?, attempts = attempts + 1 WHERE id IN ({','.join('?' * len(rows))})",
                [iso(now), *[r[0] for r in rows]],
            )
    return [_reminder(r) for r in rows]


def still_wanted(db: sqlite_utils.Database, reminder: Reminder, tz: ZoneInfo) -> tuple[plan.PlanItem | None, str | None]:
    """(the item, None) if the reminder should go out; (None or the item, why not) if not:
    the item was cancelled or moved, the task is done, or the candidate said they cannot come."""
    if reminder.plan_item_id is None:
        return None, None
    item = plan.get(db, reminder.plan_item_id)
    if item is None or item.status != "active":
        return item, "cancelled"
    if not item.repeat_weeks and item.answer in ("done", "not_coming"):
        return item, "answered"
    if item.kind != "task" and not agenda.happens_at(item, reminder.occurrence, tz):
        return item, "changed"
    if item.kind == "task" and item.deadline != iso(reminder.occurrence):
        return item, "changed"
    if item.repeat_weeks and plan.occurrence_answer(db, item.id, iso(reminder.occurrence)) == "not_coming":
        return item, "answered"
    return item, None


def mark_sent(db: sqlite_utils.Database, reminder_id: int, message_id: int | None, now: datetime | None = None) -> None:
    db.execute(
        "UPDATE reminders SET status = 'sent', sent_at = ?, message_id = ?, outcome = NULL WHERE id = ? AND status = 'sending'",
        [iso(now or utcnow()), message_id, reminder_id],
    )


def skip(db: sqlite_utils.Database, reminder_id: int, reason: str) -> None:
    db.execute("UPDATE reminders SET status = 'skipped', outcome = ? WHERE id = ?", [reason[:200], reminder_id])


def retry_later(db: sqlite_utils.Database, reminder_id: int, error: str, delay: timedelta, now: datetime | None = None) -> None:
    """Back to 'planned', not to be tried before `delay` has passed (it is skipped if that is too late)."""
    db.execute(
        "UPDATE reminders SET status = 'planned', retry_at = ?, claimed_at = NULL, outcome = ? WHERE id = ?",
        [iso((now or utcnow()) + delay), error[:200], reminder_id],
    )


def release_claims(db: sqlite_utils.Database) -> int:
    """After a crash: rows a dead scheduler had claimed go back to 'planned'. One of them may
    have reached Telegram just before the crash (Telegram has no way to ask), so it can
    arrive twice; that is better than a reminder lost."""
    cursor = db.execute("UPDATE reminders SET status = 'planned', claimed_at = NULL, outcome = 'claimed by a stopped scheduler' "
                        "WHERE status = 'sending'")
    return cursor.rowcount


# -- the candidate's own data ------------------------------------------------------------

def export(db: sqlite_utils.Database, candidate_id: int) -> dict:
    chosen = settings(db, candidate_id)
    return {
        "settings": {
            "evening": chosen.evening and chosen.evening.strftime("%H:%M"),
            "minutes_before": chosen.lead_minutes,
            "evening_check_in": chosen.checkin,
        },
        "travel_times": [dict(r) for r in db.query("SELECT place, minutes FROM travel_times WHERE candidate_id = ?", [candidate_id])],
        "reminders": [dict(r) for r in db.query(
            "SELECT kind, plan_item_id, occurrence, due_at, text, status, sent_at FROM reminders WHERE candidate_id = ? ORDER BY due_at",
            [candidate_id])],
        "answers_for_one_week": [dict(r) for r in db.query(
            "SELECT a.plan_item_id, a.occurrence, a.answer, a.answered_at FROM plan_answers a "
            "JOIN plan_items p ON p.id = a.plan_item_id WHERE p.candidate_id = ?", [candidate_id])],
    }


def forget(db: sqlite_utils.Database, candidate_id: int) -> None:
    for table in ("reminders", "travel_times", "reminder_settings"):
        db.execute(f"DELETE FROM {table} WHERE candidate_id = ?", [candidate_id])
