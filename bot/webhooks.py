"""Outgoing webhooks: new events POSTed to an organisation's case system, in order.

Each POST carries a batch of events (the same JSON as `GET /v1/events`) and the header
`X-Jobbvenn-Signature: sha256=<hex HMAC-SHA256 of the body with the organisation's
secret>`. The cursor moves on only when the case system answers 2xx; until then the same
batch is sent again with growing pauses (1 s doubling up to 5 minutes), so events arrive
in order and none is skipped. The case system should treat a repeated event id as seen.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

import httpx
import sqlite_utils

from bot import api_access, events
from bot.background import BackgroundLoop
from bot.storage import Storage

log = logging.getLogger(__name__)
BATCH = 100
POLL_SECONDS = 2.0
MAX_BACKOFF = 300.0
SIGNATURE_HEADER = "X-Jobbvenn-Signature"


@dataclass(frozen=True)
class Webhook:
    organisation_id: int
    url: str
    secret: str
    cursor: int


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def set_webhook(db: sqlite_utils.Database, organisation: str, url: str) -> str:
    """Turn webhooks on (or change the URL) and return the new secret. Delivery starts with
    events written from now on."""
    if not url.startswith(("https://", "http://")):
        raise api_access.AccessError("the webhook URL must start with https:// (or http:// on a private network)")
    org = api_access.organisation_id(db, organisation)
    secret = secrets.token_hex(32)
    last = db.execute("SELECT COALESCE(MAX(id), 0) FROM events WHERE organisation_id = ?", [org]).fetchone()[0]
    db.execute(
        "UPDATE organisations SET webhook_url = ?, webhook_secret = ?, webhook_cursor = ? WHERE id = ?",
        [url, secret, last, org],
    )
    return secret


def remove_webhook(db: sqlite_utils.Database, organisation: str) -> None:
    org = api_access.organisation_id(db, organisation)
    db.execute("UPDATE organisations SET webhook_url = NULL, webhook_secret = NULL WHERE id = ?", [org])


def webhooks(db: sqlite_utils.Database) -> list[Webhook]:
    rows = db.execute(
        "SELECT id, webhook_url, webhook_secret, webhook_cursor FROM organisations WHERE webhook_url IS NOT NULL"
    ).fetchall()
    return [Webhook(*r) for r in rows]


def acknowledge(db: sqlite_utils.Database, organisation_id: int, cursor: int) -> None:
    db.execute(
        "UPDATE organisations SET webhook_cursor = ? WHERE id = ? AND webhook_cursor < ?", [cursor, organisation_id, cursor]
    )


class WebhookSender(BackgroundLoop):
    """One loop for all organisations' webhooks; each organisation keeps its own pace."""

    name = "jobbvenn-webhooks"

    def __init__(
        self, storage: Storage, client: httpx.AsyncClient | None = None,
        poll_seconds: float = POLL_SECONDS, first_pause: float = 1.0,
    ):
        super().__init__()
        self.storage = storage
        self.client = client or httpx.AsyncClient(timeout=10.0)
        self.poll_seconds = poll_seconds
        self.first_pause = first_pause
        self._backoff: dict[int, tuple[float, float]] = {}  # organisation -> (next try at, pause)

    async def round(self) -> bool:
        return await self.send_due()

    async def stop(self) -> None:
        await super().stop()
        await self.client.aclose()

    async def send_due(self) -> bool:
        """One batch for each organisation that has events waiting; True if any batch went out."""
        loop = asyncio.get_running_loop()
        sent = False
        for hook in await self.storage.run(webhooks):
            next_try, _ = self._backoff.get(hook.organisation_id, (0.0, 0.0))
            if loop.time() < next_try:
                continue
            items, last = await self.storage.run(events.page_json, hook.organisation_id, hook.cursor, BATCH)
            if last is None:
                continue
            body = f'{{"events":{items},"next_cursor":"{last}"}}'.encode()
            if await self._post(hook, body):
                await self.storage.run(acknowledge, hook.organisation_id, last)
                self._backoff.pop(hook.organisation_id, None)
                sent = True
            else:
                _, pause = self._backoff.get(hook.organisation_id, (0.0, 0.0))
                pause = min(MAX_BACKOFF, pause * 2 if pause else self.first_pause)
                self._backoff[hook.organisation_id] = (loop.time() + pause, pause)
        return sent

    async def _post(self, hook: Webhook, body: bytes) -> bool:
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(hook.secret, body)}
        try:
            response = await self.client.post(hook.url, content=body, headers=headers)
        except httpx.HTTPError as err:
            log.warning("webhook for organisation %s: %s", hook.organisation_id, err)
            return False
        if response.is_success:
            return True
        log.warning("webhook for organisation %s answered %s", hook.organisation_id, response.status_code)
        return False
