"""Outgoing webhooks against a real HTTP receiver on loopback: signed, in order, retried
until acknowledged, never skipping an event."""

import asyncio
import hashlib
import hmac
import json

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot import consent, events, invitations, people, webhooks
from bot.runner import ApiServer
from bot.storage import Storage


class Receiver:
    """A case system that fails the first `failures` deliveries, then acknowledges."""

    def __init__(self, failures: int):
        self.failures = failures
        self.bodies: list[bytes] = []
        self.signatures: list[str] = []
        self.accepted: list[dict] = []

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        self.bodies.append(body)
        self.signatures.append(request.headers.get(webhooks.SIGNATURE_HEADER, ""))
        if self.failures > 0:
            self.failures -= 1
            return Response(status_code=503)
        self.accepted.append(json.loads(body))
        return Response(status_code=204)


@pytest.fixture
async def receiver():
    rec = Receiver(failures=2)
    app = Starlette(routes=[Route("/hook", rec.endpoint, methods=["POST"])])
    server = ApiServer(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    rec.url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/hook"
    yield rec
    server.should_exit = True
    await task


def _candidate(db, user_id: int, share: bool) -> int:
    if people.get_user(db, 10) is None:
        people.add_user(db, 10, "specialist", "Sara", organisation_id=1)
    cand, code = invitations.invite_candidate(db, 10, f"C{user_id}", None, case_id=f"C{user_id}")
    invitations.redeem(db, code, user_id, "X")
    consent.record(db, user_id, "specialist", share, "en")
    return cand


async def test_events_are_posted_signed_in_order_and_retried_until_acknowledged(tmp_path, receiver):
    storage = Storage(tmp_path / "hooks.sqlite3")
    await storage.run(_candidate, 500, True)  # happened before the webhook was set: not sent
    secret = await storage.run(webhooks.set_webhook, "default", receiver.url)
    cand = await storage.run(_candidate, 501, True)
    for n in range(150):  # more than one batch
        await storage.run(events.record, cand, "task_done", {"n": n})
    sender = webhooks.WebhookSender(storage, first_pause=0.0)
    try:
        for _ in range(10):
            await sender.send_due()
    finally:
        await sender.stop()
    assert len(receiver.bodies) == 2 + 2  # two refused, then two batches accepted
    assert receiver.bodies[0] == receiver.bodies[1] == receiver.bodies[2]  # the same batch again, not the next one
    for body, signature in zip(receiver.bodies, receiver.signatures, strict=True):
        assert hmac.compare_digest(signature, "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest())
    delivered = [e for batch in receiver.accepted for e in batch["events"]]
    assert [e["type"] for e in delivered[:2]] == ["candidate_joined", "consent_changed"]
    assert [e["data"]["n"] for e in delivered[2:]] == list(range(150))
    ids = [int(e["id"]) for e in delivered]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    hooks = await storage.run(webhooks.webhooks)
    assert hooks[0].cursor == ids[-1]
    storage.close()


async def test_webhook_off_sends_nothing(tmp_path, receiver):
    storage = Storage(tmp_path / "hooks.sqlite3")
    await storage.run(webhooks.set_webhook, "default", receiver.url)
    await storage.run(webhooks.remove_webhook, "default")
    await storage.run(_candidate, 502, True)
    sender = webhooks.WebhookSender(storage, first_pause=0.0)
    try:
        assert await sender.send_due() is False
    finally:
        await sender.stop()
    assert receiver.bodies == []
    storage.close()
