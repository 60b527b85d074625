"""The job specialist sends a word list to one or more candidates from the bot: choose the
candidates, name the list, write the words (one per line, `norsk = translation` if they
like). The same operation as the HTTP API's POST /v1/word-lists (bot.wordlists)."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import languages, people, wordlists
from bot.handlers.common import (
    Context,
    Who,
    button,
    home_button,
    require_role,
    rows,
    send,
    send_menu,
    stale_button_reply,
    storage,
)
from bot.i18n import N_

MAX_TITLE = 60
MAX_WORDS = 100
MAX_WORD = 80
NUMBER = re.compile(r"[0-9]{1,9}")


def parse_words(text: str) -> list[tuple[str, str | None]] | None:
    """One word per line, `word = translation` optional; None if a line is too long or there are too many."""
    found: dict[str, tuple[str, str | None]] = {}
    for line in text.splitlines():
        norwegian, _, own = (" ".join(part.split()) for part in line.partition("="))
        if not norwegian:
            continue
        if len(norwegian) > MAX_WORD or len(own) > MAX_WORD:
            return None
        found.setdefault(norwegian.casefold(), (norwegian, own or None))
    return list(found.values()) if 0 < len(found) <= MAX_WORDS else None


def _joined(db, specialist_id: int) -> list[people.Candidate]:
    return [c for c in people.caseload(db, specialist_id) if c.status == "joined"]


async def choose_candidates(update: Update, context: Context, w: Who, chosen: list[int], edit: bool = False) -> None:
    """The caseload as ⬜/✅ buttons; a tap changes the same message."""
    candidates = await storage(context).run(_joined, w.user.id)
    if not candidates:
        await send_menu(update, context, w, w.t("👥 No candidates have joined yet."))
        return
    await storage(context).run(people.set_pending, w.user.id, "wordlist_pick", {"chosen": chosen})
    buttons = [InlineKeyboardButton(("✅ " if c.id in chosen else "⬜ ") + c.label, callback_data=f"wl:t:{c.id}")
               for c in candidates[:30]]
    markup = InlineKeyboardMarkup(rows([*buttons, button(w.t, "wl:next", "➡️", N_("Next")), home_button(w.t)], 1))
    if edit:
        try:
            await update.callback_query.edit_message_reply_markup(markup)
            return
        except TelegramError:
            pass  # too old to edit: send it anew
    await send(update, context, w.t("📚 Who gets the words? Tap the candidates, then Next."), markup)


async def text_written(update: Update, context: Context, w: Who, text: str) -> None:
    data = w.user.pending_data or {}
    keep = InlineKeyboardMarkup([[home_button(w.t)]])
    if w.user.pending_input == "wordlist_title":
        title = " ".join(text.split())
        if not title or len(title) > MAX_TITLE:
            await send(update, context, w.t("✍️ Please write a short name (up to 60 letters)."), keep)
            return
        await storage(context).run(people.set_pending, w.user.id, "wordlist_words", {**data, "title": title})
        await send(update, context, w.t("✍️ Write the words, one on each line. Add a translation after = if you like, for example:\nei bøtte = bucket"), keep)
        return
    words = parse_words(text)
    if words is None:
        await send(update, context, w.t("✍️ Please write 1 to 100 words, one on each line, each short."), keep)
        return
    data = {**data, "words": words}
    if any(own for _, own in words):
        await storage(context).run(people.set_pending, w.user.id, "wordlist_language", data)
        buttons = [InlineKeyboardButton(lang.native, callback_data=f"wl:lang:{lang.code}")
                   for lang in languages.all_languages() if lang.code != languages.base_language()]
        await send(update, context, w.t("🌐 Which language are the translations in?"), InlineKeyboardMarkup(rows(buttons, 2)))
        return
    await _create(update, context, w, data, None)


async def _create(update: Update, context: Context, w: Who, data: dict, language: str | None) -> None:
    words = [wordlists.Word(norwegian, None, {language: own} if own and language else {}) for norwegian, own in data["words"]]

    def create(db):
        allowed = {c.id for c in _joined(db, w.user.id)}
        chosen = [cid for cid in data.get("chosen", []) if cid in allowed]
        if not chosen:
            return None
        people.set_pending(db, w.user.id, None)
        return wordlists.create(db, w.user.organisation_id, data["title"], words, chosen, f"specialist:{w.user.id}")

    made = await storage(context).run(create)
    if made is None:
        await stale_button_reply(update, context, w)
        return
    context.application.bot_data["deliverer"].wake()
    await send_menu(update, context, w, w.t("📚 Sent: {title}. Words: {words}. Candidates: {candidates}.",
                                            title=w.t.isolate(made.title), words=len(made.words), candidates=len(made.candidate_ids)))


async def word_lists_button(update: Update, context: Context) -> None:
    w = await require_role(update, context, "specialist")
    if w is None:
        return
    parts = update.callback_query.data.split(":")
    action, args = parts[1], parts[2:]
    data = w.user.pending_data or {}
    if action == "new":
        await choose_candidates(update, context, w, [])
    elif action == "t" and len(args) == 1 and NUMBER.fullmatch(args[0]) and w.user.pending_input == "wordlist_pick":
        chosen = list(data.get("chosen", []))
        cid = int(args[0])
        chosen = [c for c in chosen if c != cid] if cid in chosen else [*chosen, cid]
        await choose_candidates(update, context, w, chosen, edit=True)
    elif action == "next" and w.user.pending_input == "wordlist_pick":
        if not data.get("chosen"):
            await choose_candidates(update, context, w, [])
            return
        await storage(context).run(people.set_pending, w.user.id, "wordlist_title", data)
        await send(update, context, w.t("✍️ Write a name for the list, for example: Kitchen, week 1."), InlineKeyboardMarkup([[home_button(w.t)]]))
    elif action == "lang" and len(args) == 1 and languages.is_supported(args[0]) and w.user.pending_input == "wordlist_language":
        await _create(update, context, w, data, args[0])
    else:
        await stale_button_reply(update, context, w)
