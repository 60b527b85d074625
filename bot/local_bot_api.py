"""A local Telegram Bot API server, for `jobbvenn chat` and the tests.

It speaks the HTTP Bot API that python-telegram-bot uses (`/bot<token>/<method>`
and `/file/bot<token>/<path>`), keeps the chats of simulated users, queues their
updates for `getUpdates` (long polling with real offset semantics) and records
everything the bot sends. It answers like Telegram does where it matters to a
bot: 400 for a message that is too long, a button whose data is over 64 bytes or
an edit that changes nothing; 403 for a user who blocked the bot; 404 for an
unknown method. Like Telegram it can limit how many messages the bot sends a second
(`rate_limit`, answered with 429 and `retry_after` beyond it), and the tests can make
it fail on purpose (`fail_next`: 5xx, 429; `stall_next`: no answer for a while).

It runs on loopback only and needs no token from Telegram and no network.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import logging
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

LOCAL_TOKEN = "1000000001:LOCAL-jobbvenn-bot-api-server-token"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64

# Parameters whose values are plain text, never JSON-decoded.
_TEXT_PARAMS = {
    "text", "caption", "callback_query_id", "parse_mode", "language_code", "url", "file_id",
    "file_name", "title", "address", "emoji", "description", "short_description", "name",
}
_MEDIA_KINDS = ("photo", "document", "voice", "audio", "video", "animation", "sticker")


@dataclass
class Fault:
    """What the server does instead of answering the next `times` calls to a method whose
    name starts with `method`: an error `code` (with `retry_after` for 429); with
    `stall`, no answer for that many seconds (then 504); with `drop`, a connection that
    breaks in the middle of the answer."""

    method: str
    code: int
    times: int
    retry_after: int | None = None
    stall: float = 0.0
    drop: bool = False    # the call is carried out, but the connection breaks before the answer is through


class RateLimit:
    """A token bucket: `per_second` messages a second, and a burst of as many."""

    def __init__(self, per_second: float):
        self.per_second = per_second
        self.tokens = per_second
        self.checked = time.monotonic()
        self.refused = 0

    def take(self) -> float:
        """0 if a message may go now; otherwise the seconds until it may."""
        now = time.monotonic()
        self.tokens = min(self.per_second, self.tokens + (now - self.checked) * self.per_second)
        self.checked = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        self.refused += 1
        return (1 - self.tokens) / self.per_second


class _ConnectionCut(Exception):
    """Raised after half an answer is sent: uvicorn then closes the connection."""


class _CutOff(Response):
    """The start of an answer, then a broken connection: the client reads a cut-off body."""

    async def __call__(self, scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")]})
        await send({"type": "http.response.body", "body": b'{"ok": true, "res', "more_body": True})
        raise _ConnectionCut


class _HideCuts(logging.Filter):
    """uvicorn logs the deliberate cut as an error in the application; it is not one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], _ConnectionCut))


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


@dataclass
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class ChatMessage:
    """A message in a chat, from the bot or from a user, as Telegram keeps it."""

    chat_id: int
    message_id: int
    from_bot: bool
    kind: str = "text"              # text, photo, document, voice, audio, sticker, location, ...
    text: str | None = None         # text, or caption for media
    buttons: list[list[Button]] = field(default_factory=list)
    file_id: str | None = None
    file_name: str | None = None
    edits: int = 0
    deleted: bool = False
    date: int = 0
    sent_at: float = 0.0            # time.monotonic() when the bot sent it
    raw: dict = field(default_factory=dict)

    def button_texts(self) -> list[str]:
        return [b.text for row in self.buttons for b in row]

    def find_button(self, label: str) -> Button:
        """The button whose text is `label`, or failing that the only one that contains it."""
        flat = [b for row in self.buttons for b in row]
        exact = [b for b in flat if b.text == label]
        if exact:
            return exact[0]
        partial = [b for b in flat if label in b.text]
        if len(partial) == 1:
            return partial[0]
        raise LookupError(f"no single button {label!r} among {[b.text for b in flat]}")


@dataclass
class BotCall:
    """One request the bot made, in order."""

    method: str
    params: dict
    ok: bool
    at: float


@dataclass
class StoredFile:
    file_id: str
    unique_id: str
    data: bytes
    path: str
    mime_type: str | None = None


class SimulatedUser:
    """A person in a private chat with the bot. Every action queues one update."""

    def __init__(self, server: LocalBotApi, user_id: int, first_name: str, language_code: str | None):
        self.server = server
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.blocked_bot = False

    def as_json(self) -> dict:
        data = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def chat_json(self) -> dict:
        return {"id": self.id, "type": "private", "first_name": self.first_name}

    def _message(self, **content: Any) -> tuple[int, dict]:
        message_id = self.server._new_message_id()
        payload = {"message_id": message_id, "from": self.as_json(), "chat": self.chat_json(), "date": int(time.time())}
        payload.update(content)
        kind = next((k for k in (*_MEDIA_KINDS, "location", "contact") if k in content), "text")
        self.server._remember(
            ChatMessage(self.id, message_id, False, kind=kind, text=content.get("text") or content.get("caption"), raw=payload)
        )
        return message_id, payload

    def send_text(self, text: str) -> int:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        _, payload = self._message(**content)
        return self.server.push_update({"message": payload})

    def send_sticker(self, emoji: str = "👍") -> int:
        file = self.server.store_file(b"RIFF-webp-sticker", "stickers", "image/webp")
        sticker = {
            "file_id": file.file_id, "file_unique_id": file.unique_id, "type": "regular", "width": 512,
            "height": 512, "is_animated": False, "is_video": False, "emoji": emoji,
        }
        _, payload = self._message(sticker=sticker)
        return self.server.push_update({"message": payload})

    def send_photo(self, data: bytes, caption: str | None = None) -> int:
        file = self.server.store_file(data, "photos", "image/jpeg")
        sizes = [{"file_id": file.file_id, "file_unique_id": file.unique_id, "width": 640, "height": 480, "file_size": len(data)}]
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        _, payload = self._message(**content)
        return self.server.push_update({"message": payload})

    def send_document(self, data: bytes, file_name: str, mime_type: str = "application/octet-stream") -> int:
        file = self.server.store_file(data, "documents", mime_type)
        doc = {"file_id": file.file_id, "file_unique_id": file.unique_id, "file_name": file_name, "mime_type": mime_type, "file_size": len(data)}
        _, payload = self._message(document=doc)
        return self.server.push_update({"message": payload})

    def send_voice(self, data: bytes, duration: int = 2) -> int:
        file = self.server.store_file(data, "voice", "audio/ogg")
        voice = {"file_id": file.file_id, "file_unique_id": file.unique_id, "duration": duration, "mime_type": "audio/ogg", "file_size": len(data)}
        _, payload = self._message(voice=voice)
        return self.server.push_update({"message": payload})

    def edit_message(self, message_id: int, new_text: str) -> int:
        original = self.server.messages[(self.id, message_id)]
        original.text = new_text
        original.edits += 1
        payload = dict(original.raw, text=new_text, edit_date=int(time.time()))
        return self.server.push_update({"edited_message": payload})

    def press(self, message: ChatMessage, label: str) -> int:
        """Tap the button with this text on one of the bot's messages."""
        button = message.find_button(label)
        if button.callback_data is None:
            raise LookupError(f"button {label!r} opens a link, it sends no callback")
        return self.press_data(message, button.callback_data)

    def press_data(self, message: ChatMessage, data: str) -> int:
        """Send a callback query with any data, as a modified client could."""
        query = {
            "id": str(next(self.server._ids)),
            "from": self.as_json(),
            "message": self.server.message_json(message),
            "chat_instance": f"ci{self.id}",
            "data": data,
        }
        self.server.open_callback_queries.add(query["id"])
        return self.server.push_update({"callback_query": query})

    def block(self) -> None:
        self.blocked_bot = True


class _QuietServer(uvicorn.Server):
    """uvicorn, minus its signal handling: whoever runs the local server owns the signals."""

    @contextlib.contextmanager
    def capture_signals(self):  # noqa: D401 - uvicorn's hook
        yield


class LocalBotApi:
    def __init__(self, token: str = LOCAL_TOKEN, bot_username: str = "jobbvenn_local_bot", bot_name: str = "Jobbvenn"):
        self.token = token
        bot_id = int(token.split(":")[0])
        self.bot_user = {
            "id": bot_id, "is_bot": True, "first_name": bot_name, "username": bot_username,
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False,
        }
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._pending: list[dict] = []
        self._new_update = asyncio.Event()
        self.users: dict[int, SimulatedUser] = {}
        self.messages: dict[tuple[int, int], ChatMessage] = {}
        self.calls: list[BotCall] = []   # answered calls, in the order they were answered
        self.arrivals: list[tuple[str, float]] = []  # (method, monotonic time) as each request arrived
        self.offered: dict[int, float] = {}  # update_id -> monotonic time it was first returned by getUpdates
        self.files: dict[str, StoredFile] = {}
        self.uploads: list[StoredFile] = []   # files the bot uploaded (not re-sent by file_id)
        self._files_by_path: dict[str, StoredFile] = {}
        self.commands: dict[str, list[dict]] = {}
        self.open_callback_queries: set[str] = set()
        self.callback_answers: dict[str, dict] = {}
        self.listeners: list[Callable[[str, ChatMessage], None]] = []
        self.last_offset = 0
        self.faults: list[Fault] = []
        self.rate_limit: RateLimit | None = None
        self._server: _QuietServer | None = None
        self._serve_task: asyncio.Task | None = None
        self.port: int | None = None

    # -- running -------------------------------------------------------------

    def asgi_app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
            ]
        )

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        uvicorn_errors = logging.getLogger("uvicorn.error")
        if not any(isinstance(f, _HideCuts) for f in uvicorn_errors.filters):
            uvicorn_errors.addFilter(_HideCuts())
        config = uvicorn.Config(self.asgi_app(), host=host, port=port, log_level="warning", lifespan="off", access_log=False)
        self._server = _QuietServer(config)
        self._serve_task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._serve_task.done():
                self._serve_task.result()
            await asyncio.sleep(0.005)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self.base_url

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._new_update.set()
            await self._serve_task
            self._server = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- simulated users -------------------------------------------------------

    def user(self, user_id: int, first_name: str, language_code: str | None = "en") -> SimulatedUser:
        if user_id not in self.users:
            self.users[user_id] = SimulatedUser(self, user_id, first_name, language_code)
        return self.users[user_id]

    def fail_next(self, method: str, code: int, times: int = 1, retry_after: int | None = None) -> None:
        """The next `times` calls to methods starting with `method` get error `code`."""
        self.faults.append(Fault(method.lower(), code, times, retry_after))

    def stall_next(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls get no answer for `seconds` (the bot's request times out), and nothing is sent."""
        self.faults.append(Fault(method.lower(), 504, times, stall=seconds))

    def drop_next(self, method: str, times: int = 1) -> None:
        """The next `times` calls are carried out, but the connection breaks halfway through
        the answer, so the bot never learns the result (a network cut)."""
        self.faults.append(Fault(method.lower(), 0, times, drop=True))

    def limit_rate(self, per_second: float | None) -> None:
        """Refuse messages beyond `per_second` with 429, as Telegram does (about 30 a second)."""
        self.rate_limit = RateLimit(per_second) if per_second else None

    async def _inject(self, method: str) -> None:
        for fault in self.faults:
            if fault.times > 0 and not fault.drop and method.lower().startswith(fault.method):
                fault.times -= 1
                if fault.stall:
                    await asyncio.sleep(fault.stall)
                    raise ApiError(fault.code, "Gateway Timeout")
                raise ApiError(fault.code, f"Injected error {fault.code}", fault.retry_after)
        if self.rate_limit is not None and method.lower().startswith("send"):
            wait = self.rate_limit.take()
            if wait:
                retry = max(1, math.ceil(wait))
                raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)

    def push_update(self, content: dict) -> int:
        update_id = next(self._update_ids)
        self._pending.append({"update_id": update_id, **content})
        self._new_update.set()
        return update_id

    def chat(self, chat_id: int) -> list[ChatMessage]:
        """Every message in one chat, oldest first."""
        return sorted((m for (c, _), m in self.messages.items() if c == chat_id), key=lambda m: m.message_id)

    def bot_messages(self, chat_id: int) -> list[ChatMessage]:
        return [m for m in self.chat(chat_id) if m.from_bot and not m.deleted]

    def calls_to(self, method: str) -> list[BotCall]:
        return [c for c in self.calls if c.method == method]

    def store_file(self, data: bytes, folder: str, mime_type: str | None = None, name: str = "file") -> StoredFile:
        number = next(self._ids)
        file_id = f"F{number}-{secrets.token_hex(6)}"
        suffix = name.rsplit(".", 1)[-1] if "." in name else "bin"
        stored = StoredFile(file_id, f"U{number}", data, f"{folder}/file_{number}.{suffix}", mime_type)
        self.files[file_id] = stored
        self._files_by_path[stored.path] = stored
        return stored

    def message_json(self, message: ChatMessage) -> dict:
        return dict(message.raw)

    def _new_message_id(self) -> int:
        return next(self._ids)

    def _remember(self, message: ChatMessage) -> None:
        self.messages[(message.chat_id, message.message_id)] = message

    def _notify(self, event: str, message: ChatMessage) -> None:
        for listener in self.listeners:
            listener(event, message)

    # -- HTTP ------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
        method = request.path_params["method"]
        self.arrivals.append((method, time.monotonic()))
        handler = getattr(self, f"_api_{method.lower()}", None)
        if handler is None:
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found: method not found"}, status_code=404)
        try:
            params = await self._params(request)
        except ClientDisconnect:  # the bot went away mid-request (killed): nobody to answer
            return Response(status_code=499)
        try:
            await self._inject(method)
            result = await handler(params)
        except ApiError as err:
            self.calls.append(BotCall(method, params, False, time.monotonic()))
            body: dict[str, Any] = {"ok": False, "error_code": err.code, "description": err.description}
            if err.retry_after is not None:
                body["parameters"] = {"retry_after": err.retry_after}
            return JSONResponse(body, status_code=err.code)
        self.calls.append(BotCall(method, params, True, time.monotonic()))
        for fault in self.faults:
            if fault.times > 0 and fault.drop and method.lower().startswith(fault.method):
                fault.times -= 1
                return _CutOff()
        return JSONResponse({"ok": True, "result": result})

    async def _params(self, request: Request) -> dict:
        params: dict[str, Any] = dict(request.query_params)
        content_type = request.headers.get("content-type", "")
        if "application/json" in content_type:
            body = await request.body()
            if body:
                params.update(json.loads(body))
            return params
        if request.method == "POST":
            form = await request.form()
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    params[key] = ("upload", value.filename, await value.read())
                else:
                    params[key] = value
        for key, value in list(params.items()):
            if isinstance(value, str) and key not in _TEXT_PARAMS:
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
        return params

    async def _download(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        stored = self._files_by_path.get(request.path_params["path"])
        if stored is None:
            return Response(status_code=404)
        return Response(stored.data, media_type=stored.mime_type or "application/octet-stream")

    # -- Bot API methods ---------------------------------------------------------

    async def _api_getme(self, params: dict) -> dict:
        return self.bot_user

    async def _api_deletewebhook(self, params: dict) -> bool:
        return True

    async def _api_getwebhookinfo(self, params: dict) -> dict:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._pending)}

    async def _api_setmycommands(self, params: dict) -> bool:
        self.commands[params.get("language_code") or ""] = params.get("commands") or []
        return True

    async def _api_getmycommands(self, params: dict) -> list:
        return self.commands.get(params.get("language_code") or "", [])

    async def _api_sendchataction(self, params: dict) -> bool:
        self._chat(params)
        return True

    async def _api_getupdates(self, params: dict) -> list:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self.last_offset = max(self.last_offset, offset)
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self._pending and time.monotonic() < deadline and self._server and not self._server.should_exit:
            self._new_update.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
        batch = self._pending[:limit]
        now = time.monotonic()
        for update in batch:
            self.offered.setdefault(update["update_id"], now)
        return batch

    async def _api_answercallbackquery(self, params: dict) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self.open_callback_queries:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self.open_callback_queries.discard(query_id)
        self.callback_answers[query_id] = params
        return True

    async def _api_sendmessage(self, params: dict) -> dict:
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return self._deliver(params, "text", text=text)

    async def _api_sendphoto(self, params: dict) -> dict:
        return self._send_media(params, "photo")

    async def _api_senddocument(self, params: dict) -> dict:
        return self._send_media(params, "document")

    async def _api_sendvoice(self, params: dict) -> dict:
        return self._send_media(params, "voice")

    async def _api_sendaudio(self, params: dict) -> dict:
        return self._send_media(params, "audio")

    async def _api_sendlocation(self, params: dict) -> dict:
        location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
        return self._deliver(params, "location", extra={"location": location})

    async def _api_editmessagetext(self, params: dict) -> dict:
        message = self._own_message(params)
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        markup = _buttons(params.get("reply_markup"))
        if text == message.text and markup == message.buttons:
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
        message.text = text
        message.raw["text"] = text
        self._set_markup(message, params.get("reply_markup"))
        message.edits += 1
        self._notify("edited", message)
        return self.message_json(message)

    async def _api_editmessagereplymarkup(self, params: dict) -> dict:
        message = self._own_message(params)
        if _buttons(params.get("reply_markup")) == message.buttons:
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
        self._set_markup(message, params.get("reply_markup"))
        message.edits += 1
        self._notify("edited", message)
        return self.message_json(message)

    async def _api_editmessagecaption(self, params: dict) -> dict:
        message = self._own_message(params)
        if message.kind == "text":
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption = params.get("caption")
        if caption is not None and len(str(caption)) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        if caption == message.text and _buttons(params.get("reply_markup")) == message.buttons:
            raise ApiError(400, "Bad Request: message is not modified")
        return self._edited(message, caption, params.get("reply_markup"))

    async def _api_editmessagemedia(self, params: dict) -> dict:
        message = self._own_message(params)
        media = params.get("media")
        if not isinstance(media, dict) or media.get("type") != "photo" or message.kind != "photo":
            raise ApiError(400, "Bad Request: there is no media in the message to edit")
        value = media.get("media")
        caption = media.get("caption")
        if caption is not None and len(str(caption)) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        if isinstance(value, str) and value.startswith("attach://") and isinstance(params.get(value[9:]), tuple):
            _, filename, data = params[value[9:]]
            stored = self.store_file(data, "photos", _mime("photo", filename), filename or "photo")
            self.uploads.append(stored)
        elif isinstance(value, str) and value in self.files:
            stored = self.files[value]
        else:
            raise ApiError(400, "Bad Request: wrong remote file identifier specified: photo")
        width, height = _image_size(stored.data)
        message.file_id = stored.file_id
        message.text = caption
        message.raw["photo"] = [{"file_id": stored.file_id, "file_unique_id": stored.unique_id, "file_size": len(stored.data), "width": width, "height": height}]
        return self._edited(message, caption, params.get("reply_markup"))

    def _edited(self, message: ChatMessage, caption: str | None, markup: dict | None) -> dict:
        """A media message after an edit: its new caption and buttons."""
        message.text = caption
        message.raw.pop("caption", None)
        if caption is not None:
            message.raw["caption"] = caption
        self._set_markup(message, markup)
        message.edits += 1
        self._notify("edited", message)
        return self.message_json(message)

    async def _api_deletemessage(self, params: dict) -> bool:
        message = self._own_message(params)
        message.deleted = True
        self._notify("deleted", message)
        return True

    async def _api_getfile(self, params: dict) -> dict:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": stored.file_id, "file_unique_id": stored.unique_id, "file_size": len(stored.data), "file_path": stored.path}

    # -- helpers ---------------------------------------------------------------

    def _chat(self, params: dict) -> SimulatedUser:
        try:
            chat_id = int(params.get("chat_id"))
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        user = self.users.get(chat_id)
        if user is None:
            raise ApiError(400, "Bad Request: chat not found")
        if user.blocked_bot:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return user

    def _own_message(self, params: dict) -> ChatMessage:
        user = self._chat(params)
        message = self.messages.get((user.id, int(params.get("message_id") or 0)))
        if message is None or not message.from_bot or message.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _set_markup(self, message: ChatMessage, markup: dict | None) -> None:
        _check_markup(markup)
        message.buttons = _buttons(markup)
        if message.buttons:
            message.raw["reply_markup"] = markup
        else:
            message.raw.pop("reply_markup", None)

    def _send_media(self, params: dict, kind: str) -> dict:
        value = params.get(kind)
        caption = params.get("caption")
        if caption is not None and len(str(caption)) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        if isinstance(value, tuple):
            _, filename, data = value
            if kind == "voice" and not (data[:4] == b"OggS" and b"OpusHead" in data[:64]):
                raise ApiError(400, "Bad Request: a voice message must be OGG encoded with Opus")
            stored = self.store_file(data, kind + "s", _mime(kind, filename), filename or kind)
            self.uploads.append(stored)
        elif isinstance(value, str) and value in self.files:
            stored = self.files[value]
            filename = None
        else:
            raise ApiError(400, f"Bad Request: wrong remote file identifier specified or the file is not uploaded: {kind}")
        described: Any = {"file_id": stored.file_id, "file_unique_id": stored.unique_id, "file_size": len(stored.data)}
        if kind == "photo":
            width, height = _image_size(stored.data)
            described = [dict(described, width=width, height=height)]
        elif kind == "document":
            described.update(file_name=filename or "file", mime_type=stored.mime_type)
        else:
            described.update(duration=int(params.get("duration") or 1), mime_type=stored.mime_type)
        file_name = filename if kind in ("document", "audio") else None
        return self._deliver(params, kind, text=caption, extra={kind: described}, file=stored, file_name=file_name)

    def _deliver(
        self, params: dict, kind: str, text: str | None = None, extra: dict | None = None,
        file: StoredFile | None = None, file_name: str | None = None,
    ) -> dict:
        user = self._chat(params)
        markup = params.get("reply_markup")
        _check_markup(markup)
        message_id = self._new_message_id()
        raw: dict[str, Any] = {"message_id": message_id, "from": self.bot_user, "chat": user.chat_json(), "date": int(time.time())}
        if text is not None:
            raw["caption" if kind != "text" else "text"] = text
        raw.update(extra or {})
        message = ChatMessage(
            user.id, message_id, True, kind=kind, text=text, file_id=file.file_id if file else None,
            file_name=file_name, date=raw["date"], sent_at=time.monotonic(), raw=raw,
        )
        self._set_markup(message, markup)
        self._remember(message)
        self._notify("sent", message)
        return self.message_json(message)


def _check_markup(markup: Any) -> None:
    if not isinstance(markup, dict):
        return
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")


def _buttons(markup: Any) -> list[list[Button]]:
    if not isinstance(markup, dict):
        return []
    return [
        [Button(b.get("text", ""), b.get("callback_data"), b.get("url")) for b in row]
        for row in markup.get("inline_keyboard", [])
    ]


def _mime(kind: str, filename: str | None) -> str:
    if kind == "photo":
        return "image/png"
    if kind == "voice":
        return "audio/ogg"
    if filename and filename.endswith(".json"):
        return "application/json"
    return "application/octet-stream"


def _image_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:  # not an image Pillow knows: Telegram would refuse it
        raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED") from None
