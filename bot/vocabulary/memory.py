"""How well a candidate knows a word, and when to ask again: FSRS (the `fsrs` package).

One FSRS card per candidate and word, stored as columns of `vocab_cards`. An answer
becomes an FSRS rating: right at once -> Good; nearly right (a typo, another article)
-> Hard; wrong or "I don't know" -> Again.

A word is *mastered* when its stability (the days until recall falls to 90 %) is at
least MASTERED_STABILITY_DAYS: three weeks without practice and still remembered.

Fuzzing is off: a candidate's "due today" count and the tests stay predictable, and
rounds of ten do not need their due dates spread.
"""

from __future__ import annotations

from datetime import datetime, timezone

import fsrs

MASTERED_STABILITY_DAYS = 21.0
SCHEDULER = fsrs.Scheduler(enable_fuzzing=False)
RATINGS = {"good": fsrs.Rating.Good, "hard": fsrs.Rating.Hard, "again": fsrs.Rating.Again}


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def card_from_row(row: dict | None) -> fsrs.Card:
    """An FSRS card from a `vocab_cards` row (None: a word never practised)."""
    if row is None:
        return fsrs.Card()
    return fsrs.Card(
        state=fsrs.State(row["state"]), step=row["step"], stability=row["stability"], difficulty=row["difficulty"],
        due=_moment(row["due"]), last_review=_moment(row["last_review"]),
    )


def review(card: fsrs.Card, rating: str, now: datetime) -> fsrs.Card:
    updated, _log = SCHEDULER.review_card(card, RATINGS[rating], now.astimezone(timezone.utc))
    return updated


def mastered(stability: float | None) -> bool:
    return stability is not None and stability >= MASTERED_STABILITY_DAYS
