"""Adding to a candidate's plan in the chat, a tap at a time: the job specialist adds
meetings, shifts and tasks; the candidate and their mentor add work shifts.

The draft lives in the user's pending input ("plan_draft") with the step it waits for,
so a button from an older draft cannot change this one. Typed text (a place, what to
bring, a task) comes through fallback.free_text.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import people, plan
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
from bot.handlers.pickers import day_markup, hour_markup, minute_markup, moment, parse_day, parse_time
from bot.handlers.plan import WHAT, answer_markup, describe
from bot.i18n import N_

DURATIONS = (30, 45, 60, 90, 120)
MAX_TEXT = 200
#: Who may add what.
ALLOWED = {"specialist": ("meeting", "shift", "task"), "mentor": ("shift",), "candidate": ("shift",)}


def may_add_for(db, user: people.User, candidate_id: int) -> int | None:
    """The candidate id this user may add to (their own, their mentee's, their caseload's); else None."""
    if user.role == "candidate":
        cand = people.candidate_of_user(db, user.id)
        return cand.id if cand else None
    if user.role == "mentor":
        return candidate_id if any(c.id == candidate_id for c in people.mentees(db, user.id)) else None
    cand = people.specialist_candidate(db, user.id, candidate_id)
    return cand.id if cand and cand.user_id else None


async def plan_builder_button(update: Update, context: Context) -> None:
    w = await require_role(update, context, "specialist", "mentor", "candidate")
    if w is None:
        return
    parts = update.callback_query.data.split(":")
    draft = w.user.pending_data if w.user.pending_input == "plan_draft" else None
    if parts[1] == "new" and len(parts) == 4 and parts[2] in ALLOWED[w.user.role] and number(parts[3]) is not None:
        cid = await storage(context).run(may_add_for, w.user, number(parts[3]))
        if cid is None:
            await stale_button_reply(update, context, w)
            return
        await start(update, context, w, {"cand": cid, "kind": parts[2]})
    elif draft is None or len(parts) != 3 or parts[1] != draft.get("step"):
        await stale_button_reply(update, context, w)
    else:
        await step_chosen(update, context, w, draft, parts[1], parts[2])


async def start(update: Update, context: Context, w: Who, draft: dict) -> None:
    t = w.t
    if draft["kind"] == "meeting":
        buttons = [InlineKeyboardButton(t(WHAT[k]), callback_data=f"pb:mk:{k}") for k in plan.MEETING_KINDS]
        await ask(update, context, w, draft, "mk", t("📅 What kind of meeting?"), InlineKeyboardMarkup(rows([*buttons, home_button(t)])))
    elif draft["kind"] == "task":
        await ask(update, context, w, draft, "title", t("📝 Write the task in a short sentence, for example: Visit two shops and note the tasks."),
                  InlineKeyboardMarkup([[home_button(t)]]))
    else:
        await ask_day(update, context, w, draft, t("🕘 Which day is the shift? The first one, if it repeats."))


async def ask(update: Update, context: Context, w: Who, draft: dict, step: str, text: str, markup: InlineKeyboardMarkup) -> None:
    await storage(context).run(people.set_pending, w.user.id, "plan_draft", {**draft, "step": step})
    await send(update, context, text, markup)


async def ask_day(update: Update, context: Context, w: Who, draft: dict, text: str, extra=None) -> None:
    today = utcnow().astimezone(config(context).timezone).date()
    await ask(update, context, w, draft, "day", text, day_markup(w.t, "pb:day", today, 14, extra))


async def step_chosen(update: Update, context: Context, w: Who, draft: dict, step: str, value: str) -> None:
    t = w.t
    if step == "mk" and value in plan.MEETING_KINDS:
        await ask_day(update, context, w, {**draft, "meeting_kind": value}, t("📅 Which day?"))
    elif step == "day" and value == "none" and draft["kind"] == "task":
        await save(update, context, w, draft)
    elif step == "day" and parse_day(value):
        await ask(update, context, w, {**draft, "day": value}, "hour", t("🕘 What time?"), hour_markup(t, "pb:hour"))
    elif step == "hour" and number(value) is not None:
        await ask(update, context, w, draft, "at", t("🕘 What time?"), minute_markup(t, "pb:at", number(value) % 24))
    elif step == "at" and parse_time(value):
        await time_chosen(update, context, w, {**draft, "at": value})
    elif step == "dur" and number(value) in DURATIONS:
        await ask_place(update, context, w, {**draft, "minutes": number(value)})
    elif step == "endhour" and number(value) is not None:
        await ask(update, context, w, draft, "end", t("🏁 When does the shift end?"), minute_markup(t, "pb:end", number(value) % 24))
    elif step == "end" and parse_time(value):
        start, end = parse_time(draft["at"]), parse_time(value)
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        minutes += 24 * 60 if minutes <= 0 else 0  # a night shift ends the next day
        buttons = [button(t, "pb:rep:0", "1️⃣", N_("Only this once")), button(t, "pb:rep:1", "🔁", N_("Every week")),
                   button(t, "pb:rep:2", "🔁", N_("Every second week"))]
        await ask(update, context, w, {**draft, "minutes": minutes}, "rep", t("🔁 Does it repeat?"), InlineKeyboardMarkup(rows([*buttons, home_button(t)], 1)))
    elif step == "rep" and value in ("0", "1", "2"):
        await ask_place(update, context, w, {**draft, "repeat": int(value)})
    elif step in ("place", "bring") and value == "skip":
        await text_step_done(update, context, w, draft, None)
    else:
        await stale_button_reply(update, context, w)


async def time_chosen(update: Update, context: Context, w: Who, draft: dict) -> None:
    t = w.t
    when = moment(draft["day"], draft["at"], config(context).timezone)
    if when is None or when <= utcnow():
        await ask_day(update, context, w, {k: v for k, v in draft.items() if k not in ("day", "at")}, t("⌛ That time has passed. Please choose another day."))
    elif draft["kind"] == "task":
        await save(update, context, w, draft)
    elif draft["kind"] == "meeting":
        buttons = [InlineKeyboardButton(t("{minutes} min", minutes=m), callback_data=f"pb:dur:{m}") for m in DURATIONS]
        await ask(update, context, w, draft, "dur", t("⏱ How long?"), InlineKeyboardMarkup(rows([*buttons, home_button(t)], 3)))
    else:
        await ask(update, context, w, draft, "endhour", t("🏁 When does the shift end?"), hour_markup(t, "pb:endhour"))


async def ask_place(update: Update, context: Context, w: Who, draft: dict) -> None:
    markup = InlineKeyboardMarkup([[button(w.t, "pb:place:skip", "⏭", N_("Skip"))], [home_button(w.t)]])
    await ask(update, context, w, draft, "place", w.t("📍 Where? Write the address or the name of the place."), markup)


async def text_written(update: Update, context: Context, w: Who, text: str) -> None:
    """Typed text while a draft waits for a task, a place or what to bring."""
    draft = w.user.pending_data
    value = " ".join(text.split())
    if not value or len(value) > MAX_TEXT or people.looks_like_id_number(value):
        await send(update, context, w.t("⚠️ Please write a short text, at most {n} characters, without ID numbers.", n=MAX_TEXT))
        return
    if draft.get("step") == "title":
        await ask_day(update, context, w, {**draft, "title": value}, w.t("⏰ Which day must it be done by?"),
                      [button(w.t, "pb:day:none", "➖", N_("No deadline"))])
    elif draft.get("step") in ("place", "bring"):
        await text_step_done(update, context, w, draft, value)
    else:
        await send_menu(update, context, w, w.t("🙂 I understand buttons best. Please tap a button."))


async def text_step_done(update: Update, context: Context, w: Who, draft: dict, value: str | None) -> None:
    draft = {**draft, draft["step"]: value}
    if draft["step"] == "place" and draft["kind"] == "meeting":
        markup = InlineKeyboardMarkup([[button(w.t, "pb:bring:skip", "⏭", N_("Skip"))], [home_button(w.t)]])
        await ask(update, context, w, draft, "bring", w.t("🎒 What should the candidate bring? For example: CV, work clothes."), markup)
    else:
        await save(update, context, w, draft)


def values_of(draft: dict, tz) -> dict:
    """The draft as plan item fields (pure)."""
    values: dict = {}
    if draft["kind"] == "task":
        values["title"] = draft["title"]
        if draft.get("day") and draft.get("at"):
            values["deadline"] = iso(moment(draft["day"], draft["at"], tz))
        return values
    values["starts_at"] = iso(moment(draft["day"], draft["at"], tz))
    values["duration_minutes"] = draft["minutes"]
    if draft["kind"] == "meeting":
        values["meeting_kind"] = draft["meeting_kind"]
        values["bring"] = draft.get("bring")
    elif draft.get("repeat"):
        values["repeat_weeks"] = draft["repeat"]
    values["place"] = draft.get("place")
    return {k: v for k, v in values.items() if v is not None}


async def save(update: Update, context: Context, w: Who, draft: dict) -> None:
    tz = config(context).timezone
    own = w.user.role == "candidate"

    def write(db):
        people.set_pending(db, w.user.id, None)
        cid = may_add_for(db, w.user, draft["cand"])
        if cid is None:
            return None, None
        item = plan.create(db, cid, draft["kind"], values_of(draft, tz), f"{w.user.role}:{w.user.id}", announce=not own)
        return item, people.get_candidate(db, cid)

    item, cand = await storage(context).run(write)
    if item is None:
        await stale_button_reply(update, context, w)
        return
    context.application.bot_data["deliverer"].wake()
    t = w.t
    if own:  # the candidate sees what they added, with its buttons
        await send(update, context, "\n".join([t("✅ Saved in your plan:"), "", *describe(t, item, tz)]),
                   answer_markup(t, item, removable=True))
        await send_menu(update, context, w)
        return
    lines = [t("✅ Saved. The candidate gets it in their plan now."), "", *describe(t, item, tz)]
    if w.user.role == "specialist":
        more = [button(t, f"spec:plan:{cand.id}", "📅", N_("Plan")), home_button(t)]
        await send(update, context, "\n".join(lines), InlineKeyboardMarkup([more]))
    else:
        await send_menu(update, context, w, "\n".join(lines))

