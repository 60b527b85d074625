"""Plan items in the chat: how a meeting, shift or task looks to the candidate, and
the candidate's answers (coming, can't come, done)."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest, TelegramError

from bot import agenda, consent, languages, people, plan, speech
from bot.db import iso, utcnow
from bot.handlers.common import (
    Context,
    button,
    close_buttons,
    config,
    home_button,
    number,
    send,
    send_menu,
    stale_button_reply,
    storage,
    who,
)
from bot.handlers.absence import ask_why
from bot.handlers.pictures import send_voice
from bot.i18n import N_, Translator, translator

log = logging.getLogger(__name__)

WHAT = {
    "specialist_conversation": N_("Talk with your job specialist"),
    "status_meeting": N_("Status meeting"),
    "evaluation_meeting": N_("Evaluation meeting"),
    "job_interview": N_("Job interview"),
    "first_day": N_("First day at work"),
    "other": N_("Meeting"),
    "shift": N_("Work shift"),
    "task": N_("Task"),
}
ICON = {"meeting": "📅", "shift": "🕘", "task": "📝"}
LEADING_ICONS = re.compile(r"^[^\w\u2068]+")  # an emoji and its space, before the words
HEADING = {
    "plan_item_created": N_("New in your plan:"),
    "plan_item_updated": N_("Changed in your plan:"),
    "plan_item_cancelled": N_("🚫 Cancelled:"),
}
REPEATS = {1: N_("🔁 Every week"), 2: N_("🔁 Every second week"), 3: N_("🔁 Every third week"), 4: N_("🔁 Every fourth week")}
ANSWER_TEXT = {"coming": N_("✅ coming"), "not_coming": N_("❌ not coming"), "done": N_("✔️ done")}


def what(t: Translator, item: plan.PlanItem) -> str:
    key = (item.meeting_kind or "other") if item.kind == "meeting" else item.kind
    return t(WHAT[key])


def describe(
    t: Translator, item: plan.PlanItem, tz: ZoneInfo, translated: dict | None = None, at: datetime | None = None
) -> list[str]:
    """The item as short lines with an icon each, in the candidate's language.
    Text the specialist wrote is shown as written, with its translation under the title
    and what to bring when there is one (🤖 when a machine made it). `at` is one week's
    start of a repeating shift (a reminder is about that week)."""
    translated = translated or {}

    def with_translation(text: str) -> str:
        shown = translated.get(text)
        return t.isolate(text) + (f" ({'🤖 ' if shown.machine else ''}{shown.text})" if shown else "")

    lines = [f"{ICON[item.kind]} {what(t, item)}"]
    if item.title:
        lines.append(with_translation(item.title))
    if item.starts_at:
        starts = at or datetime.fromisoformat(item.starts_at)
        lines.append("🕘 " + t.when(starts, tz))
        if item.kind == "shift" and item.duration_minutes:  # a shift: when it ends ("🏁 15:30"), on its own line for right-to-left
            lines.append("🏁 " + t.clock(agenda.ends(item, starts, tz), tz))
    if item.duration_minutes and item.kind != "shift":
        lines.append("⏱ " + t("{minutes} minutes", minutes=item.duration_minutes))
    if item.repeat_weeks:
        lines.append(t(REPEATS[item.repeat_weeks]))
    if item.deadline:
        lines.append("⏰ " + t("Do it before: {when}", when=t.when(datetime.fromisoformat(item.deadline), tz)))
    if item.place:
        lines.append("📍 " + t.isolate(item.place))
    if item.bring:
        lines.append("🎒 " + t("Bring: {things}", things=with_translation(item.bring)))
    if item.participants:
        lines.append("👥 " + t("Who will be there: {people}", people=t.isolate(item.participants)))
    return lines


def item_message(
    t: Translator, item: plan.PlanItem, kind: str, tz: ZoneInfo, translated: dict | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """What the candidate gets when an item is created, changed or cancelled."""
    text = "\n".join([t(HEADING[kind]), "", *describe(t, item, tz, translated)])
    if kind == "plan_item_cancelled" or item.status != "active":
        return text, None
    return text, answer_markup(t, item)


def answer_markup(
    t: Translator, item: plan.PlanItem, chosen: str | None = None, prefix: str | None = None, removable: bool = False,
) -> InlineKeyboardMarkup:
    """The answer buttons; once answered, the chosen one says what was chosen and the other
    stays, to change one's mind. `chosen` is one week's answer of a repeating shift;
    `prefix` makes the buttons a reminder's (rem:<id>) rather than the item's; `removable`
    adds 🗑 (a shift the candidate added themselves)."""
    chosen = chosen or (None if item.repeat_weeks else item.answer)
    prefix = prefix or f"plan:{item.id}"

    def choice(answer: str, icon: str, label: str) -> InlineKeyboardButton:
        text = t(ANSWER_TEXT[answer]) if chosen == answer else f"{icon} {t(label)}"
        return InlineKeyboardButton(text, callback_data=f"{prefix}:{answer}")

    if item.kind == "task":
        rows = [[choice("done", "✔️", N_("Done"))]]
    else:
        rows = [[choice("coming", "✅", N_("I'm coming")), choice("not_coming", "❌", N_("I can't come"))]]
    extra = [button(t, f"{prefix}:say", "🔊", N_("Listen"))]
    if (item.starts_at or item.deadline) and prefix.startswith("plan:"):  # something with a time: it can go in the phone's calendar
        extra.append(button(t, f"{prefix}:ics", "📆", N_("Calendar")))
    if item.latitude is not None and item.longitude is not None:
        extra.insert(0, button(t, f"{prefix}:where", "📍", N_("Where?")))
    rows.append(extra)
    last = []
    if item.place and item.kind != "task" and prefix.startswith("plan:"):  # how long to get there: "leave now" reminders
        last.append(button(t, f"rem:travel:{item.id}", "🚌", N_("Travel time")))
    if removable:
        last.append(button(t, f"plan:{item.id}:remove", "🗑", N_("Remove")))
    if last:
        rows.append(last)
    return InlineKeyboardMarkup(rows)


async def plan_button(update: Update, context: Context) -> None:
    """The candidate taps ✅, ❌, ✔️ or 📍 under one of their own plan items."""
    query = update.callback_query
    w = await who(update, context)
    parts = query.data.split(":")
    if parts[1:] == ["0", "ics"] and w.user is not None and w.user.role == "candidate":  # the whole plan
        await query.answer()
        cand = await storage(context).run(people.candidate_of_user, w.user.id)
        items = await storage(context).run(plan.upcoming, cand.id, None, 100) if cand else []
        if items:
            await send_calendar(update, context, w, items, whole_plan=True)
        else:
            await stale_button_reply(update, context, w)
        return
    mine = w.user is not None and w.user.role == "candidate" and len(parts) == 3 and number(parts[1]) is not None
    item = await storage(context).run(own_item, w.user.id, number(parts[1])) if mine else None
    action = parts[2] if len(parts) == 3 else ""
    if item is None or (action not in plan.ANSWERS and action not in ("where", "say", "ics", "remove")):  # not theirs, cancelled, old or forged
        await query.answer()
        await stale_button_reply(update, context, w)
        return
    if action == "say":
        await query.answer()
        await read_aloud(context, update.effective_chat.id, item)
        return
    if action == "ics":
        await query.answer()
        await send_calendar(update, context, w, [item])
        return
    if action == "remove":
        await query.answer()
        await remove_own(update, context, w, item)
        return
    if action == "where":
        await query.answer()
        if item.latitude is None:
            await stale_button_reply(update, context, w)
            return
        await context.bot.send_location(update.effective_chat.id, item.latitude, item.longitude)
        return
    tz = config(context).timezone
    next_start = agenda.next_occurrence(item, utcnow(), tz) if item.repeat_weeks else None
    occurrence = iso(next_start) if next_start else None  # from the plan, a shift's answer is for its coming week
    if item.repeat_weeks and occurrence is None:
        await query.answer()
        await stale_button_reply(update, context, w)
        return
    if await storage(context).run(plan.answer_for, item, occurrence) == action:  # the same answer again: nothing changes
        await query.answer(w.t(ANSWER_TEXT[action]))
        return
    await query.answer()
    item = await storage(context).run(plan.answer, w.user.id, item.id, action, None, occurrence)
    if item is None:  # cancelled a moment ago
        await stale_button_reply(update, context, w)
        return
    try:  # the chosen answer shows on its button; the other one stays, to change one's mind
        await query.edit_message_reply_markup(answer_markup(w.t, item, action if occurrence else None, removable=_added_by(w, item)))
    except BadRequest:
        pass
    await after_answer(update, context, w, item, action, occurrence)


def _added_by(w, item: plan.PlanItem) -> bool:
    return item.created_by == f"candidate:{w.user.id}"


async def remove_own(update: Update, context: Context, w, item: plan.PlanItem) -> None:
    """🗑 A shift the candidate added themselves (and only such a one) comes out of the plan."""
    if not _added_by(w, item):
        await stale_button_reply(update, context, w)
        return
    await storage(context).run(plan.cancel, item.id)
    await close_buttons(update)
    await send_menu(update, context, w, w.t("🗑 Removed from your plan."))


async def after_answer(
    update: Update, context: Context, w, item: plan.PlanItem, action: str, occurrence: str | None = None,
    checkin: bool = False,
) -> None:
    """What follows ✅, ❌ or ✔️ (under the item or under a reminder): a thank-you, help
    with the message to the workplace after ❌, and the specialist told when the
    candidate shares."""
    t = w.t
    shares = await storage(context).run(consent.allows, w.user.id, "specialist")
    if action == "done":
        reply = t("✔️ Well done! It is saved.")
    elif action == "coming":
        reply = t("✅ Thank you! It is saved.")
    else:
        reply = t("❌ It is saved. Please also tell the workplace or the person you were going to meet, before it starts.")
    if not shares:
        reply += "\n" + t("Your job specialist does not see your answers (see /privacy). Tell them yourself if you want.")
    what = "shift" if item.kind == "shift" else "meeting"
    if action == "not_coming" and checkin:  # the check-in leads straight to the message
        await send(update, context, reply)
        await ask_why(update, context, w, what)
    elif action == "not_coming":  # help with the message to the workplace
        offer = InlineKeyboardMarkup([[button(t, f"abs:why:{what}", "✍️", N_("Write the message"))]])
        await send(update, context, t("✍️ I can help you write a short message in Norwegian."), offer)
        await send_menu(update, context, w, reply)
    else:
        await send_menu(update, context, w, reply)
    if shares:
        await tell_specialist(context, item, action, occurrence and datetime.fromisoformat(occurrence))


def own_item(db, user_id: int, item_id: int) -> plan.PlanItem | None:
    item = plan.get(db, item_id)
    cand = people.candidate_of_user(db, user_id)
    return item if item and cand and item.candidate_id == cand.id and item.status == "active" else None


async def tell_specialist(context: Context, item: plan.PlanItem, action: str, at: datetime | None = None) -> None:
    found = await storage(context).run(people.specialist_of, item.candidate_id)
    if found is None:
        return
    specialist, label = found
    t = translator(specialist.language)
    head = f"{ICON[item.kind]} {t.isolate(label)}: {t(ANSWER_TEXT[action])}"
    lines = describe(t, item, config(context).timezone, at=at)
    when = [line for line in lines[2:] if line.startswith("🕘")]  # which day it was about
    text = "\n".join([head, *lines[:2], *when])
    try:
        await context.bot.send_message(specialist.id, text)
    except TelegramError as err:
        log.warning("could not tell specialist %s about a plan answer: %s", specialist.id, err)


def overview(t: Translator, days: list[agenda.Day], tz: ZoneInfo) -> str:
    """The next two weeks, day by day, with Norway's public holidays marked."""
    nb = translator(languages.base_language())
    lines = [t("📅 Your next two weeks:")]
    for day in days:
        lines += ["", f"🗓 {t.weekday(day.day)}"]
        for holiday in day.holidays:  # the Norwegian name (what colleagues say), then the reader's
            norwegian, own = nb(agenda.HOLIDAY_NAMES[holiday]), t(agenda.HOLIDAY_NAMES[holiday])
            name = t.isolate(norwegian) + ("" if own == norwegian else f" = {own}")
            lines.append("🎌 " + t("Public holiday: {name}", name=name))
        for entry in day.entries:
            clock = t.clock(entry.starts, tz) + (f"–{t.clock(entry.ends, tz)}" if entry.ends else "")
            lines.append(f"{ICON[entry.item.kind]} {clock} {what(t, entry.item)}" + (f" · {t.isolate(entry.item.title)}" if entry.item.title else ""))
    if not any(day.entries for day in days):
        lines += ["", t("Nothing planned in these two weeks.")]
    return "\n".join(lines)


async def show_plan(update: Update, context: Context, w) -> None:
    """📅 My plan: the next two weeks day by day (with 📆 for the phone's calendar), then
    each coming item with its buttons, then the menu."""
    cand = await storage(context).run(people.candidate_of_user, w.user.id)
    items = await storage(context).run(plan.upcoming, cand.id) if cand else []
    t = w.t
    own = [button(t, "pb:new:shift:0", "🕘", N_("Add a shift")), button(t, "rem:set", "⏰", N_("Reminders"))]
    if not items:  # one message: what can be done here, and the way home
        await send(update, context, t("📅 Nothing in your plan yet. Your job specialist adds meetings, shifts and tasks here."),
                   InlineKeyboardMarkup([own, [home_button(t)]]))
        return
    texts = list(dict.fromkeys(x for item in items for x in (item.title, item.bring) if x))
    machine = context.application.bot_data["translation"]
    found = await machine.translate_batch(texts, languages.base_language(), t.code, cand.organisation_id) if texts else []
    translated = dict(zip(texts, found, strict=True))
    tz = config(context).timezone
    days = agenda.two_weeks(items, utcnow(), tz)
    calendar = InlineKeyboardMarkup([[button(t, "plan:0:ics", "📆", N_("Add to my phone's calendar"))], own])
    await send(update, context, overview(t, days, tz), calendar)
    now = utcnow()
    for item in items:
        chosen, next_start = None, None
        if item.repeat_weeks:  # the coming week: its day, and its answer
            next_start = agenda.next_occurrence(item, now, tz)
            chosen = next_start and await storage(context).run(plan.occurrence_answer, item.id, iso(next_start))
        await send(update, context, "\n".join(describe(t, item, tz, translated, at=next_start)),
                   answer_markup(t, item, chosen, removable=_added_by(w, item)))
    await send_menu(update, context, w)


async def send_calendar(update: Update, context: Context, w, items: list[plan.PlanItem], whole_plan: bool = False) -> None:
    """The items as an .ics file: opening it on a phone adds them to its calendar."""
    t = w.t
    data = agenda.calendar_file(items, {i.id: what(t, i) for i in items}, config(context).timezone, utcnow())
    name = "jobbvenn-plan.ics" if whole_plan else f"jobbvenn-{items[0].id}.ics"
    await context.bot.send_document(update.effective_chat.id, InputFile(data, filename=name),
                                    caption=t("📆 Open the file to add it to your phone's calendar."))


async def read_aloud(context: Context, chat_id: int, item: plan.PlanItem) -> None:
    """🔊 the item in Norwegian, as the candidate will hear it said at work."""
    clip = await asyncio.to_thread(speech.clip, spoken(item, config(context).timezone),
                                   config(context).db_path.parent / "speech-cache")
    await send_voice(context, chat_id, clip)


def spoken(item: plan.PlanItem, tz: ZoneInfo) -> str:
    """The item's lines in Norwegian as one text to speak."""
    return speakable(describe(translator(languages.base_language()), item, tz))


def speakable(lines: list[str]) -> str:
    """Lines as one text to speak: without the icons in front and the direction marks around names."""
    return ". ".join(LEADING_ICONS.sub("", line).replace("\u2068", "").replace("\u2069", "") for line in lines)
