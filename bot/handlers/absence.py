"""🤒 I can't come: three taps (what, why, for how long), then a ready Norwegian message
for the workplace with its translation, sent through the bot to the mentor and/or the job
specialist, or given as text to forward; then the rules that apply. The words and rules
live in bot.absence and content/absence."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import absence, people
from bot.handlers.common import (
    Context,
    Who,
    button,
    close_buttons,
    home_button,
    require_role,
    rows,
    send,
    send_menu,
    stale_button_reply,
    storage,
)
from bot.i18n import N_, translator

log = logging.getLogger(__name__)

WHAT_LABEL = {
    "shift": ("🕘", N_("Work shift")),
    "meeting": ("📅", N_("Meeting")),
    "class": ("🇳🇴", N_("Norwegian class")),
    "other": ("❓", N_("Something else")),
}
WHY_LABEL = {
    "sick": ("🤒", N_("I am sick")),
    "sick_child": ("🧒", N_("My child is sick")),
    "appointment": ("🏥", N_("An appointment")),
    "transport": ("🚌", N_("Transport problem")),
    "other": ("❓", N_("Something else")),
}
HOW_LONG_LABEL = {
    "today": ("1️⃣", N_("Today")),
    "tomorrow": ("🌅", N_("Tomorrow")),
    "few_days": ("📆", N_("A few days")),
    "unknown": ("🤷", N_("I don't know")),
}


async def ask_what(update: Update, context: Context, w: Who) -> None:
    buttons = [button(w.t, f"abs:why:{key}", icon, label) for key, (icon, label) in WHAT_LABEL.items()]
    await send(update, context, w.t("🤒 What can you not come to?"), InlineKeyboardMarkup(rows([*buttons, home_button(w.t)])))


async def ask_why(update: Update, context: Context, w: Who, what: str) -> None:
    buttons = [button(w.t, f"abs:long:{what}:{key}", icon, label) for key, (icon, label) in WHY_LABEL.items()]
    text = w.t("Why? You never need to say which illness you have.")
    await send(update, context, text, InlineKeyboardMarkup(rows([*buttons, home_button(w.t)])))


async def ask_how_long(update: Update, context: Context, w: Who, what: str, why: str) -> None:
    buttons = [button(w.t, f"abs:show:{what}:{why}:{key}", icon, label) for key, (icon, label) in HOW_LONG_LABEL.items()]
    await send(update, context, w.t("For how long?"), InlineKeyboardMarkup(rows([*buttons, home_button(w.t)], 2)))


def _people(db, user_id: int) -> tuple[int, str | None, bool, bool]:
    """(candidate id, the mentor's first name, has a mentor, has a specialist)."""
    cand = people.candidate_of_user(db, user_id)
    mentors = [people.get_user(db, m) for m in people.mentors_of(db, cand.id)]
    mentors = [m for m in mentors if m is not None]
    return cand.id, (mentors[0].first_name if len(mentors) == 1 else None), bool(mentors), people.specialist_of(db, cand.id) is not None


def _send_buttons(w: Who, key: str, has_mentor: bool, has_specialist: bool, sent: tuple[str, ...] = ()) -> InlineKeyboardMarkup:
    choices = []
    if has_mentor:
        choices.append(("mentor", "📤", N_("Send to my mentor")))
    if has_specialist:
        choices.append(("specialist", "📤", N_("Send to my job specialist")))
    choices.append(("text", "📋", N_("Give me the text")))
    buttons = [
        InlineKeyboardButton("✅ " + w.t(label), callback_data=f"abs:sent:{to}") if to in sent
        else button(w.t, f"abs:to:{to}:{key}", icon, label)
        for to, icon, label in choices
    ]
    return InlineKeyboardMarkup(rows([*buttons, button(w.t, f"abs:done:{key}", "🏁", N_("Finished"))], 1))


async def show_notice(update: Update, context: Context, w: Who, what: str, why: str, how_long: str) -> None:
    t = w.t
    candidate_id, contact, has_mentor, has_specialist = await storage(context).run(_people, w.user.id)
    notice = absence.compose(what, why, how_long, contact, w.user.first_name, t.code)
    await storage(context).run(absence.record, candidate_id, what, why, how_long)
    lines = [t("📝 Your message in Norwegian:"), "", t.isolate(notice.norwegian)]
    if notice.translation:
        lines += ["", t("It means:"), ("🤖 " if notice.machine else "") + notice.translation]
    key = f"{what}:{why}:{how_long}"
    await send(update, context, "\n".join(lines), _send_buttons(w, key, has_mentor, has_specialist))


async def send_to(update: Update, context: Context, w: Who, to: str, what: str, why: str, how_long: str) -> None:
    candidate_id, contact, has_mentor, has_specialist = await storage(context).run(_people, w.user.id)
    notice = absence.compose(what, why, how_long, contact, w.user.first_name, w.t.code)
    key = f"{what}:{why}:{how_long}"
    if to == "text":  # to forward, or copy into an SMS
        await send(update, context, notice.norwegian)
    else:
        def recipients(db):
            if to == "mentor":
                return [people.get_user(db, m) for m in people.mentors_of(db, candidate_id)]
            found = people.specialist_of(db, candidate_id)
            return [found[0]] if found else []

        delivered = 0
        for person in [p for p in await storage(context).run(recipients) if p is not None]:
            t = translator(person.language)
            heading = t("📩 {name} cannot come. Their message:", name=t.isolate(w.user.first_name or "-"))
            try:
                await context.bot.send_message(person.id, f"{heading}\n\n{t.isolate(notice.norwegian)}")
                delivered += 1
            except TelegramError as err:
                log.warning("could not deliver an absence notice to %s: %s", person.id, err)
        if not delivered:
            await send(update, context, w.t("😕 It could not be sent. Please give them the text yourself."))
            to = "text"
            await send(update, context, notice.norwegian)
    if to != "text":  # the button says it went (and the others stay)
        markup = update.callback_query.message.reply_markup
        earlier = [b.callback_data.split(":")[2] for row in (markup.inline_keyboard if markup else ()) for b in row
                   if (b.callback_data or "").startswith("abs:sent:")]
        try:
            await update.callback_query.edit_message_reply_markup(
                _send_buttons(w, key, has_mentor, has_specialist, (*earlier, to)))
        except TelegramError:
            pass
    await send(update, context, w.t("✅ Sent.") if to != "text" else w.t("📋 Copy the text, or forward it, to your workplace."))


async def finish(update: Update, context: Context, w: Who, why: str) -> None:
    """The rules that apply, then the menu."""
    await close_buttons(update)
    lines = [w.t("ℹ️ Good to know:")] + [f"• {rule.text}" for rule in absence.rules(why, w.t.code)]
    await send_menu(update, context, w, "\n".join(lines))


async def absence_button(update: Update, context: Context) -> None:
    w = await require_role(update, context, "candidate")
    if w is None:
        return
    parts = update.callback_query.data.split(":")
    action, args = parts[1], parts[2:]
    if action == "start":
        await ask_what(update, context, w)
    elif action == "why" and len(args) == 1 and args[0] in absence.WHAT:
        await close_buttons(update)
        await ask_why(update, context, w, args[0])
    elif action == "long" and len(args) == 2 and absence.valid(args[0], args[1], "today"):
        await close_buttons(update)
        await ask_how_long(update, context, w, *args)
    elif action == "show" and len(args) == 3 and absence.valid(*args):
        await close_buttons(update)
        await show_notice(update, context, w, *args)
    elif action == "to" and len(args) == 4 and args[0] in ("mentor", "specialist", "text") and absence.valid(*args[1:]):
        await send_to(update, context, w, *args)
    elif action == "sent":
        pass  # already sent; the tap was answered
    elif action == "done" and len(args) == 3 and absence.valid(*args):
        await finish(update, context, w, args[1])
    else:
        await stale_button_reply(update, context, w)
