"""Everything the bot did not ask for: free text, stickers, files, voice, edits, unknown
commands, old or forged buttons, and errors. Each gets a short, kind answer in the
user's language and the menu; never a traceback."""

from __future__ import annotations

import importlib
import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot import people
from bot.handlers.common import Context, send_menu, stale_button_reply, storage, who
from bot.work_rules import is_question

log = logging.getLogger(__name__)


#: What typed text means while the bot waits for it: the user's pending input -> (the roles
#: it can belong to, the handler "module:function" that takes the text).
WRITTEN = {
    "candidate_label": (("specialist",), "bot.handlers.specialist:label_written"),
    "manual_translation": (("specialist",), "bot.handlers.specialist:translation_written"),
    "question_answer": (("specialist",), "bot.handlers.specialist:question_answer_written"),
    "wordlist_title": (("specialist",), "bot.handlers.word_lists:text_written"),
    "wordlist_words": (("specialist",), "bot.handlers.word_lists:text_written"),
    "mentor_word": (("mentor",), "bot.handlers.mentor_words:text_written"),
    "mentor_word_caption": (("mentor",), "bot.handlers.mentor_words:text_written"),
    "mentor_word_fix": (("mentor",), "bot.handlers.mentor_words:text_written"),
    "workplace_rule": (("mentor", "specialist"), "bot.handlers.rules:workplace_rule_written"),
    "plan_draft": (("specialist", "mentor", "candidate"), "bot.handlers.plan_builder:text_written"),
    "own_reminder": (("candidate",), "bot.handlers.reminders:own_text_written"),
    "vocab_typing": (("candidate",), "bot.handlers.words:typed"),
}


async def free_text(update: Update, context: Context) -> None:
    w = await who(update, context)
    text = update.effective_message.text
    pending = w.user.pending_input if w.user is not None else None
    roles, target = WRITTEN.get(pending, ((), None))
    if target and w.user.role in roles:
        module, function = target.split(":")
        await getattr(importlib.import_module(module), function)(update, context, w, text)
        return
    if w.user is not None and w.user.role == "candidate" and w.user.onboarded and pending in (None, "rule_question") \
            and is_question(text):
        from bot.handlers.rules import question_typed

        await question_typed(update, context, w, text)  # a question about work
        return
    await send_menu(update, context, w, w.t("🙂 I understand buttons best. Please tap a button."))


async def unknown_command(update: Update, context: Context) -> None:
    w = await who(update, context)
    await send_menu(update, context, w, w.t("🤔 I do not know that command. Please tap a button."))


async def sticker(update: Update, context: Context) -> None:
    w = await who(update, context)
    await send_menu(update, context, w, w.t("🙂 Nice sticker! Please tap a button."))


async def voice(update: Update, context: Context) -> None:
    from bot.handlers.mentor_words import voice_received

    if await voice_received(update, context):
        return
    w = await who(update, context)
    await send_menu(update, context, w, w.t("🎤 I cannot listen to voice messages here yet. Please tap a button."))


async def other_message(update: Update, context: Context) -> None:
    if update.effective_user is None or update.effective_chat is None or update.effective_chat.type != "private":
        return  # channel posts, group service messages: not for us
    from bot.handlers.mentor_words import media_received

    if (update.effective_message.photo or update.effective_message.document) and await media_received(update, context):
        return
    w = await who(update, context)
    await send_menu(update, context, w, w.t("📎 I cannot use this here. Please tap a button."))


async def edited_message(update: Update, context: Context) -> None:
    w = await who(update, context)
    await send_menu(update, context, w, w.t("✏️ I only read new messages, not changed ones. Please send it again, or tap a button."))


async def stale_button(update: Update, context: Context) -> None:
    """A button that matches no handler: from an older version, or forged."""
    await update.callback_query.answer()
    await stale_button_reply(update, context, await who(update, context))


async def error_handler(update: object, context: Context) -> None:
    """Log the error with its context; tell the user something went wrong, with the menu."""
    user_id = update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, Forbidden) and user_id is not None:
        log.info("user %s blocked the bot; marked unreachable", user_id)
        await storage(context).run(people.set_reachable, user_id, False)
        return
    log.error("error while handling update %s from user %s", update_id, user_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
    except TelegramError:
        pass
    try:
        w = await who(update, context)
        await send_menu(update, context, w, w.t("😕 Sorry, something went wrong. Please try again."))
    except Exception:  # the database or Telegram itself is failing: logging is all we can do
        log.exception("could not tell user %s about the error", user_id)
