"""Telegram file ids of pictures already uploaded, so each picture goes up once.

Keyed by the bot (a file id is valid only for the bot that got it) and the SHA-256
of the file's bytes (a changed picture is a new file). No Telegram imports here.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.db import iso, utcnow


def file_id(db: sqlite_utils.Database, bot_id: int, sha256: str) -> str | None:
    row = db.execute("SELECT file_id FROM telegram_files WHERE bot_id = ? AND sha256 = ?", [bot_id, sha256]).fetchone()
    return row[0] if row else None


def remember(db: sqlite_utils.Database, bot_id: int, sha256: str, file_id: str, now: datetime | None = None) -> None:
    db.execute(
        "INSERT OR REPLACE INTO telegram_files (bot_id, sha256, file_id, uploaded_at) VALUES (?, ?, ?, ?)",
        [bot_id, sha256, file_id, iso(now or utcnow())],
    )


def forget(db: sqlite_utils.Database, bot_id: int, sha256: str) -> None:
    db.execute("DELETE FROM telegram_files WHERE bot_id = ? AND sha256 = ?", [bot_id, sha256])
