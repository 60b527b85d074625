"""Reminders in the chat: how a reminder looks (what, when, where, what to bring, with ✅ ❌
📍 🔊 or ✔️), the candidate's answers under it, their reminder settings and travel times,
and their own reminders. Planning and sending live in bot.reminders and bot.delivery."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot import agenda, languages, people, plan, reminders, speech
from bot.db import iso, utcnow
from bot.handlers.common import (
    Context,
    Who,
    button,
    config,
    home_button,
    number,
    require_role,
    rows,
    send,
    send_menu,
    stale_button_reply,
    storage,
)
from bot.handlers.pickers import day_markup, hour_markup, minute_markup, moment, parse_day
from bot.handlers.pictures import send_voice
from bot.handlers.plan import after_answer, answer_markup, describe, own_item, speakable
from bot.i18n import N_, Translator, translator

HEADING = {
    "evening": N_("⏰ Tomorrow:"),
    "checkin": N_("🙋 Are you coming tomorrow?"),
    "deadline": N_("📝 Remember your task:"),
    "own": N_("🔔 Your reminder:"),
}
LATE = timedelta(minutes=10)


def heading(t: Translator, r: reminders.Reminder, now: datetime) -> str:
    if r.kind == "lead":
        left = round((r.occurrence - now).total_seconds() / 60)
        return t("⏰ It starts in {minutes} min:", minutes=left) if left >= 5 else t("⏰ It starts now:")
    if r.kind == "leave":
        return t("🚶 Time to go! You need {minutes} min to get there.", minutes=r.minutes)
    return t(HEADING[r.kind])


def reminder_message(
    t: Translator, r: reminders.Reminder, item: plan.PlanItem | None, tz: ZoneInfo, now: datetime,
    translated: dict | None = None, answer: str | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The reminder in the candidate's language, with its buttons."""
    lines = [heading(t, r, now)]
    if item is None:  # the candidate's own
        lines.append(t.isolate(r.text) if r.text else t("You asked me to remind you now."))
        return "\n".join(lines), None
    lines += ["", *describe(t, item, tz, translated, at=r.occurrence if item.kind != "task" else None)]
    if item.kind != "task":
        local_day = r.occurrence.astimezone(tz).date()
        for name in agenda.norway_holidays(local_day, local_day).get(local_day, []):
            lines += ["", "🎌 " + t("That day is a public holiday: {name}. Ask at work if you work that day.",
                                   name=t(agenda.HOLIDAY_NAMES[name]))]
    if now - r.due_at > LATE:
        lines += ["", t("Sorry, this reminder comes late.")]
    return "\n".join(lines), answer_markup(t, item, answer, prefix=f"rem:{r.id}")


def spoken(r: reminders.Reminder, item: plan.PlanItem, tz: ZoneInfo, now: datetime) -> str:
    """The reminder in Norwegian, as one text to read aloud."""
    nb = translator(languages.base_language())
    return speakable([heading(nb, r, now), *describe(nb, item, tz, at=r.occurrence if item.kind != "task" else None)])


def _mine(db, user_id: int, reminder_id: int):
    """(reminder, its active item, the answer so far) if the reminder is this candidate's; else None."""
    cand = people.candidate_of_user(db, user_id)
    r = reminders.get(db, reminder_id)
    if cand is None or r is None or r.candidate_id != cand.id or r.plan_item_id is None:
        return None
    item = plan.get(db, r.plan_item_id)
    if item is None or item.status != "active":
        return None
    return r, item, plan.answer_for(db, item, iso(r.occurrence))


async def reminders_button(update: Update, context: Context) -> None:
    w = await require_role(update, context, "candidate")
    if w is None:
        return
    parts = update.callback_query.data.split(":")
    action = parts[1] if len(parts) > 1 else ""
    arg = number(parts[2]) if len(parts) > 2 else None
    today = utcnow().astimezone(config(context).timezone).date()
    if number(action) is not None and len(parts) == 3:
        await reminder_tapped(update, context, w, number(action), parts[2])
    elif action == "set":
        await show_settings(update, context, w)
    elif action in ("eve", "lead", "chk") and len(parts) == 3:
        await setting_chosen(update, context, w, action, parts[2])
    elif action == "travel" and arg is not None:
        await ask_travel(update, context, w, arg)
    elif action == "tt" and len(parts) == 4 and arg is not None:
        await travel_chosen(update, context, w, arg, parts[3])
    elif action == "own":
        await show_own(update, context, w)
    elif action == "od":
        await send(update, context, w.t("🔔 Which day?"), day_markup(w.t, "rem:oh", today, 7))
    elif action == "oh" and len(parts) == 3 and parse_day(parts[2]):
        await send(update, context, w.t("🕘 What time?"), hour_markup(w.t, f"rem:om:{parts[2]}"))
    elif action == "om" and len(parts) == 4 and parse_day(parts[2]) and number(parts[3]) is not None:
        await send(update, context, w.t("🕘 What time?"), minute_markup(w.t, f"rem:ot:{parts[2]}", number(parts[3]) % 24))
    elif action == "ot" and len(parts) == 4:
        await own_time_chosen(update, context, w, parts[2], parts[3])
    elif action == "plain":
        await own_text_written(update, context, w, None)
    elif action == "del" and arg is not None:
        cand = await storage(context).run(people.candidate_of_user, w.user.id)
        await storage(context).run(reminders.delete_own, cand.id, arg)
        await show_own(update, context, w)
    else:
        await stale_button_reply(update, context, w)


async def reminder_tapped(update: Update, context: Context, w: Who, reminder_id: int, action: str) -> None:
    found = await storage(context).run(_mine, w.user.id, reminder_id)
    if found is None or action not in (*plan.ANSWERS, "where", "say"):
        await stale_button_reply(update, context, w)
        return
    r, item, answered = found
    tz = config(context).timezone
    if action == "say":
        clip = await asyncio.to_thread(speech.clip, spoken(r, item, tz, utcnow()), config(context).db_path.parent / "speech-cache")
        await send_voice(context, update.effective_chat.id, clip)
        return
    if action == "where":
        if item.latitude is None:
            await stale_button_reply(update, context, w)
            return
        await context.bot.send_location(update.effective_chat.id, item.latitude, item.longitude)
        return
    if answered == action:  # the same answer again
        return
    if item.kind != "task" and not agenda.happens_at(item, r.occurrence, tz):
        await send_menu(update, context, w, w.t("⌛ This was changed after the reminder. Look in 📅 My plan."))
        return
    occurrence = iso(r.occurrence) if item.repeat_weeks else None
    item = await storage(context).run(plan.answer, w.user.id, item.id, action, None, occurrence)
    if item is None or (action == "done") != (item.kind == "task"):
        await stale_button_reply(update, context, w)
        return
    try:
        await update.callback_query.edit_message_reply_markup(answer_markup(w.t, item, action, prefix=f"rem:{r.id}"))
    except BadRequest:
        pass
    await after_answer(update, context, w, item, action, iso(r.occurrence) if item.kind != "task" else None,
                       checkin=r.kind == "checkin")


# -- settings ----------------------------------------------------------------------------

def settings_text(t: Translator, chosen: reminders.Settings, travel: list[tuple[str, int]]) -> str:
    off = t("off")
    lines = [
        t("⏰ Your reminders:"),
        "🌆 " + t("The evening before: {time}", time=chosen.evening.strftime("%H:%M") if chosen.evening else off),
        "⏱ " + t("Before it starts: {time}", time=t("{minutes} min", minutes=chosen.lead_minutes) if chosen.lead_minutes else off),
        "🙋 " + t("Ask me the evening before a shift: {answer}", answer=t("on") if chosen.checkin else off),
    ]
    for place, minutes in travel:
        lines.append("🚌 " + t("To {place}: {minutes} min", place=t.isolate(place), minutes=minutes))
    return "\n".join(lines)


def settings_markup(t: Translator, chosen: reminders.Settings) -> InlineKeyboardMarkup:
    evenings = [InlineKeyboardButton(("✅ " if chosen.evening and chosen.evening.strftime("%H:%M") == e else "") + f"🌆 {e}",
                                     callback_data=f"rem:eve:{e.replace(':', '')}") for e in reminders.EVENING_CHOICES]
    evenings.append(InlineKeyboardButton(("✅ " if chosen.evening is None else "") + "🌆 " + t("off"), callback_data="rem:eve:off"))
    leads = [InlineKeyboardButton(("✅ " if chosen.lead_minutes == m else "") + "⏱ " + t("{minutes} min", minutes=m),
                                  callback_data=f"rem:lead:{m}") for m in reminders.LEAD_CHOICES]
    leads.append(InlineKeyboardButton(("✅ " if chosen.lead_minutes is None else "") + "⏱ " + t("off"), callback_data="rem:lead:off"))
    checkin = button(t, "rem:chk:off", "🙋", N_("Evening question: turn off")) if chosen.checkin else \
        button(t, "rem:chk:on", "🙋", N_("Evening question: turn on"))
    return InlineKeyboardMarkup(rows(evenings, 3) + rows(leads, 3) + [[checkin], [button(t, "rem:own", "🔔", N_("My own reminders"))], [home_button(t)]])


def _settings(db, user_id: int):
    cand = people.candidate_of_user(db, user_id)
    travel = [(r["place"], r["minutes"]) for r in db.query("SELECT place, minutes FROM travel_times WHERE candidate_id = ?", [cand.id])]
    return cand, reminders.settings(db, cand.id), travel


async def show_settings(update: Update, context: Context, w: Who, edit: bool = False) -> None:
    _, chosen, travel = await storage(context).run(_settings, w.user.id)
    text, markup = settings_text(w.t, chosen, travel), settings_markup(w.t, chosen)
    if edit:
        try:
            await update.callback_query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest:
            pass
    await send(update, context, text, markup)


async def setting_chosen(update: Update, context: Context, w: Who, which: str, value: str) -> None:
    cand = await storage(context).run(people.candidate_of_user, w.user.id)
    try:
        if which == "eve":
            change = {"evening": None if value == "off" else datetime.strptime(value, "%H%M").time()}
        elif which == "lead":
            change = {"lead_minutes": None if value == "off" else int(value)}
        else:
            change = {"checkin": value == "on"}
        await storage(context).run(reminders.change_settings, cand.id, **change)
    except ValueError:  # a forged or old choice
        await stale_button_reply(update, context, w)
        return
    context.application.bot_data["deliverer"].wake()
    await show_settings(update, context, w, edit=True)


async def ask_travel(update: Update, context: Context, w: Who, item_id: int) -> None:
    item = await storage(context).run(own_item, w.user.id, item_id)
    if item is None or not item.place:
        await stale_button_reply(update, context, w)
        return
    t = w.t
    buttons = [InlineKeyboardButton(t("{minutes} min", minutes=m), callback_data=f"rem:tt:{item_id}:{m}") for m in reminders.TRAVEL_CHOICES]
    buttons.append(button(t, f"rem:tt:{item_id}:none", "🤷", N_("I don't know")))
    text = t("🚌 How long does it take you to get to {place}? Then I tell you when to leave.", place=t.isolate(item.place))
    await send(update, context, text, InlineKeyboardMarkup(rows(buttons, 4)))


async def travel_chosen(update: Update, context: Context, w: Who, item_id: int, value: str) -> None:
    item = await storage(context).run(own_item, w.user.id, item_id)
    minutes = None if value == "none" else number(value)
    if item is None or not item.place or (value != "none" and minutes is None):
        await stale_button_reply(update, context, w)
        return
    try:
        await storage(context).run(reminders.set_travel_minutes, item.candidate_id, item.place, minutes)
    except ValueError:
        await stale_button_reply(update, context, w)
        return
    context.application.bot_data["deliverer"].wake()
    t = w.t
    if minutes is None:
        reply = t("🙂 OK. No travel time for this place.")
    else:
        reply = t("✅ I tell you when to leave: {minutes} min before, and {extra} min extra. At work, on time means a little early.",
                  minutes=minutes, extra=reminders.EARLY_MINUTES)
    await send_menu(update, context, w, reply)


# -- own reminders -----------------------------------------------------------------------

async def show_own(update: Update, context: Context, w: Who) -> None:
    t, tz = w.t, config(context).timezone
    cand = await storage(context).run(people.candidate_of_user, w.user.id)
    own = await storage(context).run(reminders.upcoming_own, cand.id)
    lines = [t("🔔 Your own reminders:")] if own else [t("🔔 You have no reminders of your own.")]
    buttons = []
    for r in own[:10]:
        lines.append(f"• {t.when(r.due_at, tz)}" + (f" · {t.isolate(r.text)}" if r.text else ""))
        buttons.append(InlineKeyboardButton(f"🗑 {t.short_day(r.due_at.astimezone(tz).date())} {t.clock(r.due_at, tz)}",
                                            callback_data=f"rem:del:{r.id}"))
    markup = InlineKeyboardMarkup(rows(buttons) + [[button(t, "rem:od", "➕", N_("New reminder"))], [home_button(t)]])
    await send(update, context, "\n".join(lines), markup)


async def own_time_chosen(update: Update, context: Context, w: Who, day: str, at: str) -> None:
    when = moment(day, at, config(context).timezone)
    if when is None or when <= utcnow():
        await send(update, context, w.t("⌛ That time has passed. Please choose another."),
                   day_markup(w.t, "rem:oh", utcnow().astimezone(config(context).timezone).date(), 7))
        return
    await storage(context).run(people.set_pending, w.user.id, "own_reminder", {"at": iso(when)})
    markup = InlineKeyboardMarkup([[button(w.t, "rem:plain", "🔔", N_("Just remind me"))], [home_button(w.t)]])
    await send(update, context, w.t("✍️ What shall I say then? Write a few words, in any language. Or tap 🔔."), markup)


async def own_text_written(update: Update, context: Context, w: Who, text: str | None) -> None:
    at = w.user.pending_data.get("at") if w.user.pending_input == "own_reminder" else None
    if at is None:
        await stale_button_reply(update, context, w)
        return
    cand = await storage(context).run(people.candidate_of_user, w.user.id)
    await storage(context).run(people.set_pending, w.user.id, None)
    try:
        saved = await storage(context).run(reminders.add_own, cand.id, datetime.fromisoformat(at), text)
    except ValueError:  # the time passed while they wrote
        await send_menu(update, context, w, w.t("⌛ That time has passed. Please choose another."))
        return
    context.application.bot_data["deliverer"].wake()
    await send_menu(update, context, w, w.t("✅ I will remind you: {when}", when=w.t.when(saved.due_at, config(context).timezone)))
