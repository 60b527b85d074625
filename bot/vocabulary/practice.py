"""A candidate's words and their practice, in the database: the decks they learn, the
words mentors and specialists gave them, the round in progress, FSRS states, progress,
and the daily practice reminder. Plain functions over a sqlite-utils Database, run in
the storage thread; the rules of a round are in `drills`, of memory in `memory`.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

import sqlite_utils

from bot import events, outbox
from bot.db import iso, transaction, utcnow
from bot.vocabulary import drills, memory
from bot.vocabulary.decks import DECK_IDS, decks, word_by_id
from bot.vocabulary.drills import Exercise, Item

WORKPLACE_DECK = "workplace"
DEFAULT_DECKS = ("common",)


# -- the words ---------------------------------------------------------------------------

def match_key(norwegian: str) -> str:
    """The word as compared for duplicates: case, spaces and end punctuation do not count."""
    text = unicodedata.normalize("NFC", norwegian).casefold().strip().strip(".!?")
    return re.sub(r"\s+", " ", text)


@cache
def _builtin_by_key() -> dict[str, str]:
    """Normalised word -> built-in word id; a word in two decks is the one of the earlier deck."""
    found: dict[str, str] = {}
    for word in word_by_id().values():
        found.setdefault(match_key(word.norwegian.word), word.id)
    return found


@cache
def builtin_item(word_id: str) -> Item:
    word = word_by_id()[word_id]
    # The decks' translations carry their review flag in content/ for reviewers (as the interest
    # cards do); the 🤖 mark in the chat is for what a machine translated at run time, unchecked.
    translations = {code: (text.word, False) for code, text in word.texts.items() if code != "nb"}
    examples = {code: text.example for code, text in word.texts.items() if code != "nb"}
    return Item(f"b:{word.id}", word.deck, word.norwegian.word, word.norwegian.example, translations,
                emoji=word.emoji, picture=word.picture, example_translations=examples)


def _custom_item(row: dict) -> Item:
    if row["builtin_id"] and row["builtin_id"] in word_by_id():
        base = builtin_item(row["builtin_id"])
        translations = {**base.translations}
        for language, given in json.loads(row["translations"]).items():  # a person's beats the deck's
            if language not in translations or not given["machine"]:
                translations[language] = (given["text"], given["machine"])
        return Item(base.key, base.deck, base.norwegian, base.example, translations, base.emoji, base.picture,
                    row["photo"], row["voice"], base.example_translations)
    translations = {k: (v["text"], v["machine"]) for k, v in json.loads(row["translations"]).items()}
    return Item(f"c:{row['id']}", row["deck"], row["norwegian"], row["example"], translations,
                photo=row["photo"], voice=row["voice"])


def custom_words(db: sqlite_utils.Database, candidate_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM vocab_words WHERE candidate_id = ? ORDER BY id", [candidate_id]))


def chosen_decks(db: sqlite_utils.Database, candidate_id: int) -> list[str]:
    rows = {r[0] for r in db.execute("SELECT deck FROM vocab_decks WHERE candidate_id = ? AND learning = 1", [candidate_id])}
    return [d for d in DECK_IDS if d in rows]


def choose_deck(db: sqlite_utils.Database, candidate_id: int, deck: str, learn: bool, now: datetime | None = None) -> None:
    if deck not in DECK_IDS:
        raise ValueError(deck)
    db.execute(
        """INSERT INTO vocab_decks (candidate_id, deck, learning, chosen_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (candidate_id, deck) DO UPDATE SET learning = excluded.learning, chosen_at = excluded.chosen_at""",
        [candidate_id, deck, int(learn), iso(now or utcnow())],
    )


def ensure_started(db: sqlite_utils.Database, candidate_id: int, now: datetime | None = None) -> None:
    """A candidate who has never chosen a deck (nor stopped one) starts with the deck for every workplace."""
    if db.execute("SELECT 1 FROM vocab_decks WHERE candidate_id = ?", [candidate_id]).fetchone() is None:
        for deck in DEFAULT_DECKS:
            choose_deck(db, candidate_id, deck, True, now)


def item(db: sqlite_utils.Database, candidate_id: int, key: str) -> Item | None:
    """One word, by key, if this candidate has it (a built-in word is open to everyone)."""
    if key.startswith("b:") and key[2:] in word_by_id():
        rows = list(db.query("SELECT * FROM vocab_words WHERE candidate_id = ? AND builtin_id = ? ORDER BY id LIMIT 1",
                             [candidate_id, key[2:]]))
        return _custom_item(rows[0]) if rows else builtin_item(key[2:])
    if key.startswith("c:") and key[2:].isdigit():
        rows = list(db.query("SELECT * FROM vocab_words WHERE id = ? AND candidate_id = ?", [int(key[2:]), candidate_id]))
        return _custom_item(rows[0]) if rows else None
    return None


def deck_items(db: sqlite_utils.Database, candidate_id: int, deck: str) -> list[Item]:
    """The words of one deck, in order, as this candidate has them (with a mentor's photo or voice)."""
    if deck in DECK_IDS:
        own = {r["builtin_id"]: r for r in db.query(
            "SELECT * FROM vocab_words WHERE candidate_id = ? AND builtin_id IS NOT NULL", [candidate_id])}
        return [_custom_item(own[w.id]) if w.id in own else builtin_item(w.id) for w in decks()[deck].words]
    rows = db.query("SELECT * FROM vocab_words WHERE candidate_id = ? AND deck = ? AND builtin_id IS NULL ORDER BY id",
                    [candidate_id, deck])
    return [_custom_item(r) for r in rows]


def store_media(db: sqlite_utils.Database, kind: str, data: bytes, now: datetime | None = None) -> str:
    digest = hashlib.sha256(data).hexdigest()
    db.execute("INSERT OR IGNORE INTO vocab_media (sha256, kind, data, created_at) VALUES (?, ?, ?, ?)",
               [digest, kind, data, iso(now or utcnow())])
    return digest


def media(db: sqlite_utils.Database, digest: str) -> bytes | None:
    row = db.execute("SELECT data FROM vocab_media WHERE sha256 = ?", [digest]).fetchone()
    return row[0] if row else None


MEDIA_GRACE = timedelta(days=1)  # a photo waiting for its word is not "unused" yet
_UNUSED = """sha256 NOT IN (SELECT photo FROM vocab_words WHERE photo IS NOT NULL)
             AND sha256 NOT IN (SELECT voice FROM vocab_words WHERE voice IS NOT NULL)"""


def _drop_media(db: sqlite_utils.Database, digests: list[str | None]) -> None:
    """These photos and voices, if no word uses them any more, with the file ids they were sent by."""
    for digest in filter(None, digests):
        if db.execute(f"SELECT 1 FROM vocab_media WHERE sha256 = ? AND {_UNUSED}", [digest]).fetchone():
            db.execute("DELETE FROM vocab_media WHERE sha256 = ?", [digest])
            db.execute("DELETE FROM telegram_files WHERE sha256 = ?", [digest])


def _drop_unused_media(db: sqlite_utils.Database) -> None:
    """Photos sent without ever getting their word, and replaced voices, after a day's grace."""
    db.execute(f"DELETE FROM vocab_media WHERE {_UNUSED} AND created_at < ?", [iso(utcnow() - MEDIA_GRACE)])


def add_word(
    db: sqlite_utils.Database, candidate_id: int, deck: str, norwegian: str, *, example: str | None = None,
    translations: dict[str, dict] | None = None, photo: str | None = None, voice: str | None = None,
    added_by: int | None = None, now: datetime | None = None,
) -> tuple[int, bool]:
    """Give a candidate a word; (row id, True if it was new). A word they already have
    is merged: what is missing (example, translations, photo, voice) is filled in."""
    now_text = iso(now or utcnow())
    key = match_key(norwegian)
    translations = translations or {}
    with transaction(db):
        existing = list(db.query("SELECT * FROM vocab_words WHERE candidate_id = ? AND match_key = ? ORDER BY id LIMIT 1",
                                 [candidate_id, key]))
        if existing:
            row = existing[0]
            merged = json.loads(row["translations"])
            for language, given in translations.items():  # a person's translation beats a machine's
                if language not in merged or (merged[language]["machine"] and not given["machine"]):
                    merged[language] = given
            db.execute(
                """UPDATE vocab_words SET example = COALESCE(example, ?), translations = ?, photo = COALESCE(photo, ?),
                   voice = COALESCE(voice, ?), updated_at = ? WHERE id = ?""",
                [example, json.dumps(merged, ensure_ascii=False), photo, voice, now_text, row["id"]],
            )
            return row["id"], False
        builtin = _builtin_by_key().get(key)
        cursor = db.execute(
            """INSERT INTO vocab_words (candidate_id, deck, norwegian, match_key, example, translations, builtin_id,
               photo, voice, added_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [candidate_id, deck, norwegian.strip(), key, example, json.dumps(translations, ensure_ascii=False), builtin,
             photo, voice, added_by, now_text, now_text],
        )
        return cursor.lastrowid, True


def word_row(db: sqlite_utils.Database, word_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM vocab_words WHERE id = ?", [word_id]))
    return rows[0] if rows else None


def word_item(db: sqlite_utils.Database, word_id: int) -> Item | None:
    row = word_row(db, word_id)
    return _custom_item(row) if row else None


def set_translation(db: sqlite_utils.Database, word_id: int, language: str, text: str, machine: bool) -> None:
    row = word_row(db, word_id)
    if row is None:
        return
    found = json.loads(row["translations"])
    if language in found and not found[language]["machine"] and machine:
        return  # a person's translation is never overwritten by a machine's
    found[language] = {"text": text, "machine": machine}
    db.execute("UPDATE vocab_words SET translations = ? WHERE id = ?", [json.dumps(found, ensure_ascii=False), word_id])


def learn_translation(db: sqlite_utils.Database, candidate_id: int, norwegian: str, language: str, text: str, machine: bool) -> None:
    """A translation found when a word list was delivered becomes the candidate's word's own."""
    row = db.execute("SELECT id FROM vocab_words WHERE candidate_id = ? AND match_key = ? ORDER BY id LIMIT 1",
                     [candidate_id, match_key(norwegian)]).fetchone()
    if row is not None:
        set_translation(db, row[0], language, text, machine)


def set_voice(db: sqlite_utils.Database, word_id: int, voice: str) -> None:
    """A person's recording replaces the one before (the old one goes with the unused media)."""
    before = word_row(db, word_id)
    db.execute("UPDATE vocab_words SET voice = ?, updated_at = ? WHERE id = ?", [voice, iso(utcnow()), word_id])
    if before is not None and before["voice"] != voice:
        _drop_media(db, [before["voice"]])


def correct_word(db: sqlite_utils.Database, word_id: int, norwegian: str) -> int:
    """A mentor fixes the spelling: the machine translations go (they were of the old word),
    the practice so far follows the word, and a word the candidate has already absorbs it.
    Returns the id of the row that now holds the word."""
    with transaction(db):
        row = word_row(db, word_id)
        if row is None:
            return word_id
        old_key = _custom_item(row).key
        key = match_key(norwegian)
        other = db.execute("SELECT id FROM vocab_words WHERE candidate_id = ? AND match_key = ? AND id != ?",
                           [row["candidate_id"], key, word_id]).fetchone()
        if other is not None:  # the corrected word is one they have: keep that one
            db.execute("DELETE FROM vocab_cards WHERE candidate_id = ? AND item = ?", [row["candidate_id"], old_key])
            db.execute("UPDATE vocab_words SET photo = COALESCE(photo, ?), voice = COALESCE(voice, ?) WHERE id = ?",
                       [row["photo"], row["voice"], other[0]])
            db.execute("DELETE FROM vocab_words WHERE id = ?", [word_id])
            return other[0]
        kept = {k: v for k, v in json.loads(row["translations"]).items() if not v["machine"]}
        db.execute(
            "UPDATE vocab_words SET norwegian = ?, match_key = ?, builtin_id = ?, translations = ?, updated_at = ? WHERE id = ?",
            [norwegian.strip(), key, _builtin_by_key().get(key), json.dumps(kept, ensure_ascii=False), iso(utcnow()), word_id],
        )
        new_key = _custom_item(word_row(db, word_id)).key
        if new_key != old_key:
            if db.execute("SELECT 1 FROM vocab_cards WHERE candidate_id = ? AND item = ?", [row["candidate_id"], new_key]).fetchone():
                db.execute("DELETE FROM vocab_cards WHERE candidate_id = ? AND item = ?", [row["candidate_id"], old_key])
            else:
                db.execute("UPDATE vocab_cards SET item = ? WHERE candidate_id = ? AND item = ?", [new_key, row["candidate_id"], old_key])
        return word_id


def remove_word(db: sqlite_utils.Database, word_id: int) -> None:
    with transaction(db):
        row = word_row(db, word_id)
        if row is None:
            return
        db.execute("DELETE FROM vocab_cards WHERE candidate_id = ? AND item = ?", [row["candidate_id"], f"c:{word_id}"])
        db.execute("DELETE FROM vocab_words WHERE id = ?", [word_id])
        _drop_media(db, [row["photo"], row["voice"]])
        _drop_unused_media(db)


def shared_by(db: sqlite_utils.Database, user_id: int) -> list[dict]:
    """The words this mentor (or specialist) added, newest first."""
    return list(db.query("SELECT * FROM vocab_words WHERE added_by = ? AND deck = ? ORDER BY id DESC",
                         [user_id, WORKPLACE_DECK]))


def assign_list(db: sqlite_utils.Database, candidate_id: int, list_id: int, words, added_by: int | None, now: datetime | None = None) -> None:
    """A specialist's word list becomes the candidate's words (duplicates merge)."""
    for word in words:
        translations = {code: {"text": text, "machine": False} for code, text in word.translations.items()}
        add_word(db, candidate_id, f"list:{list_id}", word.norwegian, example=word.example, translations=translations,
                 added_by=added_by, now=now)


# -- practice ----------------------------------------------------------------------------

def end_of_day(now: datetime, tz: ZoneInfo) -> datetime:
    local = now.astimezone(tz)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tz).astimezone(timezone.utc)


#: The cards still learned: of a deck the candidate learns, or of a word given to them
#: (a deck they stopped does not come back). Parameters: candidate id, twice.
_LEARNED = f"""(deck NOT IN ({", ".join(f"'{d}'" for d in DECK_IDS)})
    OR deck IN (SELECT deck FROM vocab_decks WHERE candidate_id = ? AND learning = 1)
    OR item IN (SELECT 'b:' || builtin_id FROM vocab_words WHERE candidate_id = ? AND builtin_id IS NOT NULL))"""


def due_count(db: sqlite_utils.Database, candidate_id: int, now: datetime, tz: ZoneInfo) -> int:
    """Words practised before that are due again today (in the service's time zone)."""
    return db.execute(f"SELECT count(*) FROM vocab_cards WHERE candidate_id = ? AND due < ? AND {_LEARNED}",
                      [candidate_id, iso(end_of_day(now, tz)), candidate_id, candidate_id]).fetchone()[0]


_CARD_KEY = "CASE WHEN w.builtin_id IS NOT NULL THEN 'b:' || w.builtin_id ELSE 'c:' || w.id END"


def _unseen(db: sqlite_utils.Database, candidate_id: int, limit: int) -> list[Item]:
    """Words never practised: the candidate's own words first (oldest first), then their decks in order."""
    rows = list(db.query(
        f"""SELECT w.* FROM vocab_words w WHERE w.candidate_id = ? AND NOT EXISTS
            (SELECT 1 FROM vocab_cards c WHERE c.candidate_id = w.candidate_id AND c.item = {_CARD_KEY})
            ORDER BY w.id""", [candidate_id]))
    found: dict[str, Item] = {}
    for row in rows:
        if len(found) >= limit:
            break
        item = _custom_item(row)
        found.setdefault(item.key, item)
    if len(found) < limit:
        seen = {r[0] for r in db.execute("SELECT item FROM vocab_cards WHERE candidate_id = ? AND item LIKE 'b:%'", [candidate_id])}
        for deck_id in chosen_decks(db, candidate_id):
            for word in decks()[deck_id].words:
                key = f"b:{word.id}"
                if key not in seen and key not in found:
                    found[key] = builtin_item(word.id)
                    if len(found) >= limit:
                        return list(found.values())
    return list(found.values())


def _pool(db: sqlite_utils.Database, candidate_id: int, chosen: list[Item], rng: random.Random) -> list[Item]:
    """Words to draw wrong choices from: the decks of the chosen words (a sample of a large
    own deck) and the deck for every workplace."""
    pool: dict[str, Item] = {i.key: i for i in chosen}
    for deck_id in {i.deck for i in chosen} | {DEFAULT_DECKS[0]}:
        if deck_id in DECK_IDS:
            pool.update({f"b:{w.id}": builtin_item(w.id) for w in decks()[deck_id].words})
        else:
            rows = db.query("SELECT * FROM vocab_words WHERE candidate_id = ? AND deck = ? ORDER BY random() LIMIT 40",
                            [candidate_id, deck_id])
            pool.update({(item := _custom_item(r)).key: item for r in rows})
    return list(pool.values())


@dataclass(frozen=True)
class Round:
    candidate_id: int
    id: int
    exercises: tuple[Exercise, ...]
    position: int
    right: int
    finished: bool

    @property
    def current(self) -> Exercise | None:
        return None if self.finished or self.position >= len(self.exercises) else self.exercises[self.position]


def _round(row) -> Round | None:
    if row is None:
        return None
    cid, rid, exercises, position, right, finished_at = row
    return Round(cid, rid, tuple(Exercise.from_json(e) for e in json.loads(exercises)), position, right, finished_at is not None)


def current_round(db: sqlite_utils.Database, candidate_id: int) -> Round | None:
    return _round(db.execute(
        "SELECT candidate_id, id, exercises, position, right, finished_at FROM vocab_rounds WHERE candidate_id = ?",
        [candidate_id]).fetchone())


def start_round(
    db: sqlite_utils.Database, candidate_id: int, language: str, now: datetime, tz: ZoneInfo,
    rng: random.Random | None = None,
) -> Round | None:
    """A new round: words due today first (oldest due first), then new words; None when
    there is nothing to practise."""
    rng = rng or random.Random()
    with transaction(db):
        ensure_started(db, candidate_id, now)
        due_keys = [r[0] for r in db.execute(
            f"SELECT item FROM vocab_cards WHERE candidate_id = ? AND due < ? AND {_LEARNED} ORDER BY due",
            [candidate_id, iso(end_of_day(now, tz)), candidate_id, candidate_id],
        )]
        chosen: list[Item] = []
        for key in due_keys:
            found = item(db, candidate_id, key)
            if found is not None:
                chosen.append(found)
                if len(chosen) == drills.ROUND_SIZE:
                    break
        seen = {i.key for i in chosen}
        if len(chosen) < drills.ROUND_SIZE:
            chosen += _unseen(db, candidate_id, drills.ROUND_SIZE - len(chosen))
        if not chosen:
            return None
        pool = _pool(db, candidate_id, chosen, rng)
        exercises = drills.compose(chosen, seen, pool, language, rng)
        previous = db.execute("SELECT id FROM vocab_rounds WHERE candidate_id = ?", [candidate_id]).fetchone()
        round_id = (previous[0] if previous else 0) + 1
        db.execute(
            "INSERT OR REPLACE INTO vocab_rounds (candidate_id, id, exercises, position, right, started_at) VALUES (?, ?, ?, 0, 0, ?)",
            [candidate_id, round_id, json.dumps([e.as_json() for e in exercises]), iso(now)],
        )
    return current_round(db, candidate_id)


def record_answer(
    db: sqlite_utils.Database, candidate_id: int, round_id: int, position: int, rating: str, now: datetime,
    tz: ZoneInfo,
) -> Round | None:
    """The answer to one question (`rating` good, hard, again; or skip: the word is gone):
    FSRS moves the word's due date, the round moves on.
    None if this question is not the one open (a double tap, an old message). The last
    answer finishes the round and writes the progress event (if the candidate shares it)."""
    with transaction(db):
        current = current_round(db, candidate_id)
        if current is None or current.id != round_id or current.position != position or current.current is None:
            return None
        exercise = current.current
        found = item(db, candidate_id, exercise.item)
        if found is not None and rating != "skip":  # a word removed meanwhile is passed over, not rated
            row = next(iter(db.query("SELECT * FROM vocab_cards WHERE candidate_id = ? AND item = ?",
                                     [candidate_id, exercise.item])), None)
            card = memory.review(memory.card_from_row(row), rating, now)
            db.execute(
                """INSERT INTO vocab_cards (candidate_id, item, deck, state, step, stability, difficulty, due, last_review,
                       reviews, lapses, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                   ON CONFLICT (candidate_id, item) DO UPDATE SET state = excluded.state, step = excluded.step,
                       stability = excluded.stability, difficulty = excluded.difficulty, due = excluded.due,
                       last_review = excluded.last_review, reviews = reviews + 1, lapses = lapses + excluded.lapses""",
                [candidate_id, exercise.item, found.deck, int(card.state), card.step, card.stability,
                 card.difficulty, iso(card.due), iso(card.last_review), int(rating == "again"), iso(now)],
            )
        finished = position + 1 >= len(current.exercises)
        db.execute(
            "UPDATE vocab_rounds SET position = position + 1, right = right + ?, finished_at = ? WHERE candidate_id = ?",
            [int(rating in ("good", "hard")), iso(now) if finished else None, candidate_id],
        )
        if finished:
            done = current_round(db, candidate_id)
            events.record(db, candidate_id, "vocabulary_progress", progress_event(db, candidate_id, done, now, tz), now)
    return current_round(db, candidate_id)


# -- progress ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DeckProgress:
    deck: str           # a built-in deck id, 'workplace' or 'list:<id>'
    words: int
    seen: int
    mastered: int
    due: int


def progress(db: sqlite_utils.Database, candidate_id: int, now: datetime, tz: ZoneInfo) -> list[DeckProgress]:
    """Per deck the candidate learns: words, words seen, mastered (FSRS stability of at
    least memory.MASTERED_STABILITY_DAYS) and due today. Counted in SQL: fast for
    thousands of words."""
    totals: dict[str, int] = {d: len(decks()[d].words) for d in chosen_decks(db, candidate_id)}
    learned = set(totals)
    for row_deck, builtin_id in db.execute("SELECT deck, builtin_id FROM vocab_words WHERE candidate_id = ?", [candidate_id]):
        home = word_by_id()[builtin_id].deck if builtin_id in word_by_id() else row_deck
        if home not in learned:  # one given word, not the deck it also belongs to
            totals[home] = totals.get(home, 0) + 1
    cards = {r[0]: r[1:] for r in db.execute(
        f"""SELECT deck, count(*), sum(stability >= ?), sum(due < ?) FROM vocab_cards
            WHERE candidate_id = ? AND {_LEARNED} GROUP BY deck""",
        [memory.MASTERED_STABILITY_DAYS, iso(end_of_day(now, tz)), candidate_id, candidate_id, candidate_id])}
    order = [d for d in DECK_IDS if d in totals] + [d for d in totals if d not in DECK_IDS]
    return [DeckProgress(d, totals[d], *(min(c or 0, totals[d]) for c in cards.get(d, (0, 0, 0)))) for d in order]


def progress_event(db: sqlite_utils.Database, candidate_id: int, done: Round, now: datetime, tz: ZoneInfo) -> dict:
    return {
        "round": {"questions": len(done.exercises), "right": done.right},
        "decks": [{"deck": p.deck, "words": p.words, "seen": p.seen, "mastered": p.mastered, "due": p.due}
                  for p in progress(db, candidate_id, now, tz)],
        "mastered_stability_days": memory.MASTERED_STABILITY_DAYS,
    }


# -- the daily reminder ------------------------------------------------------------------

def next_occurrence(local_time: str, now: datetime, tz: ZoneInfo) -> datetime:
    """The next moment (after now) the wall clock in `tz` shows `local_time`."""
    hour, minute = map(int, local_time.split(":"))
    local = now.astimezone(tz)
    moment = datetime.combine(local.date(), time(hour, minute), tz)
    if moment <= local:
        moment = datetime.combine(local.date() + timedelta(days=1), time(hour, minute), tz)
    return moment.astimezone(timezone.utc)


def set_reminder(db: sqlite_utils.Database, candidate_id: int, local_time: str | None, now: datetime, tz: ZoneInfo) -> None:
    if local_time is None:
        db.execute("DELETE FROM practice_reminders WHERE candidate_id = ?", [candidate_id])
        return
    db.execute("INSERT OR REPLACE INTO practice_reminders (candidate_id, local_time, next_at) VALUES (?, ?, ?)",
               [candidate_id, local_time, iso(next_occurrence(local_time, now, tz))])


def reminder_time(db: sqlite_utils.Database, candidate_id: int) -> str | None:
    row = db.execute("SELECT local_time FROM practice_reminders WHERE candidate_id = ?", [candidate_id]).fetchone()
    return row[0] if row else None


REMINDER_STILL_USEFUL = timedelta(hours=2)  # after a longer stop, no reminder in the middle of the night


def fire_reminders(db: sqlite_utils.Database, now: datetime, tz: ZoneInfo) -> int:
    """Every reminder whose time has come moves to its next day, in the same transaction
    as its outbox message, so none is sent twice. The message is only written when words
    are due, the time is not hours past (the bot was down), and the candidate can be
    reached and has no reminder still waiting. Returns how many were written."""
    written = 0
    with transaction(db):
        rows = db.execute("SELECT candidate_id, local_time, next_at FROM practice_reminders WHERE next_at <= ?", [iso(now)]).fetchall()
        for candidate_id, local_time, next_at in rows:
            db.execute("UPDATE practice_reminders SET next_at = ? WHERE candidate_id = ?",
                       [iso(next_occurrence(local_time, now, tz)), candidate_id])
            late = now - datetime.fromisoformat(next_at) > REMINDER_STILL_USEFUL
            waiting = db.execute(
                """SELECT EXISTS (SELECT 1 FROM outbox WHERE candidate_id = ? AND kind = 'practice_reminder' AND sent_at IS NULL)
                   OR NOT EXISTS (SELECT 1 FROM candidates c JOIN users u ON u.id = c.user_id WHERE c.id = ? AND u.reachable = 1)""",
                [candidate_id, candidate_id]).fetchone()[0]
            due = 0 if late or waiting else due_count(db, candidate_id, now, tz)
            if due:
                outbox.enqueue(db, candidate_id, "practice_reminder", payload={"due": due}, due_at=now)
                written += 1
    return written


# -- the candidate's own data ------------------------------------------------------------

def export(db: sqlite_utils.Database, candidate_id: int) -> dict:
    return {
        "decks": chosen_decks(db, candidate_id),
        "own_words": [
            {"word": r["norwegian"], "example": r["example"], "translations": json.loads(r["translations"]),
             "deck": r["deck"], "has_photo": bool(r["photo"]), "has_voice": bool(r["voice"]), "added": r["created_at"]}
            for r in custom_words(db, candidate_id)
        ],
        "practice": [dict(r) for r in db.query(
            "SELECT item, deck, stability, due, last_review, reviews, lapses, first_seen FROM vocab_cards WHERE candidate_id = ?",
            [candidate_id])],
        "daily_reminder": reminder_time(db, candidate_id),
    }


def forget(db: sqlite_utils.Database, candidate_id: int) -> None:
    """Delete the candidate's words and practice; their photos and voices go too, with the
    Telegram file ids they were sent by."""
    digests = [d for row in db.execute("SELECT photo, voice FROM vocab_words WHERE candidate_id = ?", [candidate_id]) for d in row]
    for table in ("vocab_cards", "vocab_decks", "vocab_rounds", "practice_reminders", "vocab_words"):
        db.execute(f"DELETE FROM {table} WHERE candidate_id = ?", [candidate_id])
    _drop_media(db, digests)


def forget_recordings_of(db: sqlite_utils.Database, user_id: int) -> None:
    """A mentor's /delete: their voice leaves the words they shared (which stay the
    candidate's, with the photo, under no name)."""
    digests = [r[0] for r in db.execute("SELECT voice FROM vocab_words WHERE added_by = ? AND voice IS NOT NULL", [user_id])]
    db.execute("UPDATE vocab_words SET voice = NULL WHERE added_by = ?", [user_id])
    _drop_media(db, digests)
