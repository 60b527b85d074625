"""Word lists that specialists give candidates: kept as sent, and added to each candidate's
practice (bot.vocabulary.practice), where words they already have are merged."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot import outbox
from bot.db import iso, transaction, utcnow
from bot.vocabulary import practice


@dataclass(frozen=True)
class Word:
    norwegian: str
    example: str | None
    translations: dict[str, str]  # language code -> text a person wrote


@dataclass(frozen=True)
class WordList:
    id: int
    organisation_id: int
    title: str
    words: list[Word]
    candidate_ids: list[int]
    created_at: str


def create(
    db: sqlite_utils.Database,
    organisation_id: int,
    title: str,
    words: list[Word],
    candidate_ids: list[int],
    created_by: str,
    now: datetime | None = None,
) -> WordList:
    """Store the list and give it to each candidate; each is told through the outbox."""
    now_text = iso(now or utcnow())
    with transaction(db):
        list_id = db.execute(
            "INSERT INTO word_lists (organisation_id, title, created_by, created_at) VALUES (?, ?, ?, ?)",
            [organisation_id, title, created_by, now_text],
        ).lastrowid
        for position, word in enumerate(words):
            db.execute(
                "INSERT INTO words (list_id, position, norwegian, example, translations) VALUES (?, ?, ?, ?, ?)",
                [list_id, position, word.norwegian, word.example, json.dumps(word.translations, ensure_ascii=False)],
            )
        for candidate_id in dict.fromkeys(candidate_ids):
            db.execute(
                "INSERT INTO candidate_word_lists (candidate_id, list_id, assigned_at) VALUES (?, ?, ?)",
                [candidate_id, list_id, now_text],
            )
            practice.assign_list(db, candidate_id, list_id, words, None, now)  # into their practice, duplicates merged
            outbox.enqueue(db, candidate_id, "word_list", list_id)
    return get(db, list_id)


def get(db: sqlite_utils.Database, list_id: int) -> WordList | None:
    row = db.execute("SELECT id, organisation_id, title, created_at FROM word_lists WHERE id = ?", [list_id]).fetchone()
    if row is None:
        return None
    words = [
        Word(r[0], r[1], json.loads(r[2]))
        for r in db.execute("SELECT norwegian, example, translations FROM words WHERE list_id = ? ORDER BY position", [list_id])
    ]
    candidates = [r[0] for r in db.execute("SELECT candidate_id FROM candidate_word_lists WHERE list_id = ? ORDER BY candidate_id", [list_id])]
    return WordList(row[0], row[1], row[2], words, candidates, row[3])


def for_candidate(db: sqlite_utils.Database, candidate_id: int) -> list[WordList]:
    rows = db.execute("SELECT list_id FROM candidate_word_lists WHERE candidate_id = ? ORDER BY assigned_at", [candidate_id])
    return [get(db, r[0]) for r in rows.fetchall()]


def titles(db: sqlite_utils.Database, list_ids: list[int]) -> dict[int, str]:
    """The titles of these lists (for naming a candidate's decks)."""
    if not list_ids:
        return {}
    rows = db.execute(f"SELECT id, title FROM word_lists WHERE id IN ({','.join('?' * len(list_ids))})", list_ids)
    return dict(rows.fetchall())
