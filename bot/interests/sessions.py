"""Interest-mapping rounds as stored data: which cards a round shows and in what order,
the answers (with undo), the result when the round ends, and the follow-up
true/false statements. Every answer is written at once, so a round survives a
restart and resumes at the same card. Earlier results are kept with their date.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot import events
from bot.db import iso, transaction, utcnow
from bot.interests import scoring
from bot.interests.cards import RIASEC, Card, Deck

#: Round size -> how many cards of each kind (None: all of them).
SIZES: dict[str, dict[str, int] | None] = {
    "short": {"occupation": 10, "task": 5, "condition": 3, "trait": 2},
    "medium": {"occupation": 20, "task": 10, "condition": 6, "trait": 4},
    "full": None,
}


def round_length(deck: Deck, size: str) -> int:
    counts = SIZES[size]
    return len(deck.cards) if counts is None else sum(counts.values())


def _by_type_in_turn(cards: list[Card], rng: random.Random) -> list[Card]:
    """Cards ordered so the six types take turns (first letter), shuffled within a type;
    cards without a type come last."""
    piles = {letter: [c for c in cards if c.riasec[:1] == letter] for letter in RIASEC}
    for pile in piles.values():
        rng.shuffle(pile)
    ordered: list[Card] = []
    while any(piles.values()):
        for letter in RIASEC:
            if piles[letter]:
                ordered.append(piles[letter].pop())
    rest = [c for c in cards if not c.riasec]
    rng.shuffle(rest)
    return ordered + rest


def _conditions_by_reach(deck: Deck) -> list[Card]:
    """Conditions that rule out the most occupations first: those answers matter most."""
    reach = {c.id: 0 for c in deck.of_kind("condition")}
    for job in deck.of_kind("occupation"):
        for cid in job.conditions:
            reach[cid] = reach.get(cid, 0) + 1
    return sorted(deck.of_kind("condition"), key=lambda c: (-reach[c.id], c.id))


def choose_cards(deck: Deck, size: str, seed: int) -> list[str]:
    """The card ids of a round: occupations with every type taking turns, and tasks,
    conditions and traits spread evenly between them."""
    rng = random.Random(seed)
    counts = SIZES[size]
    kinds = {
        "occupation": _by_type_in_turn(deck.of_kind("occupation"), rng),
        "task": _by_type_in_turn(deck.of_kind("task"), rng),
        "condition": _conditions_by_reach(deck),
        "trait": _by_type_in_turn(deck.of_kind("trait"), rng),
    }
    if counts is not None:
        kinds = {kind: cards[: counts[kind]] for kind, cards in kinds.items()}
    occupations = kinds.pop("occupation")
    others = [c for group in zip_longest_all(list(kinds.values())) for c in group]
    # The others go in evenly spaced slots; the round starts with an occupation.
    total = len(occupations) + len(others)
    slots = {(k + 1) * total // (len(others) + 1) for k in range(len(others))}
    pick_other, pick_job = iter(others), iter(occupations)
    order = [next(pick_other) if i in slots else next(pick_job) for i in range(total)]
    return [c.id for c in order]


def zip_longest_all(groups: list[list[Card]]) -> list[list[Card]]:
    """[[a1, a2], [b1]] -> [[a1, b1], [a2]]: one of each kind in turn."""
    longest = max((len(g) for g in groups), default=0)
    return [[g[i] for g in groups if i < len(g)] for i in range(longest)]


@dataclass(frozen=True)
class Session:
    id: int
    candidate_id: int
    size: str
    card_ids: tuple[str, ...]
    answers: tuple[str, ...]          # answers[i] is the answer to card_ids[i]
    started_at: str
    finished_at: str | None

    @property
    def position(self) -> int:
        """Index of the card on show (= how many are answered)."""
        return len(self.answers)

    @property
    def total(self) -> int:
        return len(self.card_ids)

    @property
    def current_card_id(self) -> str | None:
        return self.card_ids[self.position] if self.position < self.total else None

    def answer_map(self) -> dict[str, str]:
        return dict(zip(self.card_ids, self.answers, strict=False))


def _load(db: sqlite_utils.Database, row) -> Session:
    answers = [r[0] for r in db.execute(
        "SELECT answer FROM interest_answers WHERE session_id = ? ORDER BY position", [row["id"]]
    )]
    return Session(
        row["id"], row["candidate_id"], row["size"], tuple(json.loads(row["card_ids"])), tuple(answers),
        row["started_at"], row["finished_at"],
    )


def get(db: sqlite_utils.Database, session_id: int) -> Session | None:
    rows = list(db.query("SELECT * FROM interest_sessions WHERE id = ?", [session_id]))
    return _load(db, rows[0]) if rows else None


def open_session(db: sqlite_utils.Database, candidate_id: int) -> Session | None:
    """The candidate's latest round that is not finished, if any."""
    rows = list(db.query(
        "SELECT * FROM interest_sessions WHERE candidate_id = ? AND finished_at IS NULL ORDER BY id DESC LIMIT 1",
        [candidate_id],
    ))
    return _load(db, rows[0]) if rows else None


def start(
    db: sqlite_utils.Database, deck: Deck, candidate_id: int, size: str,
    seed: int | None = None, now: datetime | None = None,
) -> Session:
    if size not in SIZES:
        raise ValueError(f"unknown round size {size!r}")
    moment = iso(now or utcnow())
    cards = choose_cards(deck, size, random.SystemRandom().randrange(2**31) if seed is None else seed)
    with transaction(db):
        # A new round ends any round left open (it stays, answers and all, without a result),
        # so old card buttons stop working and 🎯 never offers an abandoned round again.
        db.execute(
            "UPDATE interest_sessions SET finished_at = ?, updated_at = ? WHERE candidate_id = ? AND finished_at IS NULL",
            [moment, moment, candidate_id],
        )
        cursor = db.execute(
            "INSERT INTO interest_sessions (candidate_id, size, card_ids, started_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [candidate_id, size, json.dumps(cards), moment, moment],
        )
    return get(db, cursor.lastrowid)


def answer(
    db: sqlite_utils.Database, session_id: int, position: int, value: str, now: datetime | None = None
) -> Session | None:
    """Answer the card at `position`. Only the card on show can be answered: a second tap,
    or a tap on an older card's button, changes nothing and returns None."""
    if value not in scoring.ANSWERS:
        raise ValueError(f"unknown answer {value!r}")
    moment = iso(now or utcnow())
    with transaction(db):
        session = get(db, session_id)
        if session is None or session.finished_at or position != session.position or position >= session.total:
            return None
        db.execute(
            "INSERT INTO interest_answers (session_id, position, card_id, answer, answered_at) VALUES (?, ?, ?, ?, ?)",
            [session_id, position, session.card_ids[position], value, moment],
        )
        db.execute("UPDATE interest_sessions SET updated_at = ? WHERE id = ?", [moment, session_id])
    return get(db, session_id)


def skip_unknown_cards(db: sqlite_utils.Database, deck: Deck, session_id: int, now: datetime | None = None) -> Session | None:
    """Answer ❓ for cards on show that the content no longer has (removed since the round
    began), so the round goes on instead of stopping at a card that cannot be drawn."""
    session = get(db, session_id)
    while session is not None and session.current_card_id is not None and deck.get(session.current_card_id) is None:
        session = answer(db, session_id, session.position, "unsure", now)
    return session


def undo(db: sqlite_utils.Database, session_id: int, position: int, now: datetime | None = None) -> Session | None:
    """Take back the answer before the card at `position` (the card on show). None if
    there is nothing to take back or the button is old."""
    with transaction(db):
        session = get(db, session_id)
        if session is None or session.finished_at or position != session.position or position == 0:
            return None
        db.execute("DELETE FROM interest_answers WHERE session_id = ? AND position = ?", [session_id, position - 1])
        db.execute("UPDATE interest_sessions SET updated_at = ? WHERE id = ?", [iso(now or utcnow()), session_id])
    return get(db, session_id)


@dataclass(frozen=True)
class Result:
    id: int
    session_id: int
    candidate_id: int
    code: str
    data: dict
    created_at: str

    @property
    def scores(self) -> dict[str, float]:
        return self.data["scores"]

    def percent(self, letter: str) -> int:
        return scoring.percent(self.scores[letter])


def _result(row) -> Result:
    return Result(row["id"], row["session_id"], row["candidate_id"], row["holland_code"], json.loads(row["result"]), row["created_at"])


def summarise(deck: Deck, session: Session) -> dict:
    """What a finished round found, as plain data (ids, not texts, so it shows in any language)."""
    answers = session.answer_map()
    found = scoring.profile(deck, answers)
    liked, disliked = scoring.liked_and_disliked(answers)
    return {
        "size": session.size,
        "answered": len(answers),
        "scores": found.scores,
        "code": found.code,
        "liked": liked,
        "disliked": disliked,
        "unsure": [cid for cid, a in answers.items() if a == "unsure"],
        "suggestions": [
            {"id": s.card.id, "related": [r.id for r in s.related], "liked": s.liked}
            for s in scoring.suggestions(deck, answers, found)
        ],
        "sentences": scoring.cv_sentences(deck, answers, found),
        "statements": scoring.statements(deck, answers),
    }


def finish(db: sqlite_utils.Database, deck: Deck, session_id: int, now: datetime | None = None) -> Result | None:
    """End a round whose every card is answered: store the result and its statements, and
    write the case-record event (only if the candidate shares it). None if not ready or done."""
    moment = now or utcnow()
    with transaction(db):
        session = get(db, session_id)
        if session is None or session.finished_at or session.position < session.total:
            return None
        summary = summarise(deck, session)
        statements = summary.pop("statements")
        db.execute("UPDATE interest_sessions SET finished_at = ?, updated_at = ? WHERE id = ?", [iso(moment), iso(moment), session_id])
        cursor = db.execute(
            "INSERT INTO interest_results (session_id, candidate_id, holland_code, result, created_at) VALUES (?, ?, ?, ?, ?)",
            [session_id, session.candidate_id, summary["code"], json.dumps(summary), iso(moment)],
        )
        result_id = cursor.lastrowid
        for position, (card_id, expected) in enumerate(statements):
            db.execute(
                "INSERT INTO interest_statements (result_id, position, card_id, expected) VALUES (?, ?, ?, ?)",
                [result_id, position, card_id, int(expected)],
            )
        events.record(db, session.candidate_id, "interest_profile_completed", event_data(deck, summary), moment)
    return result(db, result_id)


def event_data(deck: Deck, summary: dict) -> dict:
    """The case-record event: the profile with Norwegian names and STYRK-08 codes."""

    def named(ids: list[str]) -> list[dict]:  # cards removed from the content since are left out
        return [{"card": cid, "name": deck[cid].norwegian.name} for cid in ids if cid in deck.cards]

    return {
        "holland_code": summary["code"],
        "scores": {letter: scoring.percent(s) for letter, s in summary["scores"].items()},
        "round": summary["size"],
        "cards_answered": summary["answered"],
        "liked": named(summary["liked"]),
        "disliked": named(summary["disliked"]),
        "suggested_occupations": [
            {"card": s["id"], "name": deck[s["id"]].norwegian.name, "styrk08": deck[s["id"]].styrk08}
            for s in summary["suggestions"] if s["id"] in deck.cards
        ],
        "sentences": [text for key in summary["sentences"] if (text := scoring.sentence(deck, key))],
    }


def result(db: sqlite_utils.Database, result_id: int) -> Result | None:
    rows = list(db.query("SELECT * FROM interest_results WHERE id = ?", [result_id]))
    return _result(rows[0]) if rows else None


def results_for(db: sqlite_utils.Database, candidate_id: int) -> list[Result]:
    """Every finished round of the candidate, newest first."""
    return [_result(r) for r in db.query(
        "SELECT * FROM interest_results WHERE candidate_id = ? ORDER BY id DESC", [candidate_id]
    )]


@dataclass(frozen=True)
class Statement:
    result_id: int
    position: int
    card_id: str
    expected: bool
    answer: bool | None


def statements(db: sqlite_utils.Database, result_id: int) -> list[Statement]:
    return [
        Statement(r["result_id"], r["position"], r["card_id"], bool(r["expected"]), None if r["answer"] is None else bool(r["answer"]))
        for r in db.query("SELECT * FROM interest_statements WHERE result_id = ? ORDER BY position", [result_id])
    ]


def answer_statement(
    db: sqlite_utils.Database, result_id: int, position: int, value: bool, now: datetime | None = None
) -> bool:
    """Answer one statement; False if it was answered already (a second tap)."""
    with transaction(db):
        cursor = db.execute(
            "UPDATE interest_statements SET answer = ?, answered_at = ? WHERE result_id = ? AND position = ? AND answer IS NULL",
            [int(value), iso(now or utcnow()), result_id, position],
        )
    return cursor.rowcount == 1


def export(db: sqlite_utils.Database, deck: Deck, candidate_id: int) -> list[dict]:
    """Every round with its answers and result, for /mydata."""
    rounds = []
    for row in db.query("SELECT * FROM interest_sessions WHERE candidate_id = ? ORDER BY id", [candidate_id]):
        session = _load(db, row)
        found = list(db.query("SELECT * FROM interest_results WHERE session_id = ?", [session.id]))
        summary = event_data(deck, json.loads(found[0]["result"])) if found else None
        rounds.append({
            "round": session.size,
            "started": session.started_at,
            "finished": session.finished_at,
            "answers": [{"card": c, "answer": a} for c, a in zip(session.card_ids, session.answers, strict=False)],
            "holland_code": found[0]["holland_code"] if found else None,
            "result": summary,
            "statements": [
                {"card": s.card_id, "expected": s.expected, "answer": s.answer}
                for s in (statements(db, found[0]["id"]) if found else [])
            ],
        })
    return rounds
