"""/privacy, /mydata and /delete: the candidate sees and decides what is shared and stored."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import consent, languages, people, personal_data
from bot.handlers.common import (
    Context,
    Who,
    button,
    close_buttons,
    config,
    home_button,
    known_user,
    rows,
    send,
    send_menu,
    stale_button_reply,
    storage,
    who,
)
from bot.handlers.onboarding import consent_text, saved_text
from bot.i18n import N_, Translator, translator

log = logging.getLogger(__name__)

RECIPIENT_LABEL = {"specialist": N_("Job specialist"), "mentor": N_("Mentor")}
RECIPIENT_ICON = {"specialist": "👩‍💼", "mentor": "🤝"}


async def privacy_command(update: Update, context: Context) -> None:
    w = await who(update, context)
    if w.user is None or not w.user.onboarded:
        await send_menu(update, context, w)
        return
    await show_privacy(update, context, w)


async def show_privacy(update: Update, context: Context, w: Who) -> None:
    t = w.t
    if w.user.role != "candidate":
        text = t("🔒 Jobbvenn stores your name, your language and your role. You can see it with /mydata and delete it with /delete.")
        await send(update, context, text, InlineKeyboardMarkup([[home_button(t)]]))
        return
    answers = await storage(context).run(consent.current, w.user.id)
    lines = [t("🔒 Who sees what. You decide."), ""]
    buttons = []
    for recipient, record in answers.items():
        granted = bool(record and record.granted)
        state = t("✅ can see") if granted else t("❌ cannot see")
        lines.append(f"{RECIPIENT_ICON[recipient]} {t(RECIPIENT_LABEL[recipient])}: {state}")
        change = N_("{who}: say no") if granted else N_("{who}: say yes")
        buttons.append(
            InlineKeyboardButton(
                f"{RECIPIENT_ICON[recipient]} {t(change, who=t(RECIPIENT_LABEL[recipient]))}",
                callback_data=f"privacy:{recipient}:{'no' if granted else 'yes'}",
            )
        )
    lines += ["", t("Your job specialist always sees that you use Jobbvenn and your answers here.")]
    buttons += [
        button(t, "privacy:explain", "🔁", N_("What do they see?")),
        button(t, "privacy:mydata", "📄", N_("My data")),
        button(t, "delete:ask", "🗑", N_("Delete my data")),
        home_button(t),
    ]
    await send(update, context, "\n".join(lines), InlineKeyboardMarkup(rows(buttons, 1)))


async def privacy_button(update: Update, context: Context) -> None:
    query = update.callback_query
    await query.answer()
    w = await who(update, context)
    if w.user is None or not w.user.onboarded:
        await send_menu(update, context, w)
        return
    parts = query.data.split(":")
    if parts[1] == "show":
        await show_privacy(update, context, w)
    elif parts[1] == "mydata":
        await send_my_data(update, context, w)
    elif parts[1] == "explain" and w.user.role == "candidate":
        text = "\n\n".join(consent_text(w.t, r) for r in consent.SHARED_WITH)
        await send(update, context, text, InlineKeyboardMarkup([[button(w.t, "privacy:show", "🔒", N_("Back"))]]))
    elif (
        len(parts) == 3 and w.user.role == "candidate" and parts[1] in consent.SHARED_WITH and parts[2] in ("yes", "no")
    ):
        granted = parts[2] == "yes"
        await storage(context).run(consent.record, w.user.id, parts[1], granted, w.t.code)
        await close_buttons(update)
        await send(update, context, saved_text(w.t, parts[1], granted))
        await show_privacy(update, context, w)
    else:
        await stale_button_reply(update, context, w)


async def mydata_command(update: Update, context: Context) -> None:
    if w := await known_user(update, context):
        await send_my_data(update, context, w)


def readable_data(t: Translator, data: dict, tz) -> str:
    """The export as short lines in the user's language."""
    user = data["user"]
    role_names = {"candidate": N_("candidate"), "specialist": N_("job specialist"), "mentor": N_("mentor"), "admin": N_("administrator")}
    lines = [
        t("📄 What Jobbvenn stores about you"),
        "",
        t("Name: {name}", name=t.isolate(user["first_name"] or "-")),
        t("Role: {role}", role=t(role_names.get(user["role"], "-"))),
        t("Language: {language}", language=languages.get(user["language"]).native if user["language"] else "-"),
        t("Since: {date}", date=t.datetime(datetime.fromisoformat(user["joined"]), tz, "medium")),
    ]
    candidate = data.get("candidate")
    if candidate:
        lines.append(t("Your job specialist calls you: {label}", label=t.isolate(candidate["name_or_reference_given_by_specialist"])))
        lines.append(t("Mentors: {count}", count=candidate["mentors"]))
    for record in data.get("consents", []):
        answer = t("yes") if record["granted"] else t("no")
        when = t.datetime(datetime.fromisoformat(record["recorded_at"]), tz, "short")
        lines.append(f"{RECIPIENT_ICON[record['recipient']]} {t(RECIPIENT_LABEL[record['recipient']])}: {answer} ({when})")
    if "caseload" in data:
        lines.append(t("Candidates: {count}", count=len(data["caseload"])))
    lines += ["", t("The file below has all of it.")]
    return "\n".join(lines)


async def send_my_data(update: Update, context: Context, w: Who) -> None:
    data = await storage(context).run(personal_data.export, w.user.id)
    await send(update, context, readable_data(w.t, data, config(context).timezone))
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await context.bot.send_document(
        update.effective_chat.id, document=io.BytesIO(payload), filename="jobbvenn-my-data.json"
    )
    await send_menu(update, context, w)


async def delete_command(update: Update, context: Context) -> None:
    if w := await known_user(update, context):
        await ask_delete(update, context, w)


async def ask_delete(update: Update, context: Context, w: Who) -> None:
    t = w.t
    text = t("🗑 Delete everything Jobbvenn stores about you? This cannot be undone.")
    if w.user.role == "candidate":
        text += "\n" + t("Your job specialist will only hear that you left.")
    markup = InlineKeyboardMarkup(
        [[button(t, "delete:confirm", "🗑", N_("Yes, delete")), button(t, "delete:cancel", "↩️", N_("No, keep"))]]
    )
    await send(update, context, text, markup)


async def delete_button(update: Update, context: Context) -> None:
    query = update.callback_query
    await query.answer()
    w = await who(update, context)
    action = query.data.split(":", 1)[1]
    if w.user is None:
        await send_menu(update, context, w)
        return
    if action == "ask":
        await ask_delete(update, context, w)
        return
    await close_buttons(update)
    if action != "confirm":
        await send_menu(update, context, w, w.t("↩️ Nothing was deleted."))
        return
    erasure = await storage(context).run(personal_data.erase, w.user.id)
    await send(update, context, w.t("✅ Your data is deleted. Goodbye! If you want to come back, ask your job specialist for a new link."))
    if erasure and erasure.specialist_id:
        specialist = await storage(context).run(people.get_user, erasure.specialist_id)
        if specialist is not None:
            t = translator(specialist.language)
            try:
                await context.bot.send_message(
                    specialist.id, t("👋 {label} has left Jobbvenn. Their data is deleted.", label=t.isolate(erasure.candidate_label))
                )
            except TelegramError as err:
                log.warning("could not tell specialist %s that a candidate left: %s", specialist.id, err)
