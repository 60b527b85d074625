"""Builds the python-telegram-bot Application: settings, handlers, start-up work.

The handlers themselves live in bot/handlers/; this module only wires them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import db, inbox, languages
from bot.config import Config
from bot.delivery import Scheduler
from bot.handlers import (
    absence,
    admin,
    candidate,
    common,
    fallback,
    interests,
    mentor,
    mentor_words,
    onboarding,
    plan,
    plan_builder,
    privacy,
    reminders,
    rules,
    specialist,
    word_lists,
    words,
)
from bot.i18n import N_, translator
from bot.storage import Storage
from bot.translation import MachineTranslation

log = logging.getLogger(__name__)

#: The commands shown in Telegram's menu, in every language.
COMMANDS = (
    ("menu", N_("Main menu")),
    ("language", N_("Change language")),
    ("privacy", N_("Who sees what")),
    ("mydata", N_("See my data")),
    ("delete", N_("Delete my data")),
    ("help", N_("Help")),
)


class JobbvennBot(ExtBot):
    """python-telegram-bot's bot, with two changes.

    - Each batch from getUpdates is kept in the inbox (bot/inbox.py) before it is returned.
      python-telegram-bot confirms a batch to Telegram by asking for the next offset, which it
      does only after this returns; so an update is either still at Telegram or safe in the
      database, never only in memory. If the database cannot take the batch, the error goes to
      the Updater, which asks for the same offset again: the batch stays at Telegram.
    - A tap that can no longer be answered (Telegram allows about 15 seconds, and one answer)
      does not stop its handler: the answer only ends the spinner on the phone, and the work
      the tap asked for still matters. This happens to taps queued while the bot was down, and
      to a tap handled again after a crash.
    """

    __slots__ = ("_inbox_storage", "_receiver", "_repeats")  # (python-telegram-bot freezes a bot's public attributes)

    def __init__(self, *args: Any, storage: Storage, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._inbox_storage = storage
        self._receiver = inbox.receiver_id()
        self._repeats: set[int] = set()

    @property
    def inbox_storage(self) -> Storage:
        return self._inbox_storage

    @property
    def repeats(self) -> set[int]:
        """Ids Telegram sent again after they were kept: they are handled, or being handled, already."""
        return self._repeats

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        updates = await super().get_updates(*args, **kwargs)
        if updates:
            batch = [(update.update_id, update.to_json()) for update in updates]
            self._repeats |= await self._inbox_storage.run(inbox.receive, batch, self._receiver, db.utcnow())
        return updates

    async def answer_callback_query(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return await super().answer_callback_query(*args, **kwargs)
        except BadRequest as error:
            said = error.message.lower()
            if "query is too old" not in said and "query id is invalid" not in said:
                raise
            log.info("a tap was answered too late to show (%s); handling it anyway", error.message)
            return False

    async def take_over_unfinished(self) -> list[Update]:
        """Updates a process that is gone kept but did not finish: they are handled now."""
        rows = await self._inbox_storage.run(inbox.take_over, self._receiver, db.utcnow())
        return [Update.de_json(json.loads(body), self) for _, body in rows]


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Handles many chats at once, but one update at a time per chat, in order.

    With a `JobbvennBot`, a repeat from Telegram is skipped, and each update is marked
    finished in the inbox once its handlers are done. `on_done(update)` is called after
    each update, handled or failed; the local chat and the tests use it to know when the
    bot has finished answering.
    """

    def __init__(
        self, max_concurrent_updates: int = 64, on_done: Callable[[object], Any] | None = None,
        bot: JobbvennBot | None = None,
    ):
        super().__init__(max_concurrent_updates)
        # chat id -> (its lock, how many updates hold or wait for it)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self.on_done = on_done
        self.bot = bot

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        update_id = update.update_id if isinstance(update, Update) and self.bot is not None else None
        if update_id is not None and update_id in self.bot.repeats:
            self.bot.repeats.discard(update_id)
            coroutine.close()  # handled already, or being handled: Telegram only sent it again
            return
        chat = update.effective_chat if isinstance(update, Update) else None
        key = chat.id if chat else 0
        lock, users = self._locks.get(key, (None, 0))
        lock = lock or asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                try:
                    await coroutine
                finally:  # still holding the chat: its next update starts only once this one is noted
                    if update_id is not None:
                        await self._finish(update_id)
        finally:
            _, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
            if self.on_done is not None:
                self.on_done(update)

    async def _finish(self, update_id: int) -> None:
        try:
            await self.bot.inbox_storage.run(inbox.finish, update_id, db.utcnow())
        except Exception:  # it stays unfinished, and is handled again after a restart
            log.warning("could not mark update %s finished in the inbox", update_id, exc_info=True)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def build_application(
    config: Config,
    storage: Storage | None = None,
    on_update_done: Callable[[object], Any] | None = None,
    rate_limit: bool = True,
) -> Application:
    """The bot, ready for `run_polling()` or for manual start in tests and the local chat.
    `rate_limit=False` drops python-telegram-bot's limiter (Telegram's 30 messages a second):
    only the benchmarks do that, to measure Jobbvenn's own cost."""
    if config.token is None:
        raise ValueError("a bot token is needed to build the application")
    storage = storage or Storage(config.db_path)
    bot = JobbvennBot(  # the connection pools python-telegram-bot's ApplicationBuilder would give
        config.token, base_url=config.base_url, base_file_url=config.base_file_url, storage=storage,
        request=HTTPXRequest(connection_pool_size=256), get_updates_request=HTTPXRequest(connection_pool_size=1),
        rate_limiter=AIORateLimiter(max_retries=3) if rate_limit else None,
    )
    application = (
        ApplicationBuilder()
        .bot(bot)
        .concurrent_updates(PerChatUpdateProcessor(on_done=on_update_done, bot=bot))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["storage"] = storage
    application.bot_data["config"] = config
    application.bot_data["deliverer"] = Scheduler(application)
    application.bot_data["translation"] = MachineTranslation(storage, config.translation_dir or config.db_path.parent / "argos-packages")
    add_handlers(application)
    return application


async def private_chats_only(update: object, context) -> None:
    """Jobbvenn talks one to one. In a group or channel a reply could show one person's data
    to others, so such updates go no further."""
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is None or chat.type != ChatType.PRIVATE:
        raise ApplicationHandlerStop


def add_handlers(application: Application) -> None:
    application.add_handler(TypeHandler(object, private_chats_only), group=-1)
    add = application.add_handler
    # Edited messages first: every other handler would otherwise see them as new.
    add(MessageHandler(filters.UpdateType.EDITED, fallback.edited_message))

    add(CommandHandler("start", onboarding.start))
    add(CommandHandler("language", onboarding.language_command))
    add(CommandHandler(["menu", "meny"], common.menu_command))
    add(CommandHandler("help", common.help_command))
    add(CommandHandler("privacy", privacy.privacy_command))
    add(CommandHandler("mydata", privacy.mydata_command))
    add(CommandHandler("delete", privacy.delete_command))

    add(CallbackQueryHandler(onboarding.language_chosen, pattern=r"^lang:"))
    add(CallbackQueryHandler(onboarding.consent_answered, pattern=r"^consent:"))
    add(CallbackQueryHandler(privacy.privacy_button, pattern=r"^privacy:"))
    add(CallbackQueryHandler(privacy.delete_button, pattern=r"^delete:"))
    add(CallbackQueryHandler(common.menu_button, pattern=r"^menu:"))
    add(CallbackQueryHandler(candidate.candidate_button, pattern=r"^cand-menu:"))
    add(CallbackQueryHandler(specialist.specialist_button, pattern=r"^spec:"))
    add(CallbackQueryHandler(mentor.mentor_button, pattern=r"^mentor:"))
    add(CallbackQueryHandler(admin.admin_button, pattern=r"^admin:"))
    add(CallbackQueryHandler(plan.plan_button, pattern=r"^plan:"))
    add(CallbackQueryHandler(interests.interests_button, pattern=r"^int:"))
    add(CallbackQueryHandler(words.words_button, pattern=r"^voc:"))
    add(CallbackQueryHandler(absence.absence_button, pattern=r"^abs:"))
    add(CallbackQueryHandler(reminders.reminders_button, pattern=r"^rem:"))
    add(CallbackQueryHandler(plan_builder.plan_builder_button, pattern=r"^pb:"))
    add(CallbackQueryHandler(rules.rules_button, pattern=r"^wr:"))
    add(CallbackQueryHandler(rules.workplace_rule_button, pattern=r"^wp:"))
    add(CallbackQueryHandler(mentor_words.mentor_words_button, pattern=r"^mw:"))
    add(CallbackQueryHandler(word_lists.word_lists_button, pattern=r"^wl:"))
    add(CallbackQueryHandler(fallback.stale_button))

    add(MessageHandler(filters.TEXT & ~filters.COMMAND, fallback.free_text))
    add(MessageHandler(filters.COMMAND, fallback.unknown_command))
    add(MessageHandler(filters.Sticker.ALL, fallback.sticker))
    add(MessageHandler(filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE, fallback.voice))
    add(MessageHandler(filters.ALL, fallback.other_message))

    application.add_error_handler(fallback.error_handler)


async def run_in_loop(application: Application, poll_timeout: int = 10) -> None:
    """Start polling inside an event loop that someone else runs: `jobbvenn run` (bot/runner.py),
    the local chat and the tests all start the bot this way."""
    await application.initialize()
    await _post_init(application)
    await application.start()
    if isinstance(application.bot, JobbvennBot):  # before polling, so they come before anything newer
        for update in await application.bot.take_over_unfinished():
            await application.update_queue.put(update)
    await application.updater.start_polling(
        poll_interval=0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES, error_callback=_polling_failed,
    )
    application.bot_data["warm_up"] = asyncio.create_task(_warm_up(application), name="jobbvenn-warm-up")


def _polling_failed(error: Exception) -> None:
    """getUpdates failed (Telegram answered 5xx, the connection broke): python-telegram-bot asks
    again after a pause that grows, with the same offset, so nothing is lost. One line, not a traceback."""
    log.warning("getUpdates failed (%s: %s); asking again", type(error).__name__, error)


async def stop_in_loop(application: Application) -> None:
    warm_up = application.bot_data.pop("warm_up", None)
    if warm_up is not None and not warm_up.done():
        warm_up.cancel()  # Telegram may be slow to take the command menu: no reason to wait at a stop
        with contextlib.suppress(asyncio.CancelledError):
            await warm_up
    if application.updater.running:
        await application.updater.stop()
    await application.bot_data["deliverer"].stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    await _post_shutdown(application)


def load_content() -> None:
    """Read the content files and tables the handlers use (cached for the process), so
    the first candidate after a start does not wait on file reads in the event loop."""
    from bot import absence, agenda, work_rules
    from bot.interests.cards import deck
    from bot.vocabulary.decks import word_by_id

    deck()
    word_by_id()  # and the nine word decks behind it
    absence.sentences()
    absence.all_rules()
    for lang in languages.all_languages():  # the rules of working life, and their search index
        work_rules.rules() and work_rules._index(lang.code)
    agenda.norway_holidays(date.today(), date.today())  # the holidays package loads its country lazily


async def _post_init(application: Application) -> None:
    """What must be done before the first update is fetched."""
    application.bot_data["deliverer"].start()
    storage: Storage = application.bot_data["storage"]
    if application.bot_data["config"].remember_bot_username:
        await storage.run(db.set_meta, "bot_username", application.bot.username)
    log.info("Jobbvenn is running as @%s", application.bot.username)


async def _warm_up(application: Application) -> None:
    """Once polling runs: read the content (so later replies need not), and give Telegram the
    command menu in every language. Neither needs to hold up the first update: content is
    read on first use anyway, and the command menu is already there from the last start."""
    try:
        await asyncio.to_thread(load_content)
        await set_commands(application)
    except Exception:  # content is then read on first use; the command menu stays as Telegram has it
        log.warning("the work after start-up did not finish", exc_info=True)


async def _post_shutdown(application: Application) -> None:
    await application.bot_data["deliverer"].stop()
    application.bot_data["translation"].close()
    application.bot_data["storage"].close()


async def set_commands(application: Application) -> None:
    """Command descriptions in every language Telegram lets us name (two-letter codes)."""
    base = translator(languages.base_language())
    await application.bot.set_my_commands([BotCommand(c, base(d)) for c, d in COMMANDS])
    for lang in languages.all_languages():
        t = translator(lang.code)
        for code in lang.telegram:
            if len(code) == 2:
                await application.bot.set_my_commands([BotCommand(c, t(d)) for c, d in COMMANDS], language_code=code)
