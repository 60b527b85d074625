"""Who may use the HTTP API, and what they did: organisations, bearer tokens, scope,
the audit log and idempotency records.

A token belongs to an organisation and, optionally, to one job specialist in it.
An organisation token sees every candidate of the organisation; a specialist token
only that specialist's caseload. Tokens are 256-bit random, shown once and stored
as SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from bot import people
from bot.db import iso, utcnow

TOKEN_PREFIX = "jv_"
#: A key whose first request has not finished after this long belonged to a process that died
#: (every write here takes milliseconds; HTTP clients give up long before ten minutes).
IDEMPOTENCY_STALE = timedelta(minutes=10)


class AccessError(ValueError):
    """An admin command named something that does not exist or does not fit."""


@dataclass(frozen=True)
class Scope:
    token_id: int
    organisation_id: int
    specialist_id: int | None  # None: the whole organisation

    def allows(self, candidate: people.Candidate | None) -> bool:
        return (
            candidate is not None
            and candidate.organisation_id == self.organisation_id
            and (self.specialist_id is None or candidate.specialist_id == self.specialist_id)
        )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- organisations -----------------------------------------------------------------

def create_organisation(db: sqlite_utils.Database, name: str, now: datetime | None = None) -> int:
    if db.execute("SELECT 1 FROM organisations WHERE name = ?", [name]).fetchone():
        raise AccessError(f"an organisation called {name!r} exists already")
    return db.execute("INSERT INTO organisations (name, created_at) VALUES (?, ?)", [name, iso(now or utcnow())]).lastrowid


def organisation_id(db: sqlite_utils.Database, name: str) -> int:
    row = db.execute("SELECT id FROM organisations WHERE name = ?", [name]).fetchone()
    if row is None:
        raise AccessError(f"no organisation called {name!r} (see `jobbvenn admin orgs`)")
    return row[0]


def organisations(db: sqlite_utils.Database) -> list[dict]:
    return list(
        db.query(
            "SELECT o.id, o.name, o.created_at, "
            "(SELECT COUNT(*) FROM users u WHERE u.organisation_id = o.id AND u.role = 'specialist') AS specialists, "
            "(SELECT COUNT(*) FROM candidates c WHERE c.organisation_id = o.id) AS candidates "
            "FROM organisations o ORDER BY o.id"
        )
    )


def specialists(db: sqlite_utils.Database, organisation: int | None = None) -> list[dict]:
    sql = "SELECT u.id, u.first_name, o.name AS organisation FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.role = 'specialist'"
    params: list[Any] = []
    if organisation is not None:
        sql += " AND u.organisation_id = ?"
        params.append(organisation)
    return list(db.query(sql + " ORDER BY u.id", params))


# -- tokens --------------------------------------------------------------------------

def create_token(
    db: sqlite_utils.Database, organisation: int, name: str, specialist_id: int | None = None, now: datetime | None = None
) -> tuple[int, str]:
    """A new token; returns (id, token). The token is shown once and never stored."""
    if specialist_id is not None:
        user = people.get_user(db, specialist_id)
        if user is None or user.role != "specialist" or user.organisation_id != organisation:
            raise AccessError(f"{specialist_id} is not a job specialist in this organisation (see `jobbvenn admin specialists`)")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = db.execute(
        "INSERT INTO api_tokens (token_hash, name, organisation_id, specialist_id, created_at) VALUES (?, ?, ?, ?, ?)",
        [_hash(token), name, organisation, specialist_id, iso(now or utcnow())],
    ).lastrowid
    return token_id, token


def tokens(db: sqlite_utils.Database) -> list[dict]:
    return list(
        db.query(
            "SELECT t.id, t.name, o.name AS organisation, t.specialist_id, t.created_at, t.revoked_at "
            "FROM api_tokens t JOIN organisations o ON o.id = t.organisation_id ORDER BY t.id"
        )
    )


def revoke_token(db: sqlite_utils.Database, token_id: int, now: datetime | None = None) -> bool:
    return bool(
        db.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [iso(now or utcnow()), token_id]
        ).rowcount
    )


def scope_for(db: sqlite_utils.Database, token: str) -> Scope | None:
    """The scope of a valid, unrevoked token; None otherwise."""
    row = db.execute(
        "SELECT id, organisation_id, specialist_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
        [_hash(token)],
    ).fetchone()
    return None if row is None else Scope(*row)


def candidate_in_scope(db: sqlite_utils.Database, scope: Scope, candidate_id: int) -> people.Candidate | None:
    """The candidate if this token may see it. Another organisation's candidate looks
    exactly like one that does not exist."""
    candidate = people.get_candidate(db, candidate_id)
    return candidate if scope.allows(candidate) else None


# -- audit -----------------------------------------------------------------------------

def audit(db: sqlite_utils.Database, scope: Scope | None, method: str, path: str, status: int, now: datetime | None = None) -> None:
    db.execute(
        "INSERT INTO audit_log (at, token_id, organisation_id, method, path, status) VALUES (?, ?, ?, ?, ?, ?)",
        [iso(now or utcnow()), scope.token_id if scope else None, scope.organisation_id if scope else None, method, path, status],
    )


def audit_entries(db: sqlite_utils.Database, since: str | None = None) -> list[dict]:
    sql = (
        "SELECT a.id, a.at, a.token_id, t.name AS token_name, a.organisation_id, a.method, a.path, a.status "
        "FROM audit_log a LEFT JOIN api_tokens t ON t.id = a.token_id"
    )
    params: list[Any] = []
    if since:
        sql += " WHERE a.at >= ?"
        params.append(since)
    return list(db.query(sql + " ORDER BY a.id", params))


# -- idempotency -------------------------------------------------------------------------

def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def begin_idempotent(db: sqlite_utils.Database, token_id: int, key: str, req_hash: str) -> tuple[str, Any]:
    """("new", None): go ahead and call `finish_idempotent`; ("replay", (status, body)): answer
    with the stored result; ("conflict", reason): the key was used for another request, or
    the first request with it is still running."""
    now = utcnow()
    row = db.execute(
        "SELECT request_hash, status, body, created_at FROM idempotency_keys WHERE token_id = ? AND key = ?", [token_id, key]
    ).fetchone()
    stale = row is not None and row[1] is None and row[3] <= iso(now - IDEMPOTENCY_STALE)
    if row is None or stale:  # new, or its first request died with the process that ran it
        db.execute(
            "INSERT OR REPLACE INTO idempotency_keys (token_id, key, request_hash, created_at) VALUES (?, ?, ?, ?)",
            [token_id, key, req_hash, iso(now)],
        )
        return "new", None
    if row[0] != req_hash:
        return "conflict", "this Idempotency-Key was used for a different request"
    if row[1] is None:
        return "conflict", "the first request with this Idempotency-Key is still running"
    return "replay", (row[1], json.loads(row[2]))


def finish_idempotent(
    db: sqlite_utils.Database, token_id: int, key: str, status: int, body: Any, candidate_id: int | None = None
) -> None:
    if status >= 500:  # a server error is not a result: let the client try again with the same key
        db.execute("DELETE FROM idempotency_keys WHERE token_id = ? AND key = ?", [token_id, key])
        return
    db.execute(
        "UPDATE idempotency_keys SET status = ?, body = ?, candidate_id = ? WHERE token_id = ? AND key = ?",
        [status, json.dumps(body, ensure_ascii=False), candidate_id, token_id, key],
    )
