"""Drives the real Jobbvenn application through the local Bot API server, as users would.

`BotHarness.say()` and `.press()` queue an update, wait until the application has
finished handling it, and return the bot's new (or edited) messages in that chat.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import Update

from bot.config import Config
from bot.local_bot_api import LOCAL_TOKEN, ChatMessage, LocalBotApi, SimulatedUser
from bot.storage import Storage
from bot.telegram_app import build_application, run_in_loop, stop_in_loop

LINK_PREFIX = "https://t.me/jobbvenn_local_bot?start="


class BotHarness:
    def __init__(self, db_path: Path, translation_dir: Path | None = None):
        self.db_path = db_path
        self.translation_dir = translation_dir or db_path.parent / "argos-packages"
        self.server = LocalBotApi()
        self.rate_limit = True  # python-telegram-bot's limiter (30 a second); a load test turns it off
        self._done: dict[int, asyncio.Event] = {}
        self.handled: Counter[int] = Counter()  # update id -> times the application finished it
        self.poll_timeout = 5
        self._changed: list[ChatMessage] = []
        self.server.listeners.append(lambda event, message: self._changed.append(message))

    async def start(self) -> None:
        await self.server.start()
        self.config = Config(
            token=LOCAL_TOKEN,
            base_url=self.server.base_url,
            base_file_url=self.server.base_file_url,
            db_path=self.db_path,
            http_host="127.0.0.1",
            http_port=0,
            timezone=ZoneInfo("Europe/Oslo"),
            translation_dir=self.translation_dir,
        )
        self.storage = Storage(self.db_path)
        self.app = build_application(self.config, self.storage, on_update_done=self._update_done, rate_limit=self.rate_limit)
        await run_in_loop(self.app, poll_timeout=self.poll_timeout)

    async def stop(self) -> None:
        await stop_in_loop(self.app)
        await self.server.stop()

    async def restart_bot(self) -> None:
        """Stop Jobbvenn and start it again on the same database; Telegram (the local
        server, with every chat) stays up, as it would."""
        await stop_in_loop(self.app)
        self.storage = Storage(self.db_path)
        self.app = build_application(self.config, self.storage, on_update_done=self._update_done, rate_limit=self.rate_limit)
        await run_in_loop(self.app, poll_timeout=self.poll_timeout)

    def _update_done(self, update: object) -> None:
        if isinstance(update, Update):
            self.handled[update.update_id] += 1
            self._done.setdefault(update.update_id, asyncio.Event()).set()

    async def wait_handled(self, update_id: int, timeout: float = 10) -> None:
        event = self._done.setdefault(update_id, asyncio.Event())
        await asyncio.wait_for(event.wait(), timeout)

    def user(self, user_id: int, first_name: str = "Test", language_code: str | None = "en") -> SimulatedUser:
        return self.server.user(user_id, first_name, language_code)

    async def _act(self, user: SimulatedUser, update_id: int) -> list[ChatMessage]:
        start = len(self._changed)
        await self.wait_handled(update_id)
        seen: dict[int, ChatMessage] = {}
        for message in self._changed[start:]:
            if message.chat_id == user.id:
                seen[message.message_id] = message
        return list(seen.values())

    async def say(self, user: SimulatedUser, text: str) -> list[ChatMessage]:
        return await self._act(user, user.send_text(text))

    async def press(self, user: SimulatedUser, label: str, message: ChatMessage | None = None) -> list[ChatMessage]:
        message = message or self.last_with_buttons(user)
        return await self._act(user, user.press(message, label))

    async def send(self, user: SimulatedUser, update_id: int) -> list[ChatMessage]:
        """Wait for any update the test queued itself (sticker, photo, forged button...)."""
        return await self._act(user, update_id)

    async def wait_for_message(
        self, user: SimulatedUser, predicate=lambda m: True, timeout: float = 10, include_existing: bool = False
    ) -> ChatMessage:
        """A bot message to this user that arrives without the user doing anything (outbox,
        reminders); with `include_existing`, one that may have come already counts too."""
        deadline = asyncio.get_running_loop().time() + timeout
        seen = set() if include_existing else {m.message_id for m in self.server.bot_messages(user.id)}
        while asyncio.get_running_loop().time() < deadline:
            for message in self.server.bot_messages(user.id):
                if message.message_id not in seen and predicate(message):
                    return message
            await asyncio.sleep(0.01)
        raise TimeoutError(f"no new message for user {user.id}")

    def last(self, user: SimulatedUser) -> ChatMessage:
        return self.server.bot_messages(user.id)[-1]

    def last_with_buttons(self, user: SimulatedUser) -> ChatMessage:
        return [m for m in self.server.bot_messages(user.id) if m.buttons][-1]

    # -- whole journeys, used by many tests -------------------------------------------

    async def onboard_specialist(self, user_id: int = 100, name: str = "Sara", language: str = "Norsk (bokmål)") -> SimulatedUser:
        from bot import invitations

        code = await self.storage.run(invitations.create, "specialist")
        sara = self.user(user_id, name, "nb")
        await self.say(sara, f"/start {code}")
        await self.press(sara, language)
        return sara

    async def invite_candidate(self, specialist: SimulatedUser, label: str, hint_label: str) -> str:
        """The specialist makes an invitation in the bot; returns the code from the deep link."""
        await self.press(specialist, "New candidate" if specialist.language_code == "en" else "➕")
        await self.say(specialist, label)
        replies = await self.press(specialist, hint_label)
        link_message = next(m for m in replies if m.text and LINK_PREFIX in m.text)
        return link_message.text.split(LINK_PREFIX, 1)[1].split()[0]

    async def join_candidate(
        self, specialist: SimulatedUser, label: str, user_id: int, name: str, language_code: str,
        language_label: str, answers: tuple[str, str] = ("yes", "yes"),
    ) -> SimulatedUser:
        """The specialist invites; the candidate opens the link, picks the language and answers
        the two consent questions (specialist, mentor)."""
        from bot import people
        from bot.i18n import translator

        code = await self.invite_candidate(specialist, label, language_label)
        candidate = self.user(user_id, name, language_code)
        await self.say(candidate, f"/start {code}")
        await self.press(candidate, language_label)
        t = translator((await self.storage.run(people.get_user, user_id)).language)
        for answer in answers:
            await self.press(candidate, t("Yes, OK") if answer == "yes" else t("No"))
        return candidate

    async def mentor_code(self, candidate: SimulatedUser) -> str:
        """The candidate makes a mentor invitation from Help; returns its code."""
        from bot import people
        from bot.i18n import translator

        t = translator((await self.storage.run(people.get_user, candidate.id)).language)
        await self.say(candidate, "/help")
        replies = await self.press(candidate, t("Invite my mentor"))
        return next(m for m in replies if m.text and LINK_PREFIX in m.text).text.split(LINK_PREFIX)[1].split()[0]

    async def join_mentor(self, candidate: SimulatedUser, user_id: int = 500, name: str = "Per") -> SimulatedUser:
        """The candidate invites a mentor, who opens the link and reads Norwegian."""
        code = await self.mentor_code(candidate)
        mentor = self.user(user_id, name, "nb")
        await self.say(mentor, f"/start {code}")
        await self.press(mentor, "Norsk (bokmål)")
        return mentor

    async def join_via_api(
        self, api, case_id: str, user_id: int, name: str, language_code: str, language_label: str,
        answers: tuple[str, str] = ("yes", "yes"), language_hint: str | None = None,
    ) -> tuple[dict, SimulatedUser]:
        """The case system creates the candidate through the API; the candidate opens the link,
        picks the language and answers the two consent questions. Returns (API answer, user)."""
        from bot import people
        from bot.i18n import translator

        body = {"case_id": case_id, "name": name} | ({"language_hint": language_hint} if language_hint else {})
        created = (await api.post("/v1/candidates", json=body)).json()
        user = self.user(user_id, name, language_code)
        await self.say(user, "/start " + created["invitation"]["link"].split("start=")[1])
        await self.press(user, language_label)
        t = translator((await self.storage.run(people.get_user, user_id)).language)
        for answer in answers:
            await self.press(user, t("Yes, OK") if answer == "yes" else t("No"))
        return created, user
