"""The scheduler lease: one process at a time sends reminders and the outbox.

The holder renews the lease every round. Another process takes it over when it has
expired, or at once when the holder was a process on this machine that is gone (killed,
crashed). Taking over gives back the rows the old holder had claimed but not finished,
so they are sent again rather than lost. No Telegram here.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import datetime, timedelta

import sqlite_utils

from bot import reminders
from bot.db import get_meta, iso, set_meta, transaction

KEY = "scheduler_lease"
LEASE = timedelta(minutes=2)  # renewed before every message; a holder on this machine that died is replaced at once


def alive(pid: int) -> bool:
    """A process with this id runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def hold(db: sqlite_utils.Database, token: str, now: datetime, pid: int | None = None, host: str | None = None) -> bool:
    """Take or renew the lease for `token`; False while another live scheduler holds it."""
    pid = os.getpid() if pid is None else pid
    host = host or socket.gethostname()
    with transaction(db):
        held = get_meta(db, KEY)
        holder = json.loads(held) if held else None
        if holder and holder["token"] != token:
            expired = datetime.fromisoformat(holder["until"]) < now
            gone = holder["host"] == host and not alive(holder["pid"])
            if not (expired or gone):
                return False
        if not holder or holder["token"] != token:  # a new holder: finish what the old one left
            reminders.release_claims(db)
            db.execute("UPDATE outbox SET claimed_at = NULL WHERE sent_at IS NULL AND claimed_at IS NOT NULL")
        set_meta(db, KEY, json.dumps({"token": token, "pid": pid, "host": host, "until": iso(now + LEASE)}))
    return True


def give_up(db: sqlite_utils.Database, token: str) -> None:
    """On a clean stop: the next process need not wait for the lease to expire."""
    with transaction(db):
        held = get_meta(db, KEY)
        if held and json.loads(held)["token"] == token:
            db.execute("DELETE FROM meta WHERE key = ?", [KEY])
