"""Two organisations, three specialists and their tokens, for the API tests."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from bot import api_access, people
from bot.api.app import create_api
from bot.storage import Storage


@dataclass
class World:
    storage: Storage
    client: httpx.AsyncClient
    org_a: int
    org_b: int
    tokens: dict[str, str]  # "a" org A, "b" org B, "sara" / "per" specialists in A, "kari" in B, "revoked"

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def _setup(db) -> tuple[int, int, dict[str, str]]:
    org_a = 1  # the "default" organisation every database has
    org_b = api_access.create_organisation(db, "Bydel Nord")
    people.add_user(db, 10, "specialist", "Sara", organisation_id=org_a)
    people.add_user(db, 11, "specialist", "Per", organisation_id=org_a)
    people.add_user(db, 20, "specialist", "Kari", organisation_id=org_b)
    tokens = {
        "a": api_access.create_token(db, org_a, "case system A")[1],
        "b": api_access.create_token(db, org_b, "case system B")[1],
        "sara": api_access.create_token(db, org_a, "Sara's script", 10)[1],
        "per": api_access.create_token(db, org_a, "Per's script", 11)[1],
        "kari": api_access.create_token(db, org_b, "Kari's script", 20)[1],
    }
    revoked_id, tokens["revoked"] = api_access.create_token(db, org_a, "old")
    api_access.revoke_token(db, revoked_id)
    return org_a, org_b, tokens


async def make_world(db_path, **api_options) -> World:
    storage = Storage(db_path)
    org_a, org_b, tokens = await storage.run(_setup)
    api = create_api(storage, lambda: "jobbvenn_test_bot", **api_options)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://jobbvenn.test")
    return World(storage, client, org_a, org_b, tokens)
