"""What every handler needs: who is writing, in which language, and the menus."""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import languages, people
from bot.config import Config
from bot.i18n import N_, Translator, translator
from bot.storage import Storage

Context = ContextTypes.DEFAULT_TYPE

#: Main menu per role: (callback data, icon, label). One or two words each.
MENUS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "candidate": (
        ("cand-menu:interests", "🎯", N_("Interests")),
        ("cand-menu:words", "📚", N_("Words")),
        ("cand-menu:plan", "📅", N_("My plan")),
        ("cand-menu:absence", "🤒", N_("I can't come")),
        ("cand-menu:rules", "🧭", N_("Work rules")),
        ("menu:help", "❓", N_("Help")),
    ),
    "specialist": (
        ("spec:new", "➕", N_("New candidate")),
        ("spec:caseload", "👥", N_("My candidates")),
        ("wl:new", "📚", N_("Send words")),
        ("menu:help", "❓", N_("Help")),
    ),
    "mentor": (
        ("mentor:share_word", "📷", N_("Share a word")),
        ("mentor:my_words", "📋", N_("My words")),
        ("mentor:shift", "🕘", N_("Add a shift")),
        ("wp:choose", "📌", N_("Workplace rule")),
        ("mentor:mentees", "👥", N_("My candidates")),
        ("menu:help", "❓", N_("Help")),
    ),
    "admin": (
        ("admin:new_specialist", "➕", N_("New job specialist")),
        ("menu:help", "❓", N_("Help")),
    ),
}


@dataclass
class Who:
    """The person behind an update: their stored record (None if unknown) and their language."""

    telegram_id: int
    first_name: str | None
    user: people.User | None
    t: Translator


def storage(context: Context) -> Storage:
    return context.application.bot_data["storage"]


def config(context: Context) -> Config:
    return context.application.bot_data["config"]


def guess_language(update: Update) -> str:
    tg_user = update.effective_user
    return languages.from_telegram(tg_user.language_code if tg_user else None) or languages.base_language()


async def who(update: Update, context: Context) -> Who:
    tg_user = update.effective_user
    user = await storage(context).run(people.get_user, tg_user.id)
    if user is not None and not user.reachable:  # they write again: they unblocked the bot
        await storage(context).run(people.set_reachable, user.id, True)
    code = user.language if user and user.language else guess_language(update)
    return Who(tg_user.id, tg_user.first_name, user, translator(code))


async def known_user(update: Update, context: Context) -> Who | None:
    """The writer, if Jobbvenn knows them; a stranger gets the how-to-join answer instead."""
    w = await who(update, context)
    if w.user is None:
        await send_menu(update, context, w)
        return None
    return w


def card_name(t: Translator, card) -> str:
    """A picture card's Norwegian name, then its name in the reader's language when that differs
    (`card` is a bot.interests.cards.Card)."""
    norwegian, own = card.norwegian.name, card.text(t.code).name
    return t.isolate(norwegian) if own == norwegian else f"{t.isolate(norwegian)} = {own}"


def number(text: str) -> int | None:
    """A small whole number from callback data (ids, hours, minutes); None if forged."""
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text or "") else None


def button(t: Translator, data: str, icon: str, label: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(f"{icon} {t(label)}", callback_data=data)


def rows(buttons: list[InlineKeyboardButton], per_row: int = 2) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def menu_markup(role: str, t: Translator, counts: dict[str, int] | None = None) -> InlineKeyboardMarkup:
    """The role's menu; `counts` puts a number on a button (words due today on 📚)."""
    counts = counts or {}
    buttons = []
    for data, icon, label in MENUS[role]:
        shown = button(t, data, icon, label)
        if counts.get(data):
            shown = InlineKeyboardButton(f"{shown.text} ({counts[data]})", callback_data=data)
        buttons.append(shown)
    return InlineKeyboardMarkup(rows(buttons))


async def menu_counts(context: Context, user: people.User) -> dict[str, int]:
    if user.role != "candidate":
        return {}
    from bot.db import utcnow
    from bot.vocabulary import practice

    def due(db):
        cand = people.candidate_of_user(db, user.id)
        return practice.due_count(db, cand.id, utcnow(), config(context).timezone) if cand else 0

    return {"cand-menu:words": await storage(context).run(due)}


def home_button(t: Translator) -> InlineKeyboardButton:
    return button(t, "menu:home", "🏠", N_("Menu"))


async def send(update: Update, context: Context, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    return await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def send_menu(update: Update, context: Context, w: Who, text: str | None = None) -> None:
    """The user's main menu, after an optional line of text; for strangers, how to get in."""
    if w.user is None:
        await send(update, context, w.t("👋 Jobbvenn works with an invitation. Ask your job specialist for a link or a QR code."))
        return
    if not w.user.onboarded:
        from bot.handlers.onboarding import resume_onboarding

        if text:
            await send(update, context, text)
        await resume_onboarding(update, context, w)
        return
    if w.user.pending_input:  # the menu ends whatever the bot was waiting for
        await storage(context).run(people.set_pending, w.user.id, None)
    heading = w.t("🏠 Menu. Tap a button.")
    markup = menu_markup(w.user.role, w.t, await menu_counts(context, w.user))
    await send(update, context, f"{text}\n\n{heading}" if text else heading, markup)


async def stale_button_reply(update: Update, context: Context, w: Who) -> None:
    """For a button that is old, forged, or no longer fits what the user is doing."""
    await send_menu(update, context, w, w.t("⌛ This button is old. Here is the menu."))


async def close_buttons(update: Update, note: str | None = None) -> None:
    """Take the buttons off the message that was tapped (so it cannot be tapped twice),
    and optionally replace its text with a short note of the choice."""
    query = update.callback_query
    try:
        if note:
            await query.edit_message_text(note)
        else:
            await query.edit_message_reply_markup(None)
    except BadRequest:
        pass  # already without buttons, or too old to edit: nothing to do


async def menu_command(update: Update, context: Context) -> None:
    await send_menu(update, context, await who(update, context))


async def help_command(update: Update, context: Context) -> None:
    await show_help(update, context, await who(update, context))


async def show_help(update: Update, context: Context, w: Who) -> None:
    if w.user is None or not w.user.onboarded:
        await send_menu(update, context, w)
        return
    t = w.t
    entries = [("menu:language", "🌐", N_("Language"))]
    if w.user.role == "candidate":
        entries += [("privacy:show", "🔒", N_("Who sees what")), ("cand-menu:invite_mentor", "🤝", N_("Invite my mentor"))]
    entries += [("privacy:mydata", "📄", N_("My data")), ("delete:ask", "🗑", N_("Delete my data"))]
    buttons = [button(t, *e) for e in entries] + [home_button(t)]
    text = t("❓ Help\nTap the buttons. You can also write /menu at any time.")
    if w.user.role == "candidate":
        text += "\n" + t("Questions about your job? Talk to your job specialist.")
    await send(update, context, text, InlineKeyboardMarkup(rows(buttons)))


async def menu_button(update: Update, context: Context) -> None:
    query = update.callback_query
    await query.answer()
    w = await who(update, context)
    action = query.data.split(":", 1)[1]
    if action == "help":
        await show_help(update, context, w)
    elif action == "language" and w.user is not None:
        from bot.handlers.onboarding import ask_language

        await ask_language(update, context, w)
    else:  # "home", and anything older
        await send_menu(update, context, w)


async def require_role(update: Update, context: Context, *roles: str) -> Who | None:
    """For a button press: the user if they have one of these roles; otherwise an answer and the menu."""
    query = update.callback_query
    await query.answer()
    w = await who(update, context)
    if w.user is not None and w.user.onboarded and w.user.role in roles:
        return w
    if w.user is not None and w.user.onboarded:
        await send_menu(update, context, w, w.t("This button is not for you."))
    else:
        await send_menu(update, context, w)
    return None
