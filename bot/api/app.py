"""The sync API application: authentication, scope, limits, audit and the /v1 routes.

Handlers stay thin: each checks scope and calls a domain module through `Storage`
(the database thread). What the candidate must hear about goes through the outbox,
which the bot delivers; the API never talks to Telegram itself.
"""


import asyncio
import base64
import functools
import json
import math
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Send
from starlette.types import Scope as AsgiScope

from bot import (
    __version__,
    api_access,
    consent,
    events,
    invitations,
    outbox,
    people,
    plan,
    wordlists,
    workplace_rules,
)
from bot.api import schemas
from bot.api_access import Scope
from bot.storage import Storage

#: Larger than any body the schema allows (100 words in ten languages, even with every
#: character JSON-escaped), so only a body that breaks the schema anyway meets it.
MAX_BODY_BYTES = 1024 * 1024
CASE_ID_PATTERN = schemas.CASE_ID_PATTERN

ERRORS = {
    401: {"model": schemas.ErrorBody, "description": "Missing, unknown or revoked token"},
    404: {"model": schemas.ErrorBody, "description": "No such thing, or not yours to see"},
    413: {"model": schemas.ErrorBody, "description": "Request body too large"},
    429: {"model": schemas.ErrorBody, "description": "Too many requests: wait Retry-After seconds"},
}
WRITE_ERRORS = {
    **ERRORS,
    400: {"model": schemas.ErrorBody, "description": "The body is not JSON"},
    409: {"model": schemas.ErrorBody, "description": "Conflict (see detail)"},
}

PathId = Annotated[int, Path(ge=1, le=2**63 - 1)]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=100,
           description="Repeat a write safely: the same key and body return the first result and change nothing."),
]


class ApiError(Exception):
    def __init__(self, status: int, detail: Any, headers: dict[str, str] | None = None):
        self.status = status
        self.detail = detail
        self.headers = headers or {}

    @classmethod
    def invalid(cls, field: str, message: str) -> "ApiError":
        """A 422 shaped like FastAPI's own validation errors, naming the body field."""
        return cls(422, [{"loc": ["body", field], "msg": message, "type": "value_error", "input": None}])


class TokenBuckets:
    """Per-token rate limit: `rate` requests a second on average, bursts up to `burst`."""

    def __init__(self, rate: float, burst: int):
        self.rate = rate
        self.burst = burst
        self._buckets: dict[int, tuple[float, float]] = {}

    def take(self, token_id: int, now: float | None = None) -> float:
        """0 if the request may go ahead; otherwise the seconds to wait."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(token_id, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self._buckets[token_id] = (tokens - 1, now)
            return 0.0
        self._buckets[token_id] = (tokens, now)
        return (1 - tokens) / self.rate


class BodyLimit:
    """Refuses a request body over `limit` bytes with 413, whether or not it says its length."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        too_big = declared is not None and declared.isdigit() and int(declared) > self.limit
        chunks: list[bytes] = []
        size = 0
        if not too_big:
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                more = message.get("more_body", False)
                if size > self.limit:
                    too_big = True
                    break
        if too_big:
            response = JSONResponse({"detail": f"request body over {self.limit} bytes"}, status_code=413)
            await response(scope, receive, send)
            return
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class AuditLog:
    """Writes who did what, and the answer's status, for every /v1 request but the health check."""

    def __init__(self, app: ASGIApp, storage: Storage):
        self.app = app
        self.storage = storage

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/v1/") or path == "/v1/health":
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            api_scope = scope.get("state", {}).get("api_scope")
            await self.storage.run(api_access.audit, api_scope, scope["method"], path, status)


def create_api(
    storage: Storage,
    bot_username: Callable[[], str | None],
    wake_outbox: Callable[[], None] | None = None,
    rate: float = 20.0,
    burst: int = 60,
) -> FastAPI:
    """The API app. `bot_username` gives the bot's @username for invitation links;
    `wake_outbox` tells the bot's deliverer there is something new to send."""
    @functools.cache
    def query_params_of(path: str, method: str) -> frozenset[str]:
        """The query parameters the OpenAPI document gives this operation."""
        operation = api.openapi()["paths"].get(path, {}).get(method.lower(), {})
        return frozenset(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")

    async def known_query_params(request: Request) -> None:
        """A misspelt or repeated query parameter is an error, not something to ignore or guess at."""
        route = request.scope.get("route")
        known = query_params_of(route.path, request.method) if route else set()
        for key in request.query_params:
            problem = None
            if key not in known:
                problem = "unknown query parameter"
            elif len(request.query_params.getlist(key)) > 1:
                problem = "give this parameter once"
            if problem:
                raise ApiError(422, [{"loc": ["query", key], "msg": problem, "type": "value_error", "input": None}])

    api = FastAPI(
        dependencies=[Depends(known_query_params)],
        title="Jobbvenn sync API",
        version=__version__,
        description=(
            "Links Jobbvenn to a job specialist's case record: create candidates, push plans, word lists, "
            "workplace rules and messages, and read what each candidate agreed to share. "
            "Authenticate with `Authorization: Bearer <token>` (tokens come from `jobbvenn admin token create`)."
        ),
        docs_url=None,
        redoc_url=None,
    )
    api.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    api.add_middleware(AuditLog, storage=storage)
    buckets = TokenBuckets(rate, burst)
    bearer = HTTPBearer(auto_error=False, description="A token from `jobbvenn admin token create`")
    wake = wake_outbox or (lambda: None)

    @api.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # name every method the path has, not just one route's
            allowed: set[str] = set()
            for route in api.routes:
                if route.matches(request.scope)[0] != Match.NONE:
                    allowed |= getattr(route, "methods", None) or set()
            headers["Allow"] = ", ".join(sorted(allowed))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)

    @api.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=exc.headers)

    async def authenticated(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
    ) -> Scope:
        scope = await storage.run(api_access.scope_for, credentials.credentials) if credentials else None
        if scope is None:
            raise ApiError(401, "a valid bearer token is needed", {"WWW-Authenticate": "Bearer"})
        request.state.api_scope = scope
        wait = buckets.take(scope.token_id)
        if wait:
            raise ApiError(429, "too many requests", {"Retry-After": str(math.ceil(wait))})
        return scope

    Auth = Annotated[Scope, Depends(authenticated)]

    async def candidate_or_404(scope: Scope, candidate_id: int) -> people.Candidate:
        candidate = await storage.run(api_access.candidate_in_scope, scope, candidate_id)
        if candidate is None:
            raise ApiError(404, "no such candidate")
        return candidate

    async def write(
        request: Request, scope: Scope, key: str | None, status: int, work: Callable[[], Awaitable[Any]],
        candidate_id: int | None = None, keep: Callable[[dict], dict] | None = None,
        replay: Callable[[dict], Awaitable[dict]] | None = None,
    ) -> JSONResponse:
        """Run a write, once per Idempotency-Key: a repeat returns the stored result.

        `keep` picks what of an answer may be stored (invitation links never are: codes are
        stored only as hashes); `replay` rebuilds the rest when a repeat comes. The stored
        answer is tied to `candidate_id` (or the answer's candidate) so /delete erases it."""
        if key is None:
            return JSONResponse(jsonable_encoder(await work()), status_code=status)
        req_hash = api_access.request_hash(request.method, request.url.path, await request.body())
        state, value = await storage.run(api_access.begin_idempotent, scope.token_id, key, req_hash)
        if state == "replay":
            stored_status, body = value
            if replay is not None and stored_status < 400:
                body = jsonable_encoder(await replay(body))
            return JSONResponse(body, status_code=stored_status, headers={"Idempotent-Replayed": "true"})
        if state == "conflict":
            raise ApiError(409, value)
        try:
            body = jsonable_encoder(await work())
        except ApiError as err:
            await storage.run(api_access.finish_idempotent, scope.token_id, key, err.status, {"detail": err.detail}, candidate_id)
            raise
        except BaseException:
            await storage.run(api_access.finish_idempotent, scope.token_id, key, 500, None)
            raise
        stored = keep(body) if keep else body
        owner = candidate_id if candidate_id is not None else stored.get("candidate_id") if isinstance(stored, dict) else None
        await storage.run(api_access.finish_idempotent, scope.token_id, key, status, stored, owner)
        return JSONResponse(body, status_code=status)

    # -- routes ------------------------------------------------------------------------

    @api.get("/v1/health", response_model=schemas.Health, tags=["service"])
    async def health() -> dict:
        await storage.run(lambda db: db.execute("SELECT 1").fetchone())
        return {"status": "ok", "version": __version__}

    @api.post("/v1/candidates", status_code=201, response_model=schemas.CandidateCreated, responses=WRITE_ERRORS, tags=["candidates"])
    async def create_candidate(body: schemas.CandidateCreate, request: Request, scope: Auth, idempotency_key: IdempotencyKey = None):
        """Create a candidate in a specialist's caseload. The answer holds a one-time
        invitation link (valid 14 days) and the same link as a QR code PNG."""

        async def work():
            specialist_id = body.specialist_id if scope.specialist_id is None else scope.specialist_id
            if scope.specialist_id is not None and body.specialist_id not in (None, scope.specialist_id):
                raise ApiError.invalid("specialist_id", "a specialist token creates candidates only in its own caseload")
            if specialist_id is None:
                raise ApiError.invalid("specialist_id", "required with an organisation token")
            _username()  # before anything is written: a link must be possible
            result = await storage.run(_create_candidate, scope, specialist_id, body)
            if isinstance(result, tuple) and isinstance(result[0], str):
                field, message = result
                if field == "case_id":
                    raise ApiError(409, f"case_id: {message}")
                raise ApiError.invalid(field, message)
            candidate_id, code = result
            out = await storage.run(_candidate_out, candidate_id)
            out["invitation"] = await invitation_out(candidate_id, code)
            return schemas.CandidateCreated(**out)

        async def replay(stored: dict) -> dict:
            """The same candidate, as it is now. The link is not repeated: it was shown once and
            never stored, and making a new one would break the first (the candidate may have it
            already). A client that lost it asks POST /v1/candidates/{id}/invitation."""
            out = await storage.run(_candidate_out, stored["id"])
            out["invitation"] = None
            return out

        return await write(
            request, scope, idempotency_key, 201, work,
            keep=lambda b: {"id": b["id"], "candidate_id": b["id"]}, replay=replay,
        )

    @api.get("/v1/candidates", response_model=list[schemas.CandidateOut], responses=ERRORS, tags=["candidates"])
    async def list_candidates(
        scope: Auth, case_id: Annotated[str, Query(min_length=1, max_length=64, pattern=CASE_ID_PATTERN)] = None
    ):
        """The candidates this token may see, newest first; `case_id` finds one by the case system's reference."""
        return await storage.run(_list_candidates, scope, case_id)

    @api.get("/v1/candidates/{candidate_id}", response_model=schemas.CandidateOut, responses=ERRORS, tags=["candidates"])
    async def get_candidate(candidate_id: PathId, scope: Auth):
        """Status: joined or not, language, consent answers, whether the bot can reach them."""
        await candidate_or_404(scope, candidate_id)
        return await storage.run(_candidate_out, candidate_id)

    @api.post("/v1/candidates/{candidate_id}/invitation", status_code=201, response_model=schemas.Invitation,
              responses=WRITE_ERRORS, tags=["candidates"])
    async def new_invitation(candidate_id: PathId, request: Request, scope: Auth, idempotency_key: IdempotencyKey = None):
        """A fresh invitation for a candidate who has not joined yet; earlier links stop working.
        Links are never stored, so a repeat with the same Idempotency-Key answers 409 and
        changes nothing."""

        async def work():
            await candidate_or_404(scope, candidate_id)
            invitation = await fresh_invitation(candidate_id)
            if invitation is None:
                raise ApiError(409, "the candidate has already joined or left")
            return invitation

        async def replay(stored: dict) -> dict:
            raise ApiError(409, "this link was shown once and is not stored; ask again without this Idempotency-Key")

        return await write(request, scope, idempotency_key, 201, work, candidate_id=candidate_id,
                           keep=lambda b: {"candidate_id": candidate_id}, replay=replay)

    @api.post("/v1/candidates/{candidate_id}/plan-items", status_code=201, response_model=schemas.PlanItemOut,
              responses=WRITE_ERRORS, tags=["plan"])
    async def create_plan_item(candidate_id: PathId, body: schemas.PlanItemCreate, request: Request, scope: Auth,
                               idempotency_key: IdempotencyKey = None):
        """A meeting, work shift or task. The candidate is told in their language and can answer."""

        async def work():
            candidate = await joined_or_invited(scope, candidate_id)
            values = body.model_dump(exclude_none=True, exclude={"kind"})
            if body.kind == "meeting":
                values.setdefault("meeting_kind", "other")
            item = await storage.run(plan.create, candidate.id, body.kind, _db_values(values), _creator(scope))
            wake()
            return await storage.run(_plan_item_out, item)

        return await write(request, scope, idempotency_key, 201, work)

    @api.get("/v1/candidates/{candidate_id}/plan-items", response_model=list[schemas.PlanItemOut], responses=ERRORS, tags=["plan"])
    async def list_plan_items(candidate_id: PathId, scope: Auth):
        await candidate_or_404(scope, candidate_id)
        return [await storage.run(_plan_item_out, i) for i in await storage.run(_visible_plan, candidate_id)]

    async def plan_item_or_404(scope: Scope, item_id: int) -> plan.PlanItem:
        item = await storage.run(plan.get, item_id)
        if item is None:
            raise ApiError(404, "no such plan item")
        await candidate_or_404(scope, item.candidate_id)
        if item.id not in {i.id for i in await storage.run(_visible_plan, item.candidate_id)}:
            raise ApiError(404, "no such plan item")  # a shift the candidate added and does not share
        return item

    @api.get("/v1/plan-items/{item_id}", response_model=schemas.PlanItemOut, responses=ERRORS, tags=["plan"])
    async def get_plan_item(item_id: PathId, scope: Auth):
        return await storage.run(_plan_item_out, await plan_item_or_404(scope, item_id))

    @api.patch("/v1/plan-items/{item_id}", response_model=schemas.PlanItemOut, responses=WRITE_ERRORS, tags=["plan"])
    async def update_plan_item(item_id: PathId, body: schemas.PlanItemUpdate, request: Request, scope: Auth,
                               idempotency_key: IdempotencyKey = None):
        """Change an item; the candidate is told, and their earlier answer no longer holds."""

        async def work():
            item = await plan_item_or_404(scope, item_id)
            if item.status != "active":
                raise ApiError(409, "the plan item is cancelled")
            values = body.model_dump(exclude_unset=True)
            problem = _fits_kind(item.kind, values)
            if problem:
                raise ApiError.invalid(*problem)
            updated = await storage.run(plan.update, item_id, _db_values(values))
            wake()
            return await storage.run(_plan_item_out, updated)

        return await write(request, scope, idempotency_key, 200, work)

    @api.delete("/v1/plan-items/{item_id}", response_model=schemas.PlanItemOut, responses=WRITE_ERRORS, tags=["plan"])
    async def cancel_plan_item(item_id: PathId, request: Request, scope: Auth, idempotency_key: IdempotencyKey = None):
        """Cancel an item (it stays in the record as cancelled); the candidate is told."""

        async def work():
            await plan_item_or_404(scope, item_id)
            cancelled = await storage.run(plan.cancel, item_id)
            wake()
            return await storage.run(_plan_item_out, cancelled)

        return await write(request, scope, idempotency_key, 200, work)

    @api.post("/v1/word-lists", status_code=201, response_model=schemas.WordListOut, responses=WRITE_ERRORS, tags=["words"])
    async def create_word_list(body: schemas.WordListCreate, request: Request, scope: Auth, idempotency_key: IdempotencyKey = None):
        """Push a word list to one or more candidates."""

        async def work():
            for candidate_id in body.candidate_ids:
                await joined_or_invited(scope, candidate_id)
            words = [wordlists.Word(w.norwegian, w.example, dict(w.translations)) for w in body.words]
            created = await storage.run(
                wordlists.create, scope.organisation_id, body.title, words, body.candidate_ids, _creator(scope)
            )
            wake()
            return _word_list_out(created)

        return await write(request, scope, idempotency_key, 201, work)

    @api.get("/v1/word-lists/{list_id}", response_model=schemas.WordListOut, responses=ERRORS, tags=["words"])
    async def get_word_list(list_id: PathId, scope: Auth):
        found = await storage.run(wordlists.get, list_id)
        if found is None or found.organisation_id != scope.organisation_id:
            raise ApiError(404, "no such word list")
        visible = [c for c in found.candidate_ids if await storage.run(api_access.candidate_in_scope, scope, c)]
        if scope.specialist_id is not None and not visible:
            raise ApiError(404, "no such word list")
        return {**_word_list_out(found), "candidate_ids": visible}

    @api.post("/v1/candidates/{candidate_id}/workplace-rules", status_code=201, response_model=schemas.RuleOut,
              responses=WRITE_ERRORS, tags=["workplace"])
    async def add_rule(candidate_id: PathId, body: schemas.RuleCreate, request: Request, scope: Auth,
                       idempotency_key: IdempotencyKey = None):
        """A rule of the candidate's own workplace, in plain Norwegian."""

        async def work():
            await joined_or_invited(scope, candidate_id)
            rule = await storage.run(workplace_rules.add, candidate_id, body.text, _creator(scope))
            wake()
            return _rule_out(rule)

        return await write(request, scope, idempotency_key, 201, work)

    @api.get("/v1/candidates/{candidate_id}/workplace-rules", response_model=list[schemas.RuleOut], responses=ERRORS,
             tags=["workplace"])
    async def list_rules(candidate_id: PathId, scope: Auth):
        await candidate_or_404(scope, candidate_id)
        return [_rule_out(r) for r in await storage.run(workplace_rules.for_candidate, candidate_id)]

    @api.post("/v1/candidates/{candidate_id}/messages", status_code=202, response_model=schemas.MessageOut,
              responses=WRITE_ERRORS, tags=["messages"])
    async def send_message(candidate_id: PathId, body: schemas.MessageCreate, request: Request, scope: Auth,
                           idempotency_key: IdempotencyKey = None):
        """A short message from the specialist; the bot delivers it as soon as it can."""

        async def work():
            candidate = await candidate_or_404(scope, candidate_id)
            if candidate.status != "joined":
                raise ApiError(409, "the candidate has not joined yet, or has left")
            row_id = await storage.run(outbox.enqueue, candidate_id, "message", None, {"text": body.text})
            wake()
            return {"id": row_id, "candidate_id": candidate_id, "status": "queued"}

        return await write(request, scope, idempotency_key, 202, work)

    @api.get("/v1/events", response_model=schemas.EventPage, responses=ERRORS, tags=["events"])
    async def read_events(
        scope: Auth,
        after: Annotated[str, Query(pattern=r"^[0-9]{1,18}$", description="The cursor: the last event id you have")] = "0",
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ):
        """What happened, oldest first, and only what each candidate shares with their specialist."""
        items, last = await storage.run(events.page_json, scope.organisation_id, int(after), limit, scope.specialist_id)
        # Built from the stored JSON as it is (the hot path of a case system's polling);
        # the schema test checks it against EventPage all the same.
        cursor = json.dumps(str(last) if last is not None else after)
        return Response(f'{{"events":{items},"next_cursor":{cursor}}}', media_type="application/json")

    async def joined_or_invited(scope: Scope, candidate_id: int) -> people.Candidate:
        candidate = await candidate_or_404(scope, candidate_id)
        if candidate.status == "left":
            raise ApiError(409, "the candidate has left Jobbvenn")
        return candidate

    async def fresh_invitation(candidate_id: int) -> dict | None:
        """A new link for a candidate who has not joined (older links stop working); None otherwise."""
        candidate = await storage.run(people.get_candidate, candidate_id)
        if candidate is None or candidate.status != "invited":
            return None
        _username()
        code = await storage.run(invitations.reinvite_candidate, candidate.specialist_id, candidate_id)
        return None if code is None else await invitation_out(candidate_id, code)

    async def invitation_out(candidate_id: int, code: str) -> dict:
        """The deep link, its expiry, and the same link as a QR code PNG (base64)."""
        link = invitations.deep_link(_username(), code)
        png = await asyncio.to_thread(invitations.qr_png, link)
        expires = await storage.run(_invitation_expiry, candidate_id)
        return {"link": link, "expires_at": expires, "qr_png_base64": base64.b64encode(png).decode()}

    def _username() -> str:
        name = bot_username()
        if not name:
            raise ApiError(503, "the bot has not started yet; try again in a moment")
        return name

    return api


# -- plain helpers (run in the database thread) ------------------------------------------

def _creator(scope: Scope) -> str:
    return f"api-token:{scope.token_id}"


def _db_values(values: dict[str, Any]) -> dict[str, Any]:
    """Datetimes are stored as UTC ISO text, like every other time in the database."""
    return {k: (v.astimezone(timezone.utc).replace(microsecond=0).isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}


def _fits_kind(kind: str, values: dict[str, Any]) -> tuple[str, str] | None:
    """(field, problem) when a change does not fit the item's kind."""
    if values.get("meeting_kind") is not None and kind != "meeting":
        return "meeting_kind", "only for meetings"
    if values.get("repeat_weeks") is not None and kind != "shift":
        return "repeat_weeks", "only for shifts"
    if values.get("deadline") is not None and kind != "task":
        return "deadline", "only for tasks"
    if kind in ("meeting", "shift") and "starts_at" in values and values["starts_at"] is None:
        return "starts_at", f"a {kind} needs it"
    if kind == "task" and "title" in values and values["title"] is None:
        return "title", "a task needs it"
    return None


def _create_candidate(db, scope: Scope, specialist_id: int, body: schemas.CandidateCreate):
    specialist = people.get_user(db, specialist_id)
    if specialist is None or specialist.role != "specialist" or specialist.organisation_id != scope.organisation_id:
        return "specialist_id", "not a job specialist in this organisation"
    if db.execute("SELECT 1 FROM candidates WHERE organisation_id = ? AND case_id = ?", [scope.organisation_id, body.case_id]).fetchone():
        return "case_id", "a candidate with this case_id exists already"
    label = body.name or body.case_id
    if people.looks_like_id_number(label):
        return ("name" if body.name else "case_id"), "must not contain an ID number"
    return invitations.invite_candidate(db, specialist_id, label, body.language_hint, case_id=body.case_id)


def _visible_plan(db, candidate_id: int) -> list[plan.PlanItem]:
    cand = people.get_candidate(db, candidate_id)
    return plan.visible_to_specialist(db, cand.user_id if cand else None, plan.for_candidate(db, candidate_id))


def _plan_item_out(db, item: plan.PlanItem) -> dict:
    """A plan item as the case system sees it: the candidate's answer only while they share it."""
    out = item.as_dict()
    cand = people.get_candidate(db, item.candidate_id)
    if not (cand and cand.user_id and consent.allows(db, cand.user_id, "specialist")):
        out["answer"] = out["answered_at"] = None
    return out


def _invitation_expiry(db, candidate_id: int) -> str:
    return db.execute(
        "SELECT MAX(expires_at) FROM invitations WHERE candidate_id = ? AND kind = 'candidate'", [candidate_id]
    ).fetchone()[0]


def _candidate_out(db, candidate_id: int) -> dict:
    c = people.get_candidate(db, candidate_id)
    user = people.get_user(db, c.user_id) if c.user_id else None
    answers = consent.current(db, c.user_id) if c.user_id else {"specialist": None, "mentor": None}
    return {
        "id": c.id,
        "case_id": c.case_id,
        "specialist_id": c.specialist_id,
        "status": c.status,
        "language": user.language if user else None,
        "consents": {r: (a.granted if a else None) for r, a in answers.items()},
        "reachable": user.reachable if user else None,
        "invited_at": c.created_at,
        "joined_at": c.joined_at,
        "left_at": c.left_at,
    }


def _list_candidates(db, scope: Scope, case_id: str | None) -> list[dict]:
    sql = "SELECT id FROM candidates WHERE organisation_id = ?"
    params: list[Any] = [scope.organisation_id]
    if scope.specialist_id is not None:
        sql += " AND specialist_id = ?"
        params.append(scope.specialist_id)
    if case_id is not None:
        sql += " AND case_id = ?"
        params.append(case_id)
    return [_candidate_out(db, r[0]) for r in db.execute(sql + " ORDER BY id DESC LIMIT 1000", params).fetchall()]


def _word_list_out(found: wordlists.WordList) -> dict:
    return {
        "id": found.id,
        "title": found.title,
        "words": [{"norwegian": w.norwegian, "example": w.example, "translations": w.translations} for w in found.words],
        "candidate_ids": found.candidate_ids,
        "created_at": found.created_at,
    }


def _rule_out(rule: workplace_rules.WorkplaceRule) -> dict:
    return {"id": rule.id, "candidate_id": rule.candidate_id, "text": rule.text, "created_at": rule.created_at}
