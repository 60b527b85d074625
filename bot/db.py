"""The database: connection settings, the schema and its numbered migrations.

This module alone owns the schema. `open_database` applies every migration the
file has not seen yet, so a fresh file and an older file both end at
`SCHEMA_VERSION`. The applied version lives in SQLite's `PRAGMA user_version`.

To change the schema, append a function to `MIGRATIONS`; never edit one that
has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

ROLES = ("candidate", "specialist", "mentor", "admin")
INVITATION_KINDS = ("admin", "specialist", "candidate", "mentor")
CONSENT_RECIPIENTS = ("specialist", "mentor")


class SchemaTooNewError(RuntimeError):
    """The file was written by a newer Jobbvenn than this one."""


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """Timestamps are stored as ISO 8601 in UTC, to the second."""
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def _run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run SQL statements one by one: unlike executescript(), this stays inside the
    migration's transaction, so a failed migration leaves nothing behind."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement.strip()[:60]}")


def _migration_1_foundation(db: sqlite_utils.Database) -> None:
    _run_script(
        db,
        f"""
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,            -- the Telegram user id (= private chat id)
            role TEXT NOT NULL CHECK (role IN {ROLES!r}),
            first_name TEXT,
            language TEXT,                     -- a code from content/languages.json
            onboarding TEXT NOT NULL DEFAULT 'language',
            pending_input TEXT,                -- what free text from this user means next
            pending_data TEXT,                 -- JSON for that step
            reachable INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE TABLE candidates (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER UNIQUE REFERENCES users(id) ON DELETE SET NULL,
            specialist_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            label TEXT NOT NULL,               -- the specialist's own name or case reference
            language_hint TEXT,
            created_at TEXT NOT NULL,
            joined_at TEXT,
            left_at TEXT
        );
        CREATE INDEX candidates_by_specialist ON candidates(specialist_id);
        CREATE TABLE mentor_links (
            mentor_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (mentor_id, candidate_id)
        );
        CREATE TABLE invitations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            code_hash TEXT NOT NULL UNIQUE,    -- SHA-256 of the code; the code itself is never stored
            kind TEXT NOT NULL CHECK (kind IN {INVITATION_KINDS!r}),
            created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            candidate_id INTEGER REFERENCES candidates(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT,
            used_by INTEGER REFERENCES users(id) ON DELETE SET NULL
        );
        CREATE TABLE consents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            recipient TEXT NOT NULL CHECK (recipient IN {CONSENT_RECIPIENTS!r}),
            granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
            text_version TEXT NOT NULL,
            language TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX consents_by_user ON consents(user_id, recipient, id);
        """
    )


def _migration_2_sync_api(db: sqlite_utils.Database) -> None:
    """Organisations, API tokens and audit, the events feed, plan items, word lists,
    workplace rules and the outbox of messages the bot delivers."""
    _run_script(
        db,
        f"""
        CREATE TABLE organisations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            webhook_url TEXT,                  -- where new events are POSTed, if the organisation wants that
            webhook_secret TEXT,               -- HMAC-SHA256 key for the signature header
            webhook_cursor INTEGER NOT NULL DEFAULT 0  -- the last event id the case system acknowledged
        );
        INSERT INTO organisations (name, created_at) VALUES ('default', '{iso(utcnow())}');
        ALTER TABLE users ADD COLUMN organisation_id INTEGER REFERENCES organisations(id);
        UPDATE users SET organisation_id = 1 WHERE role IN ('specialist', 'admin');
        ALTER TABLE candidates ADD COLUMN organisation_id INTEGER REFERENCES organisations(id);
        ALTER TABLE candidates ADD COLUMN case_id TEXT;
        UPDATE candidates SET organisation_id = 1;
        CREATE UNIQUE INDEX candidates_by_case ON candidates(organisation_id, case_id) WHERE case_id IS NOT NULL;
        ALTER TABLE invitations ADD COLUMN organisation_id INTEGER REFERENCES organisations(id);
        UPDATE invitations SET organisation_id = 1 WHERE kind IN ('specialist', 'admin');

        CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            token_hash TEXT NOT NULL UNIQUE,   -- SHA-256; the token is shown once and never stored
            name TEXT NOT NULL,
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            specialist_id INTEGER REFERENCES users(id) ON DELETE CASCADE,  -- NULL: the whole organisation
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            token_id INTEGER,
            organisation_id INTEGER,
            method TEXT NOT NULL,
            path TEXT NOT NULL,
            status INTEGER NOT NULL
        );
        CREATE TABLE idempotency_keys (
            token_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            status INTEGER,                    -- NULL while the first request is still running
            body TEXT,                         -- the answer, never with an invitation link in it
            candidate_id INTEGER,              -- whose data the answer holds (erased with them)
            created_at TEXT NOT NULL,
            PRIMARY KEY (token_id, key)
        );
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            organisation_id INTEGER,
            candidate_id INTEGER REFERENCES candidates(id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX events_by_organisation ON events(organisation_id, id);
        CREATE INDEX events_by_candidate ON events(candidate_id, id);
        CREATE TABLE plan_items (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('meeting', 'shift', 'task')),
            meeting_kind TEXT,
            title TEXT,
            starts_at TEXT,
            duration_minutes INTEGER,
            repeat_weeks INTEGER,
            deadline TEXT,
            place TEXT,
            latitude REAL,
            longitude REAL,
            bring TEXT,
            participants TEXT,
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
            answer TEXT CHECK (answer IN ('coming', 'not_coming', 'done')),
            answered_at TEXT,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX plan_items_by_candidate ON plan_items(candidate_id, starts_at);
        CREATE TABLE word_lists (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            title TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE words (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            list_id INTEGER NOT NULL REFERENCES word_lists(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            norwegian TEXT NOT NULL,
            example TEXT,
            translations TEXT NOT NULL DEFAULT '{{}}'  -- JSON: language code -> text, given by a person
        );
        CREATE TABLE candidate_word_lists (
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            list_id INTEGER NOT NULL REFERENCES word_lists(id) ON DELETE CASCADE,
            assigned_at TEXT NOT NULL,
            PRIMARY KEY (candidate_id, list_id)
        );
        CREATE TABLE workplace_rules (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            ref_id INTEGER,
            payload TEXT NOT NULL DEFAULT '{{}}',
            due_at TEXT NOT NULL,
            claimed_at TEXT,
            sent_at TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        );
        CREATE INDEX outbox_pending ON outbox(due_at) WHERE sent_at IS NULL;
        """,
    )


def _migration_3_translations(db: sqlite_utils.Database) -> None:
    """Machine translations (a cache, by model version) and translations written by people."""
    _run_script(
        db,
        """
        CREATE TABLE machine_translations (
            source TEXT NOT NULL,
            target TEXT NOT NULL,
            model_version TEXT NOT NULL,
            text TEXT NOT NULL,
            result TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (source, target, model_version, text)
        );
        CREATE TABLE manual_translations (
            organisation_id INTEGER NOT NULL,  -- a person's translation serves their own organisation
            source TEXT NOT NULL,
            target TEXT NOT NULL,
            text TEXT NOT NULL,
            result TEXT NOT NULL,
            written_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (organisation_id, source, target, text)
        );
        CREATE TABLE translation_requests (    -- a person asked to translate a text
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            organisation_id INTEGER NOT NULL,
            source TEXT NOT NULL,
            target TEXT NOT NULL,
            text TEXT NOT NULL,
            asked_user INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            answered_at TEXT
        );
        CREATE TABLE translation_waiting (     -- the candidates who wait for that answer
            request_id INTEGER NOT NULL REFERENCES translation_requests(id) ON DELETE CASCADE,
            candidate_id INTEGER NOT NULL,
            PRIMARY KEY (request_id, candidate_id)
        );
        CREATE TABLE translation_uses (        -- which candidate a text was translated for (for /delete)
            candidate_id INTEGER NOT NULL,
            source TEXT NOT NULL,
            target TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (candidate_id, source, target, text)
        );
        """,
    )


def _migration_4_interest_cards(db: sqlite_utils.Database) -> None:
    """Picture-card interest mapping (sessions, answers, results, statements) and the
    Telegram file ids of pictures already uploaded."""
    _run_script(
        db,
        """
        CREATE TABLE interest_sessions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            size TEXT NOT NULL CHECK (size IN ('short', 'medium', 'full')),
            card_ids TEXT NOT NULL,            -- JSON list: the cards in the order they are shown
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX interest_sessions_by_candidate ON interest_sessions (candidate_id, id);
        CREATE TABLE interest_answers (
            session_id INTEGER NOT NULL REFERENCES interest_sessions(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,         -- index into card_ids
            card_id TEXT NOT NULL,
            answer TEXT NOT NULL CHECK (answer IN ('like', 'unsure', 'dislike')),
            answered_at TEXT NOT NULL,
            PRIMARY KEY (session_id, position)
        );
        CREATE TABLE interest_results (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id INTEGER NOT NULL UNIQUE REFERENCES interest_sessions(id) ON DELETE CASCADE,
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            holland_code TEXT NOT NULL,
            result TEXT NOT NULL,              -- JSON: scores, liked, disliked, suggestions, sentences
            created_at TEXT NOT NULL
        );
        CREATE TABLE interest_statements (     -- the follow-up true/false task
            result_id INTEGER NOT NULL REFERENCES interest_results(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            card_id TEXT NOT NULL,
            expected INTEGER NOT NULL,         -- 1: the mapping says it is true
            answer INTEGER,                    -- 1 true, 0 not true, NULL not answered yet
            answered_at TEXT,
            PRIMARY KEY (result_id, position)
        );
        CREATE TABLE telegram_files (          -- a picture uploaded once, sent again by file_id
            bot_id INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            file_id TEXT NOT NULL,
            uploaded_at TEXT NOT NULL,
            PRIMARY KEY (bot_id, sha256)
        );
        """,
    )

def _migration_5_vocabulary(db: sqlite_utils.Database) -> None:
    """Word practice: each candidate's own words (from a mentor or a word list), their
    pictures and voices, one FSRS memory state per candidate and word, the round in
    progress, the decks they learn, and the daily practice reminder."""
    _run_script(
        db,
        """
        CREATE TABLE vocab_media (             -- a mentor's photo (JPEG) or voice (OGG/Opus)
            sha256 TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('photo', 'voice')),
            data BLOB NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE vocab_words (             -- words given to one candidate
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            deck TEXT NOT NULL,                -- 'workplace' (from mentors) or 'list:<word list id>'
            norwegian TEXT NOT NULL,
            match_key TEXT NOT NULL,           -- the word normalised, to merge duplicates
            example TEXT,
            translations TEXT NOT NULL DEFAULT '{}',  -- JSON: language -> {"text": ..., "machine": bool}
            builtin_id TEXT,                   -- the same word in a built-in deck: practised as that one
            photo TEXT REFERENCES vocab_media(sha256),
            voice TEXT REFERENCES vocab_media(sha256),
            added_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX vocab_words_by_candidate ON vocab_words (candidate_id, match_key);
        CREATE INDEX vocab_words_by_adder ON vocab_words (added_by);
        CREATE TABLE vocab_cards (             -- FSRS memory state of one word for one candidate
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            item TEXT NOT NULL,                -- 'b:<built-in word id>' or 'c:<vocab_words id>'
            deck TEXT NOT NULL,
            state INTEGER NOT NULL,            -- fsrs.State
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due TEXT NOT NULL,
            last_review TEXT,
            reviews INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT NOT NULL,
            PRIMARY KEY (candidate_id, item)
        );
        CREATE INDEX vocab_cards_due ON vocab_cards (candidate_id, due);
        CREATE TABLE vocab_decks (             -- built-in decks a candidate has chosen (or stopped)
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            deck TEXT NOT NULL,
            learning INTEGER NOT NULL DEFAULT 1,  -- 0: chosen once, then stopped
            chosen_at TEXT NOT NULL,
            PRIMARY KEY (candidate_id, deck)
        );
        CREATE TABLE vocab_rounds (            -- the drill round in progress, one per candidate
            candidate_id INTEGER PRIMARY KEY REFERENCES candidates(id) ON DELETE CASCADE,
            id INTEGER NOT NULL,               -- grows with each round: old buttons name an old round
            exercises TEXT NOT NULL,           -- JSON list of {item, kind, options}
            position INTEGER NOT NULL DEFAULT 0,
            right INTEGER NOT NULL DEFAULT 0,
            started_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE TABLE practice_reminders (      -- opt-in daily reminder, at a local time
            candidate_id INTEGER PRIMARY KEY REFERENCES candidates(id) ON DELETE CASCADE,
            local_time TEXT NOT NULL,          -- HH:MM in the service's time zone
            next_at TEXT NOT NULL              -- UTC; claimed and moved a day on when it fires
        );
        CREATE INDEX practice_reminders_next ON practice_reminders (next_at);
        """,
    )


def _migration_6_reminders(db: sqlite_utils.Database) -> None:
    """Reminders planned ahead as rows and sent by one scheduler; the candidate's reminder
    settings and travel times; answers to one week of a repeating shift."""
    _run_script(
        db,
        """
        -- The reminder planner's bookmark: UTC time up to which reminders are written; NULL for a new
        -- or changed item (announced to the candidate); 'again' after the candidate's own answer or
        -- settings (then what is still useful but due already goes out at once).
        ALTER TABLE plan_items ADD COLUMN planned_through TEXT;
        -- Answers to a repeating shift are per week from now on (plan_answers); an old answer
        -- on the whole series would silence every week.
        UPDATE plan_items SET answer = NULL, answered_at = NULL WHERE repeat_weeks IS NOT NULL;
        CREATE INDEX plan_items_to_plan ON plan_items (status, planned_through);
        CREATE TABLE reminder_settings (       -- a row only once the candidate changes the defaults
            candidate_id INTEGER PRIMARY KEY REFERENCES candidates(id) ON DELETE CASCADE,
            evening_time TEXT,                 -- HH:MM local, the evening before; NULL = none
            lead_minutes INTEGER,              -- before the start; NULL = none
            checkin INTEGER NOT NULL DEFAULT 0, -- ask "are you coming tomorrow?" before a shift
            updated_at TEXT NOT NULL
        );
        CREATE TABLE travel_times (            -- how long the candidate needs to get to a place
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            place TEXT NOT NULL,               -- the place as written on the plan item, folded
            minutes INTEGER NOT NULL,
            PRIMARY KEY (candidate_id, place)
        );
        CREATE TABLE reminders (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            plan_item_id INTEGER REFERENCES plan_items(id) ON DELETE CASCADE,  -- NULL: the candidate's own
            kind TEXT NOT NULL CHECK (kind IN ('evening', 'checkin', 'lead', 'leave', 'deadline', 'own')),
            occurrence TEXT,                   -- UTC start (or deadline) of the occurrence it is about
            due_at TEXT NOT NULL,              -- UTC
            useful_until TEXT NOT NULL,        -- UTC: after this it is skipped, not sent
            minutes INTEGER,                   -- lead time or travel time it was planned with
            text TEXT,                         -- own reminders: the candidate's words
            status TEXT NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'sending', 'sent', 'skipped')),
            retry_at TEXT,                     -- UTC: not before this (after 429, 5xx, timeouts)
            claimed_at TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            sent_at TEXT,
            message_id INTEGER,
            outcome TEXT,                      -- why skipped, or the last error
            UNIQUE (plan_item_id, kind, occurrence)
        );
        CREATE INDEX reminders_due ON reminders (status, due_at);
        CREATE INDEX reminders_by_candidate ON reminders (candidate_id);
        CREATE TABLE plan_answers (            -- ✅/❌ for one week of a repeating shift
            plan_item_id INTEGER NOT NULL REFERENCES plan_items(id) ON DELETE CASCADE,
            occurrence TEXT NOT NULL,          -- UTC start of that week's shift
            answer TEXT NOT NULL CHECK (answer IN ('coming', 'not_coming')),
            answered_at TEXT NOT NULL,
            PRIMARY KEY (plan_item_id, occurrence)
        );
        """,
    )


def _migration_7_work_rules(db: sqlite_utils.Database) -> None:
    """What each candidate has read of the rules of working life, and answered; questions
    they send their job specialist, and the answers."""
    _run_script(
        db,
        """
        CREATE TABLE rule_progress (
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            topic_id TEXT NOT NULL,            -- an id in content/rules/topics.json
            read_at TEXT NOT NULL,
            answer INTEGER,                    -- the scenario answer chosen (index), if any
            answered_at TEXT,
            PRIMARY KEY (candidate_id, topic_id)
        );
        CREATE TABLE questions (               -- a question about work the candidate sent their job specialist
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
            text TEXT NOT NULL,                -- as the candidate wrote it
            language TEXT NOT NULL,            -- the candidate's language then
            asked_at TEXT NOT NULL,
            answer TEXT,                       -- as the specialist wrote it
            answered_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            answered_at TEXT
        );
        CREATE INDEX questions_by_candidate ON questions (candidate_id);
        CREATE TABLE rule_of_week (            -- opt-in: one unread topic a week
            candidate_id INTEGER PRIMARY KEY REFERENCES candidates(id) ON DELETE CASCADE,
            weekday INTEGER NOT NULL,          -- 0 = Monday
            local_time TEXT NOT NULL,          -- HH:MM in the service's time zone
            next_at TEXT NOT NULL,             -- UTC; moved a week on when it fires
            last_topic TEXT                    -- the topic sent last time: next time another unread one
        );
        CREATE INDEX rule_of_week_next ON rule_of_week (next_at);
        """,
    )


def _migration_8_update_inbox(db: sqlite_utils.Database) -> None:
    """Updates from Telegram, kept from the moment they arrive until their handler is done
    (bot/inbox.py): a process killed mid-work loses none, and a repeat is known."""
    _run_script(
        db,
        """
        CREATE TABLE inbox (
            update_id INTEGER PRIMARY KEY,     -- Telegram's id for the update
            body TEXT,                         -- the update as JSON; NULL once it is handled
            receiver TEXT NOT NULL,            -- host:pid of the process that took it
            received_at TEXT NOT NULL,
            done_at TEXT
        );
        CREATE INDEX inbox_unfinished ON inbox (update_id) WHERE done_at IS NULL;
        CREATE INDEX inbox_done ON inbox (done_at) WHERE done_at IS NOT NULL;
        """,
    )


#: Migration N is MIGRATIONS[N - 1]. Append only.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _migration_1_foundation,
    _migration_2_sync_api,
    _migration_3_translations,
    _migration_4_interest_cards,
    _migration_5_vocabulary,
    _migration_6_reminders,
    _migration_7_work_rules,
    _migration_8_update_inbox,
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database, target: int | None = None) -> int:
    """Apply migrations up to `target` (default: all), each in its own transaction; return the new version."""
    latest = len(MIGRATIONS)
    target = latest if target is None else target
    current = schema_version(db)
    if current > latest:
        raise SchemaTooNewError(
            f"the database is at schema {current}, newer than this Jobbvenn ({latest}); upgrade Jobbvenn"
        )
    for number in range(current + 1, target + 1):
        with transaction(db):
            MIGRATIONS[number - 1](db)
            db.execute(f"PRAGMA user_version = {number}")
    return schema_version(db)


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction: BEGIN IMMEDIATE, then COMMIT, or ROLLBACK on error.

    The connection is in autocommit mode, so every statement outside this block
    commits on its own, and writes inside it land together or not at all. Inside
    another transaction it becomes a savepoint, so domain functions can nest.
    """
    if db.conn.in_transaction:
        name = f"sp{id(object())}"
        db.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            db.execute(f"ROLLBACK TO {name}")
            db.execute(f"RELEASE {name}")
            raise
        db.execute(f"RELEASE {name}")
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


_LATEST = object()


def connect(path: Path | str, migrate_to: int | None | object = _LATEST) -> sqlite_utils.Database:
    """Open the SQLite file in WAL mode with foreign keys on, and bring its schema up to date
    (or up to `migrate_to`; None leaves it as it is)."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10.0)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 10000")
    if str(path) != ":memory:":
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
    if migrate_to is not None:
        migrate(db, None if migrate_to is _LATEST else migrate_to)
    return db


def get_meta(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
