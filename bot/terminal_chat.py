"""`jobbvenn chat`: the real bot, on the built-in local Bot API server, in a terminal.

You type as one of three people (a job specialist, a candidate, a mentor) and
switch between them; the bot's buttons are listed with numbers, and pictures and
files it sends are saved to a folder. No token and no network are needed; data
goes to the same SQLite file as `jobbvenn run` would use.
"""

from __future__ import annotations

import asyncio
import re
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from telegram import Update

from bot import invitations, people
from bot.config import Config
from bot.db import utcnow
from bot.local_bot_api import LOCAL_TOKEN, ChatMessage, LocalBotApi
from bot.runner import start_api, stop_api
from bot.storage import Storage
from bot.telegram_app import build_application, run_in_loop, stop_in_loop

LINK_RE = re.compile(r"https://t\.me/\w+\?start=([\w-]+)")
LATER_RE = re.compile(r"([0-9]{1,4})\s*([mhd])")


@dataclass(frozen=True)
class Persona:
    key: str
    user_id: int
    name: str
    language_code: str
    who: str


PERSONAS = {
    p.key: p
    for p in (
        Persona("sara", 7001, "Sara", "nb", "job specialist"),
        Persona("alina", 7002, "Alina", "fa", "candidate"),
        Persona("ola", 7003, "Ola", "nb", "mentor at the shop"),
    )
}

HELP = """Type a message and press Enter, or a number to tap that button (the buttons of all the bot's
replies since your last line are numbered one after another).
  :as sara | alina | ola   switch person (job specialist, candidate, mentor); shows their latest buttons
  :open                    open the last invitation link the bot showed
  :photo FILE [caption]    send a picture (a mentor shares a workplace word: caption = the word)
  :voice FILE              send a voice message (an .ogg file)
  :later 18h | 90m | 2d    move the reminders' clock forward, to see the reminders that would come by then
  /start CODE              open any invitation code (for example one the sync API made)
  :who                     who you are now
  :help                    this text
  :quit                    leave (Ctrl-D works too)"""


class TerminalChat:
    def __init__(self, server: LocalBotApi, files_dir: Path, out=sys.stdout):
        self.server = server
        self.files_dir = files_dir
        self.out = out
        self.current = PERSONAS["sara"]
        self.buttons: dict[int, tuple[ChatMessage, str]] = {}
        self.last_link: str | None = None
        self._done: dict[int, asyncio.Event] = {}
        self._printed: dict[int, str | None] = {}
        self._new_turn = True
        self.scheduler = None  # set by run_chat: `:later` moves its clock
        self.later = timedelta(0)
        server.listeners.append(self.on_bot_event)

    def print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    # -- what the bot sends --------------------------------------------------------

    def on_bot_event(self, event: str, message: ChatMessage) -> None:
        if event == "deleted":
            return
        if event == "edited":
            if self._printed.get(message.message_id) == message.text:
                return  # only the buttons came off: nothing new to read
        self._printed[message.message_id] = message.text
        person = next((p for p in PERSONAS.values() if p.user_id == message.chat_id), None)
        name = person.name if person else str(message.chat_id)
        heading = f"Jobbvenn → {name}" + (" (changed)" if event == "edited" else "") + ":"
        self.print(heading)
        if message.text:
            for line in message.text.splitlines():
                self.print(f"  {line}")
            found = LINK_RE.findall(message.text)
            if found:
                self.last_link = found[-1]
        if message.file_id:
            path = self.save_file(message)
            self.print(f"  [{message.kind} saved: {path}]")
        if message.buttons and message.chat_id == self.current.user_id:
            if self._new_turn:  # the replies to what the person just did are numbered from 1 on
                self.buttons, self._new_turn = {}, False
            labels = []
            for number, label in enumerate(message.button_texts(), start=len(self.buttons) + 1):
                self.buttons[number] = (message, label)
                labels.append(f"[{number}] {label}")
            self.print("  " + "   ".join(labels))
        self.print()

    def show_buttons(self) -> None:
        """Number the buttons of the current person's latest message that has any."""
        self.buttons = {}
        with_buttons = [m for m in self.server.bot_messages(self.current.user_id) if m.buttons]
        if not with_buttons:
            return
        labels = []
        for number, label in enumerate(with_buttons[-1].button_texts(), start=1):
            self.buttons[number] = (with_buttons[-1], label)
            labels.append(f"[{number}] {label}")
        self.print("  " + "   ".join(labels))

    def save_file(self, message: ChatMessage) -> Path:
        stored = self.server.files[message.file_id]
        self.files_dir.mkdir(parents=True, exist_ok=True)
        if message.kind == "document" and message.file_name:
            name = message.file_name
        else:
            name = f"{message.kind}-{message.message_id}{_suffix(stored.data)}"
        path = self.files_dir / f"{message.message_id}-{Path(name).name}"
        path.write_bytes(stored.data)
        return path

    # -- what the person types ---------------------------------------------------------

    def update_done(self, update: object) -> None:
        if isinstance(update, Update) and update.update_id in self._done:
            self._done[update.update_id].set()

    async def send_and_wait(self, update_id: int) -> None:
        event = self._done.setdefault(update_id, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), timeout=30)
        finally:
            self._done.pop(update_id, None)

    def user(self):
        p = self.current
        return self.server.user(p.user_id, p.name, p.language_code)

    async def handle_line(self, line: str) -> bool:
        """Act on one typed line; False means quit."""
        line = line.strip()
        if not line:
            return True
        self._new_turn = True
        if line in (":quit", ":q", ":exit"):
            return False
        if line == ":help":
            self.print(HELP)
        elif line == ":who":
            self.print(f"You are {self.current.name} ({self.current.who}).")
        elif line.startswith(":as"):
            key = line[3:].strip().lower()
            if key not in PERSONAS:
                self.print(f"Choose one of: {', '.join(PERSONAS)}")
            else:
                self.current = PERSONAS[key]
                self.print(f"You are now {self.current.name} ({self.current.who}).")
                self.show_buttons()
        elif line == ":open":
            if self.last_link is None:
                self.print("No invitation link yet.")
            else:
                self.print(f"{self.current.name} opens the link.")
                await self.send_and_wait(self.user().send_text(f"/start {self.last_link}"))
        elif line.isdigit() and int(line) in self.buttons:
            message, label = self.buttons[int(line)]
            try:
                update_id = self.user().press(message, label)
            except LookupError:  # the bot took that button away since (answered, or old)
                self.print("(That button is gone. Type a number from the latest buttons.)")
                self.show_buttons()
                return True
            self.print(f"{self.current.name} taps: {label}")
            await self.send_and_wait(update_id)
        elif line.startswith((":photo ", ":voice ")):
            command, _, rest = line.partition(" ")
            name, _, caption = rest.strip().partition(" ")
            path = Path(name).expanduser()
            if not path.is_file():
                self.print(f"No file {name!r}.")
                return True
            data = path.read_bytes()
            self.print(f"{self.current.name} sends {path.name}" + (f" with the caption {caption!r}" if caption else ""))
            update_id = self.user().send_photo(data, caption or None) if command == ":photo" else self.user().send_voice(data)
            await self.send_and_wait(update_id)
        elif line.startswith(":later"):
            await self.move_clock(line[len(":later"):].strip())
        elif line.startswith(":"):
            self.print(f"Unknown chat command {line.split()[0]!r}. :help lists them.")
        else:
            await self.send_and_wait(self.user().send_text(line))
        return True


    async def move_clock(self, amount: str) -> None:
        """Only the scheduler's clock moves: what the bot says in chats keeps the real time."""
        found = LATER_RE.fullmatch(amount)
        if found is None or self.scheduler is None:
            self.print("Write how much later, like :later 90m, :later 18h or :later 2d.")
            return
        unit = {"m": "minutes", "h": "hours", "d": "days"}[found[2]]
        self.later += timedelta(**{unit: int(found[1])})
        self.scheduler.clock = lambda: utcnow() + self.later
        moment = self.scheduler.clock().astimezone(self.scheduler.timezone)
        self.print(f"(The reminders' clock is now {moment:%a %d %b %H:%M}.)")
        self.scheduler.wake()
        await asyncio.sleep(1.5)  # let what is due go out before the next prompt


def _suffix(data: bytes) -> str:
    for magic, suffix in ((b"\x89PNG", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"OggS", ".ogg"), (b"RIFF", ".webp")):
        if data.startswith(magic):
            return suffix
    return ".bin"


async def _ensure_demo_specialist(storage: Storage) -> str | None:
    """On a database without Sara, make a specialist invitation for her to open."""
    sara = PERSONAS["sara"]
    if await storage.run(people.get_user, sara.user_id) is not None:
        return None
    return await storage.run(invitations.create, "specialist")


async def run_chat(config: Config, files_dir: str | Path = "jobbvenn-chat-files", stdin=None, out=sys.stdout) -> int:
    stdin = stdin or sys.stdin
    server = LocalBotApi()
    await server.start()
    chat_config = Config(
        token=LOCAL_TOKEN,
        base_url=server.base_url,
        base_file_url=server.base_file_url,
        db_path=config.db_path,
        http_host=config.http_host,
        http_port=config.http_port,
        timezone=config.timezone,
        remember_bot_username=False,
    )
    storage = Storage(config.db_path)
    chat = TerminalChat(server, Path(files_dir), out)
    for persona in PERSONAS.values():  # they have chats with the bot from the start, as on Telegram
        server.user(persona.user_id, persona.name, persona.language_code)
    application = build_application(chat_config, storage, on_update_done=chat.update_done)
    chat.scheduler = application.bot_data["deliverer"]
    await run_in_loop(application, poll_timeout=5)
    chat.print(f"Jobbvenn, local chat: the real bot on a built-in Bot API server (data in {config.db_path}).")
    api = None
    try:
        api = await start_api(application, config.http_host, config.http_port)
        port = api[0].servers[0].sockets[0].getsockname()[1]
        chat.print(f"The sync API answers on http://{config.http_host}:{port} (see the README's walk-through).")
    except (OSError, SystemExit):
        chat.print(f"(The sync API is off: {config.http_host}:{config.http_port} is taken. Set JOBBVENN_HTTP to use another port.)")
    chat.print(HELP)
    chat.print()
    interactive = stdin.isatty()
    try:
        code = await _ensure_demo_specialist(storage)
        if code:
            chat.print("Sara, a job specialist, opens her invitation link:")
            await chat.send_and_wait(chat.user().send_text(f"/start {code}"))
        else:
            chat.print(f"Welcome back. You are {chat.current.name} ({chat.current.who}).")
            await chat.send_and_wait(chat.user().send_text("/menu"))
        while True:
            if interactive:
                print(f"{chat.current.name}> ", end="", file=out, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            if not interactive:
                chat.print(f"{chat.current.name}> {line.rstrip()}")
            if not await chat.handle_line(line):
                break
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    finally:
        if api is not None:
            await stop_api(*api)
        await stop_in_loop(application)
        await server.stop()
    chat.print("Bye.")
    return 0
