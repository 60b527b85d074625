"""The sync API through an in-process HTTP client: every endpoint, scope, limits, idempotency."""

import base64

import pytest

from bot import consent, events, invitations, outbox, people
from tests.api_fixtures import make_world


@pytest.fixture
async def world(tmp_path):
    w = await make_world(tmp_path / "api.sqlite3")
    yield w
    await w.client.aclose()
    w.storage.close()


async def create(world, who="sara", case_id="NAV-1", **extra):
    body = {"case_id": case_id, "language_hint": "so", **extra}
    return await world.client.post("/v1/candidates", json=body, headers=world.auth(who))


async def join(world, candidate_id: int, user_id: int, share: bool = True):
    """The candidate joins in the bot and answers the specialist consent question."""

    def do(db):
        code = invitations.reinvite_candidate(db, people.get_candidate(db, candidate_id).specialist_id, candidate_id)
        invitations.redeem(db, code, user_id, "Hodan")
        people.set_language(db, user_id, "so")
        consent.record(db, user_id, "specialist", share, "so")
        people.set_onboarding(db, user_id, people.ONBOARDING_DONE)

    await world.storage.run(do)


async def test_health_and_openapi(world):
    response = await world.client.get("/v1/health")
    assert response.json()["status"] == "ok"
    spec = (await world.client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    assert "/v1/events" in spec["paths"] and "/v1/candidates/{candidate_id}/plan-items" in spec["paths"]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


async def test_create_candidate_returns_link_and_qr_and_status(world):
    response = await create(world, name="Hodan A.")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["case_id"] == "NAV-1" and body["status"] == "invited" and body["specialist_id"] == 10
    assert body["invitation"]["link"].startswith("https://t.me/jobbvenn_test_bot?start=")
    assert base64.b64decode(body["invitation"]["qr_png_base64"]).startswith(b"\x89PNG")
    assert body["consents"] == {"specialist": None, "mentor": None}

    await join(world, body["id"], 500)
    status = (await world.client.get(f"/v1/candidates/{body['id']}", headers=world.auth("sara"))).json()
    assert status["status"] == "joined" and status["language"] == "so" and status["reachable"] is True
    assert status["consents"] == {"specialist": True, "mentor": None}
    found = (await world.client.get("/v1/candidates?case_id=NAV-1", headers=world.auth("a"))).json()
    assert [c["id"] for c in found] == [body["id"]]


async def test_validation_errors_name_the_field(world):
    response = await world.client.post("/v1/candidates", json={"language_hint": "xx"}, headers=world.auth("sara"))
    assert response.status_code == 422
    fields = {tuple(e["loc"]) for e in response.json()["detail"]}
    assert ("body", "case_id") in fields and ("body", "language_hint") in fields
    response = await create(world, who="a")  # an organisation token must say whose caseload
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "specialist_id"]
    response = await create(world, name="Ali 01019012345")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "name"]
    assert (await create(world)).status_code == 201
    assert (await create(world)).status_code == 409  # the same case_id twice


async def test_authorization_matrix(world):
    sara_candidate = (await create(world, who="sara", case_id="A-1")).json()["id"]
    kari_candidate = (await create(world, who="kari", case_id="B-1")).json()["id"]
    url = f"/v1/candidates/{sara_candidate}"
    assert (await world.client.get(url)).status_code == 401
    assert (await world.client.get(url, headers={"Authorization": "Bearer jv_nonsense"})).status_code == 401
    assert (await world.client.get(url, headers=world.auth("revoked"))).status_code == 401
    assert (await world.client.get(url, headers=world.auth("sara"))).status_code == 200
    assert (await world.client.get(url, headers=world.auth("a"))).status_code == 200     # her organisation
    assert (await world.client.get(url, headers=world.auth("per"))).status_code == 404   # outside Per's caseload
    assert (await world.client.get(url, headers=world.auth("b"))).status_code == 404     # another organisation
    # Another organisation's candidate looks exactly like one that does not exist.
    other = await world.client.get(f"/v1/candidates/{kari_candidate}", headers=world.auth("a"))
    missing = await world.client.get("/v1/candidates/99999", headers=world.auth("a"))
    assert other.status_code == missing.status_code == 404 and other.json() == missing.json()
    # Writes too.
    meeting = {"kind": "meeting", "starts_at": "2026-12-01T10:00:00+01:00"}
    assert (await world.client.post(f"/v1/candidates/{kari_candidate}/plan-items", json=meeting, headers=world.auth("a"))).status_code == 404
    assert (await world.client.post(f"{url}/plan-items", json=meeting, headers=world.auth("per"))).status_code == 404
    assert (await world.client.get("/v1/candidates", headers=world.auth("per"))).json() == []
    # A specialist token cannot put a candidate into someone else's caseload.
    response = await create(world, who="sara", case_id="A-2", specialist_id=11)
    assert response.status_code == 422


async def test_plan_items_create_update_cancel_and_outbox(world):
    candidate = (await create(world)).json()["id"]
    await join(world, candidate, 500)
    meeting = {
        "kind": "meeting", "meeting_kind": "evaluation_meeting", "starts_at": "2026-12-01T10:00:00+01:00",
        "duration_minutes": 45, "place": "Kiwi Storo", "latitude": 59.946, "longitude": 10.776, "bring": "Timelisten",
    }
    response = await world.client.post(f"/v1/candidates/{candidate}/plan-items", json=meeting, headers=world.auth("sara"))
    assert response.status_code == 201, response.text
    item = response.json()
    assert item["starts_at"].startswith("2026-12-01T09:00:00") and item["status"] == "active"
    patched = await world.client.patch(f"/v1/plan-items/{item['id']}", json={"place": "Kiwi Nydalen"}, headers=world.auth("sara"))
    assert patched.json()["place"] == "Kiwi Nydalen"
    bad = await world.client.patch(f"/v1/plan-items/{item['id']}", json={"deadline": "2026-12-01T10:00:00+01:00"}, headers=world.auth("sara"))
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "deadline"]
    cancelled = await world.client.delete(f"/v1/plan-items/{item['id']}", headers=world.auth("sara"))
    assert cancelled.json()["status"] == "cancelled"
    assert (await world.client.patch(f"/v1/plan-items/{item['id']}", json={"place": "x"}, headers=world.auth("sara"))).status_code == 409
    listed = (await world.client.get(f"/v1/candidates/{candidate}/plan-items", headers=world.auth("a"))).json()
    assert [i["id"] for i in listed] == [item["id"]]
    assert (await world.client.get(f"/v1/plan-items/{item['id']}", headers=world.auth("per"))).status_code == 404
    rows = await world.storage.run(lambda db: [r[0] for r in db.execute("SELECT kind FROM outbox ORDER BY id")])
    assert rows == ["plan_item_created", "plan_item_updated", "plan_item_cancelled"]

    for bad_body in ({"kind": "meeting"}, {"kind": "task"}, {"kind": "shift", "starts_at": "2026-12-01T10:00:00"},
                     {"kind": "task", "title": "x", "latitude": 1.0}, {"kind": "party", "starts_at": "2026-12-01T10:00:00Z"}):
        response = await world.client.post(f"/v1/candidates/{candidate}/plan-items", json=bad_body, headers=world.auth("sara"))
        assert response.status_code == 422, bad_body


async def test_word_lists_rules_and_messages(world):
    candidate = (await create(world)).json()["id"]
    other = (await create(world, case_id="NAV-2")).json()["id"]
    word_list = {
        "title": "Frukt og grønt",
        "words": [{"norwegian": "en banan", "example": "Bananene ligger her.", "translations": {"so": "muus"}}, {"norwegian": "et eple"}],
        "candidate_ids": [candidate, other],
    }
    response = await world.client.post("/v1/word-lists", json=word_list, headers=world.auth("sara"))
    assert response.status_code == 201, response.text
    list_id = response.json()["id"]
    got = (await world.client.get(f"/v1/word-lists/{list_id}", headers=world.auth("sara"))).json()
    assert [w["norwegian"] for w in got["words"]] == ["en banan", "et eple"] and got["words"][0]["translations"] == {"so": "muus"}
    assert (await world.client.get(f"/v1/word-lists/{list_id}", headers=world.auth("b"))).status_code == 404
    assert (await world.client.get(f"/v1/word-lists/{list_id}", headers=world.auth("per"))).status_code == 404
    response = await world.client.post("/v1/word-lists", json={**word_list, "candidate_ids": [candidate, 99999]}, headers=world.auth("sara"))
    assert response.status_code == 404

    rule = await world.client.post(f"/v1/candidates/{candidate}/workplace-rules", json={"text": "Mobilen ligger i skapet."}, headers=world.auth("sara"))
    assert rule.status_code == 201
    assert [r["text"] for r in (await world.client.get(f"/v1/candidates/{candidate}/workplace-rules", headers=world.auth("sara"))).json()] == ["Mobilen ligger i skapet."]

    not_joined = await world.client.post(f"/v1/candidates/{candidate}/messages", json={"text": "Hei!"}, headers=world.auth("sara"))
    assert not_joined.status_code == 409
    await join(world, candidate, 501)
    sent = await world.client.post(f"/v1/candidates/{candidate}/messages", json={"text": "Hei! Vi sees mandag."}, headers=world.auth("sara"))
    assert sent.status_code == 202 and sent.json()["status"] == "queued"
    due = await world.storage.run(outbox.claim_due)
    assert [(r.kind, r.candidate_id) for r in due] == [("word_list", candidate), ("workplace_rule", candidate), ("message", candidate)]
    # The other candidate's word list waits until that candidate has joined.
    pending = await world.storage.run(lambda db: db.execute("SELECT candidate_id FROM outbox WHERE claimed_at IS NULL").fetchall())
    assert pending == [(other,)]


async def test_events_feed_only_what_is_shared_in_order_with_cursor(world):
    candidate = (await create(world)).json()["id"]
    await join(world, candidate, 500, share=True)
    item = (await world.client.post(f"/v1/candidates/{candidate}/plan-items",
                                    json={"kind": "meeting", "starts_at": "2026-12-01T10:00:00+01:00"}, headers=world.auth("sara"))).json()
    await world.storage.run(lambda db: __import__("bot.plan").plan.answer(db, 500, item["id"], "not_coming"))
    page = (await world.client.get("/v1/events?limit=2", headers=world.auth("sara"))).json()
    assert [e["type"] for e in page["events"]] == ["candidate_joined", "consent_changed"]
    rest = (await world.client.get(f"/v1/events?after={page['next_cursor']}", headers=world.auth("sara"))).json()
    assert [e["type"] for e in rest["events"]] == ["plan_item_answered"]
    assert rest["events"][0]["data"]["answer"] == "not_coming" and rest["events"][0]["case_id"] == "NAV-1"
    # Withdrawal: the withdrawal itself is an event; answers after it are not.
    await world.storage.run(consent.record, 500, "specialist", False, "so")
    await world.storage.run(lambda db: __import__("bot.plan").plan.answer(db, 500, item["id"], "coming"))
    after = (await world.client.get(f"/v1/events?after={rest['next_cursor']}", headers=world.auth("sara"))).json()
    assert [(e["type"], e["data"]) for e in after["events"]] == [("consent_changed", {"recipient": "specialist", "granted": False})]
    empty = (await world.client.get(f"/v1/events?after={after['next_cursor']}", headers=world.auth("sara"))).json()
    assert empty == {"events": [], "next_cursor": after["next_cursor"]}
    # Scope: Per and organisation B see none of it.
    assert (await world.client.get("/v1/events", headers=world.auth("per"))).json()["events"] == []
    assert (await world.client.get("/v1/events", headers=world.auth("b"))).json()["events"] == []
    assert (await world.client.get("/v1/events?after=abc", headers=world.auth("sara"))).status_code == 422


async def test_idempotency_key_replays_the_first_result(world):
    headers = {**world.auth("sara"), "Idempotency-Key": "create-NAV-7"}
    body = {"case_id": "NAV-7"}
    first = await world.client.post("/v1/candidates", json=body, headers=headers)
    second = await world.client.post("/v1/candidates", json=body, headers=headers)
    assert first.status_code == second.status_code == 201 and second.headers["Idempotent-Replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]
    assert len((await world.client.get("/v1/candidates", headers=world.auth("sara"))).json()) == 1
    # Links are never stored; a repeat changes nothing, so the first link keeps working.
    stored = await world.storage.run(lambda db: db.execute("SELECT body, candidate_id FROM idempotency_keys").fetchall())
    assert "t.me" not in str(stored) and "qr_png" not in str(stored)
    assert stored[0][1] == first.json()["id"]  # tied to the candidate, so /delete erases it
    assert second.json()["invitation"] is None
    first_code = first.json()["invitation"]["link"].split("start=")[1]
    assert (await world.storage.run(invitations.redeem, first_code, 900, "X")).ok
    again = await world.client.post(f"/v1/candidates/{first.json()['id']}/invitation", headers={**world.auth("sara"), "Idempotency-Key": "inv"})
    assert again.status_code == 409  # joined now
    other_body = await world.client.post("/v1/candidates", json={"case_id": "NAV-8"}, headers=headers)
    assert other_body.status_code == 409
    # Keys belong to a token: Per may use the same key for his own request.
    per = await world.client.post("/v1/candidates", json={"case_id": "NAV-9"}, headers={**world.auth("per"), "Idempotency-Key": "create-NAV-7"})
    assert per.status_code == 201
    # A refused request is replayed as refused, and still changes nothing.
    dup_headers = {**world.auth("sara"), "Idempotency-Key": "dup"}
    assert (await world.client.post("/v1/candidates", json=body, headers=dup_headers)).status_code == 409
    assert (await world.client.post("/v1/candidates", json=body, headers=dup_headers)).status_code == 409


async def test_body_size_limit_and_rate_limit(tmp_path):
    world = await make_world(tmp_path / "limits.sqlite3", rate=1.0, burst=3)
    try:
        huge = {"case_id": "X", "name": "y" * 1_100_000}
        response = await world.client.post("/v1/candidates", json=huge, headers=world.auth("sara"))
        assert response.status_code == 413
        codes = [(await world.client.get("/v1/candidates", headers=world.auth("sara"))).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        limited = await world.client.get("/v1/candidates", headers=world.auth("sara"))
        assert int(limited.headers["Retry-After"]) >= 1
        assert (await world.client.get("/v1/candidates", headers=world.auth("per"))).status_code == 200  # per token
    finally:
        await world.client.aclose()
        world.storage.close()


async def test_every_request_is_audited(world):
    await create(world)
    await world.client.get("/v1/candidates", headers=world.auth("revoked"))
    entries = await world.storage.run(lambda db: __import__("bot.api_access").api_access.audit_entries(db))
    assert [(e["method"], e["path"], e["status"], e["token_name"]) for e in entries] == [
        ("POST", "/v1/candidates", 201, "Sara's script"),
        ("GET", "/v1/candidates", 401, None),
    ]


async def test_left_candidate_keeps_only_the_case_and_events_say_so(world):
    candidate = (await create(world)).json()["id"]
    await join(world, candidate, 500)
    from bot import personal_data

    await world.storage.run(personal_data.erase, 500)
    status = (await world.client.get(f"/v1/candidates/{candidate}", headers=world.auth("sara"))).json()
    assert status["status"] == "left" and status["language"] is None and status["consents"] == {"specialist": None, "mentor": None}
    feed = (await world.client.get("/v1/events", headers=world.auth("sara"))).json()["events"]
    assert [e["type"] for e in feed] == ["candidate_left"]
    meeting = {"kind": "meeting", "starts_at": "2026-12-01T10:00:00+01:00"}
    assert (await world.client.post(f"/v1/candidates/{candidate}/plan-items", json=meeting, headers=world.auth("sara"))).status_code == 409
    assert await world.storage.run(events.page, 1) != []


def test_page_json_is_the_same_as_page(tmp_path):
    """The fast JSON path and the plain one agree, including awkward text."""
    import json

    from bot import db

    conn = db.connect(tmp_path / "x.sqlite3")
    people.add_user(conn, 10, "specialist", "S", organisation_id=1)
    cid, _ = invitations.invite_candidate(conn, 10, "L", None, case_id='K-"1"\\æ')
    for data in ({"a": 'quote " and \\ and \u2068rtl\u2069 and 🙂'}, {}, {"n": [1, None, True]}):
        conn.execute("INSERT INTO events (organisation_id, candidate_id, type, data, created_at) VALUES (1, ?, 'task_done', ?, 'now')",
                     [cid, json.dumps(data, ensure_ascii=False)])
    text, last = events.page_json(conn, 1, 0, 10)
    plain = events.page(conn, 1, 0, 10)
    assert json.loads(text) == [
        {"id": str(e.id), "type": e.type, "candidate_id": e.candidate_id, "case_id": e.case_id, "at": e.at, "data": e.data} for e in plain
    ]
    assert last == plain[-1].id
    assert events.page_json(conn, 1, last, 10) == ("[]", None)


async def test_cursor_survives_a_restart_and_never_repeats(tmp_path):
    world = await make_world(tmp_path / "restart.sqlite3")
    try:
        candidate = (await create(world)).json()["id"]
        await join(world, candidate, 500)
        first = (await world.client.get("/v1/events?limit=1", headers=world.auth("sara"))).json()
    finally:
        await world.client.aclose()
        world.storage.close()
    # A new process on the same file: the same cursor goes on where it stopped.
    import httpx

    from bot.api.app import create_api
    from bot.storage import Storage

    storage = Storage(tmp_path / "restart.sqlite3")
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_api(storage, lambda: "b")), base_url="http://t")
    try:
        rest = (await client.get(f"/v1/events?after={first['next_cursor']}", headers=world.auth("sara"))).json()
    finally:
        await client.aclose()
        storage.close()
    ids = [int(e["id"]) for e in first["events"] + rest["events"]]
    assert [e["type"] for e in first["events"] + rest["events"]] == ["candidate_joined", "consent_changed"]
    assert ids == sorted(set(ids))



async def test_plan_answers_reach_the_api_only_while_shared(world):
    from bot import plan

    candidate = (await create(world)).json()["id"]
    await join(world, candidate, 500, share=False)
    item = (await world.client.post(f"/v1/candidates/{candidate}/plan-items",
                                    json={"kind": "meeting", "starts_at": "2026-12-01T10:00:00+01:00"}, headers=world.auth("sara"))).json()
    await world.storage.run(plan.answer, 500, item["id"], "not_coming")
    for response in (
        await world.client.get(f"/v1/plan-items/{item['id']}", headers=world.auth("sara")),
        await world.client.patch(f"/v1/plan-items/{item['id']}", json={"place": "NAV"}, headers=world.auth("a")),
    ):
        assert response.json()["answer"] is None and response.json()["answered_at"] is None
    await world.storage.run(plan.answer, 500, item["id"], "coming")
    await world.storage.run(consent.record, 500, "specialist", True, "so")
    listed = (await world.client.get(f"/v1/candidates/{candidate}/plan-items", headers=world.auth("sara"))).json()
    assert listed[0]["answer"] == "coming"


async def test_delete_erases_stored_api_answers_about_the_candidate(world):
    from bot import personal_data

    candidate = (await create(world)).json()["id"]
    await join(world, candidate, 500)
    headers = {**world.auth("sara"), "Idempotency-Key": "rule-1"}
    await world.client.post(f"/v1/candidates/{candidate}/workplace-rules", json={"text": "Alina har nøkkel 4."}, headers=headers)
    await world.storage.run(personal_data.erase, 500)
    left = await world.storage.run(lambda db: db.execute("SELECT COUNT(*) FROM idempotency_keys WHERE body LIKE '%nøkkel%'").fetchone()[0])
    assert left == 0


async def test_repeating_a_new_invitation_changes_nothing(world):
    candidate = (await create(world)).json()["id"]
    headers = {**world.auth("sara"), "Idempotency-Key": "new-link-1"}
    first = await world.client.post(f"/v1/candidates/{candidate}/invitation", headers=headers)
    assert first.status_code == 201
    repeat = await world.client.post(f"/v1/candidates/{candidate}/invitation", headers=headers)
    assert repeat.status_code == 409  # the link is not stored, and a new one would break the first
    code = first.json()["link"].split("start=")[1]
    assert (await world.storage.run(invitations.redeem, code, 901, "Y")).ok


async def test_delete_takes_translations_only_that_candidate_saw(world):
    from bot import personal_data, translation

    a = (await create(world, case_id="A")).json()["id"]
    b = (await create(world, case_id="B")).json()["id"]
    await join(world, a, 500)
    await join(world, b, 501)

    def use(db):
        translation.record_use(db, a, "nb", "en", ["Amal sitt intervju hos Kiwi.", "Husk arbeidstøy."])
        translation.record_use(db, b, "nb", "en", ["Husk arbeidstøy."])
        translation.save_cached(db, "nb", "en", "v1", [("Amal sitt intervju hos Kiwi.", "x"), ("Husk arbeidstøy.", "y")])

    await world.storage.run(use)
    await world.storage.run(personal_data.erase, 500)
    left = await world.storage.run(lambda db: [r[0] for r in db.execute("SELECT text FROM machine_translations")])
    assert left == ["Husk arbeidstøy."]  # the shared one stays, the one only she saw is gone
