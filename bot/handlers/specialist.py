"""The job specialist: invite candidates, see the caseload and what candidates share."""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import consent, invitations, languages, outbox, people, plan, translation, work_rules
from bot.db import utcnow
from bot.handlers.common import (
    Context,
    Who,
    button,
    card_name,
    config,
    home_button,
    require_role,
    rows,
    send,
    send_menu,
    stale_button_reply,
    storage,
)
from bot.handlers.invite_links import send_invitation
from bot.handlers.plan import ANSWER_TEXT, describe
from bot.i18n import N_, Translator, translator
from bot.interests import sessions
from bot.interests.cards import deck

log = logging.getLogger(__name__)

MAX_LABEL = 60
STATUS_ICON = {"invited": "⏳", "joined": "✅", "left": "👋"}
STATUS_TEXT = {"invited": N_("invited, not joined yet"), "joined": N_("joined"), "left": N_("left, data deleted")}


async def specialist_button(update: Update, context: Context) -> None:
    w = await require_role(update, context, "specialist")
    if w is None:
        return
    parts = update.callback_query.data.split(":")
    action = parts[1]
    if action == "new":
        await storage(context).run(people.set_pending, w.user.id, "candidate_label")
        await send(
            update, context,
            w.t("✍️ Write the candidate's name or your case reference. Do not write ID numbers."),
            InlineKeyboardMarkup([[home_button(w.t)]]),
        )
    elif action == "hint" and len(parts) == 3:
        await language_hint_chosen(update, context, w, parts[2])
    elif action == "caseload":
        await show_caseload(update, context, w)
    elif action == "tr" and len(parts) == 3 and re.fullmatch(r"[0-9]{1,9}", parts[2]):
        await translation_asked(update, context, w, int(parts[2]))
    elif action == "int" and len(parts) == 3 and re.fullmatch(r"[0-9]{1,9}", parts[2]):
        await show_interests(update, context, w, int(parts[2]))
    elif action == "voc" and len(parts) == 3 and re.fullmatch(r"[0-9]{1,9}", parts[2]):
        await show_word_progress(update, context, w, int(parts[2]))
    elif action == "ans" and len(parts) == 3 and re.fullmatch(r"[0-9]{1,9}", parts[2]):
        await answer_question(update, context, w, int(parts[2]))
    elif action == "plan" and len(parts) == 3 and re.fullmatch(r"[0-9]{1,9}", parts[2]):
        await show_plan_of(update, context, w, int(parts[2]))
    elif action == "pcancel" and len(parts) == 3 and re.fullmatch(r"[0-9]{1,9}", parts[2]):
        await cancel_plan_item(update, context, w, int(parts[2]))
    elif action == "cand" and len(parts) >= 3 and re.fullmatch(r"[0-9]{1,9}", parts[2]):
        await show_candidate(update, context, w, int(parts[2]), relink=parts[3:] == ["relink"])
    else:
        await stale_button_reply(update, context, w)


async def label_written(update: Update, context: Context, w: Who, text: str) -> None:
    """The specialist's free text while a new invitation waits for a name."""
    label = " ".join(text.split())
    if people.looks_like_id_number(label):
        await send(update, context, w.t("⚠️ Please do not write ID numbers. Write a name or your own case reference."))
        return
    if not label or len(label) > MAX_LABEL:
        await send(update, context, w.t("⚠️ Please write a name or case reference of at most {n} characters.", n=MAX_LABEL))
        return
    await storage(context).run(people.set_pending, w.user.id, "candidate_hint", {"label": label})
    buttons = [InlineKeyboardButton(l.native, callback_data=f"spec:hint:{l.code}") for l in languages.all_languages()]
    buttons.append(button(w.t, "spec:hint:-", "❔", N_("I don't know")))
    await send(update, context, w.t("🌐 Which language does the candidate read best?"), InlineKeyboardMarkup(rows(buttons)))


async def language_hint_chosen(update: Update, context: Context, w: Who, code: str) -> None:
    label = w.user.pending_data.get("label")
    if w.user.pending_input != "candidate_hint" or not label or (code != "-" and not languages.is_supported(code)):
        await stale_button_reply(update, context, w)
        return
    hint = None if code == "-" else code
    _, invite_code = await storage(context).run(invitations.invite_candidate, w.user.id, label, hint)
    await storage(context).run(people.set_pending, w.user.id, None)
    await send_invitation(
        update,
        context,
        w,
        invite_code,
        w.t("✅ The invitation for {label} is ready. Send the link to the candidate, or show the QR code. It works once, for 14 days.", label=w.t.isolate(label)),
        w.t.isolate(label),
    )


def candidate_line(t: Translator, c: people.Candidate) -> str:
    return f"{STATUS_ICON[c.status]} {t.isolate(c.label)}: {t(STATUS_TEXT[c.status])}"


async def show_caseload(update: Update, context: Context, w: Who) -> None:
    t = w.t
    caseload = await storage(context).run(people.caseload, w.user.id)
    if not caseload:
        await send_menu(update, context, w, t("👥 You have no candidates yet. Tap ➕ to invite one."))
        return
    text = t("👥 Your candidates: {n}", n=len(caseload)) + "\n\n" + "\n".join(candidate_line(t, c) for c in caseload)
    buttons = [
        InlineKeyboardButton(f"{STATUS_ICON[c.status]} {c.label}"[:60], callback_data=f"spec:cand:{c.id}") for c in caseload[:30]
    ]
    await send(update, context, text, InlineKeyboardMarkup(rows(buttons) + [[home_button(t)]]))


async def show_candidate(update: Update, context: Context, w: Who, candidate_id: int, relink: bool = False) -> None:
    """One candidate, only if they are in this specialist's caseload: buttons can be forged."""
    t = w.t
    cand = await storage(context).run(people.specialist_candidate, w.user.id, candidate_id)
    if cand is None:
        await send_menu(update, context, w, t("This button is not for you."))
        return
    if relink:
        code = await storage(context).run(invitations.reinvite_candidate, w.user.id, candidate_id)
        if code is None:
            await send_menu(update, context, w, t("This candidate has already joined or left."))
            return
        await send_invitation(
            update, context, w, code,
            t("✅ A new link for {label}. The old link no longer works.", label=t.isolate(cand.label)),
            t.isolate(cand.label),
        )
        return
    lines = [candidate_line(t, cand)]
    if cand.status == "joined":
        user = await storage(context).run(people.get_user, cand.user_id)
        answers = await storage(context).run(consent.current, cand.user_id)
        lines.append(t("Language: {language}", language=languages.get(user.language).native if user.language else "-"))
        shares = bool(answers["specialist"] and answers["specialist"].granted)
        lines.append(t("Shares with you: {answer}", answer=t("yes") if shares else t("no")))
    buttons = []
    if cand.status == "invited":
        buttons.append(button(t, f"spec:cand:{cand.id}:relink", "🔁", N_("New link")))
    if cand.status == "joined":
        buttons.append(button(t, f"spec:int:{cand.id}", "🎯", N_("Interests")))
        buttons.append(button(t, f"spec:voc:{cand.id}", "📚", N_("Words")))
        buttons.append(button(t, f"spec:plan:{cand.id}", "📅", N_("Plan")))
        buttons.append(button(t, f"wp:for:{cand.id}", "📌", N_("Workplace rule")))
    buttons += [button(t, "spec:caseload", "👥", N_("My candidates")), home_button(t)]
    await send(update, context, "\n".join(lines), InlineKeyboardMarkup(rows(buttons)))


async def translation_asked(update: Update, context: Context, w: Who, request_id: int) -> None:
    """The specialist taps "Write the translation" under a request that was put to them."""
    request = await storage(context).run(translation.open_request, request_id, w.user.id)
    if request is None or request.answered:
        await stale_button_reply(update, context, w)
        return
    await storage(context).run(people.set_pending, w.user.id, "manual_translation", {"request": request_id})
    lang = languages.get(request.target).native
    await send(
        update, context,
        w.t("✍️ Write it in {language}. Send it as one message.", language=lang) + f"\n«{w.t.isolate(request.text)}»",
        InlineKeyboardMarkup([[home_button(w.t)]]),
    )


async def translation_written(update: Update, context: Context, w: Who, text: str) -> None:
    """The specialist's translation: stored as a person's (never replaced by a machine) and sent."""
    request = await storage(context).run(translation.open_request, w.user.pending_data.get("request", 0), w.user.id)
    await storage(context).run(people.set_pending, w.user.id, None)
    if request is None or request.answered or not text.strip():
        await send_menu(update, context, w)
        return
    result = " ".join(text.split())[:1000]
    waiting = await storage(context).run(translation.answer_request, request, result, w.user.id)
    labels = []
    for candidate_id in waiting:
        cand = await storage(context).run(people.get_candidate, candidate_id)
        if cand is None or cand.status != "joined":  # left since: nothing more goes to them
            continue
        await storage(context).run(
            outbox.enqueue, candidate_id, "manual_translation", None, {"text": request.text, "translation": result}
        )
        labels.append(w.t.isolate(cand.label))
    context.application.bot_data["deliverer"].wake()
    await send_menu(update, context, w, w.t("✅ Thank you! {label} gets it now.", label=", ".join(labels) or "-"))


def card_names(t: Translator, card_ids: list[str], limit: int = 12) -> str:
    """Card names in Norwegian with the reader's own word when it differs."""
    cards = deck()
    names = []
    for cid in card_ids:
        card = cards.get(cid)
        if card is None:
            continue
        names.append(card_name(t, card))
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" +{more}" if more > 0 else "") if names else "-"


def interest_report(t: Translator, result: sessions.Result, tz) -> str:
    cards = deck()
    data = result.data
    lines = [
        t("📊 Picture cards, {date}: {n} cards", date=t.day(result.created_at, tz), n=data["answered"]),
        t("Holland code: {code}", code="-".join(result.code) or "-"),
        " · ".join(f"{letter} {result.percent(letter)}" for letter in "RIASEC"),
        "",
        "👍 " + card_names(t, data["liked"]),
        "👎 " + card_names(t, data["disliked"]),
        "",
        t("💼 Suggested jobs:"),
    ]
    for s in data["suggestions"]:
        job = cards.get(s["id"])
        if job is not None:
            lines.append(f"• {t.isolate(job.norwegian.name)} (STYRK-08 {job.styrk08})")
    return "\n".join(lines)


async def show_interests(update: Update, context: Context, w: Who, candidate_id: int) -> None:
    """The candidate's interest mapping: in full if they share with their specialist,
    otherwise only that (and when) it was done."""
    t = w.t
    cand = await storage(context).run(people.specialist_candidate, w.user.id, candidate_id)
    if cand is None:
        await send_menu(update, context, w, t("This button is not for you."))
        return
    results = await storage(context).run(sessions.results_for, cand.id)
    shares = cand.user_id is not None and await storage(context).run(consent.allows, cand.user_id, "specialist")
    heading = t("🎯 Interests: {label}", label=t.isolate(cand.label))
    if not results:
        text = heading + "\n" + t("No picture cards done yet.")
    elif not shares:
        dates = ", ".join(t.day(r.created_at, config(context).timezone) for r in results)
        text = heading + "\n" + t("Picture cards done: {dates}. The candidate does not share the result with you.", dates=dates)
    else:
        tz = config(context).timezone
        text = heading + "\n\n" + interest_report(t, results[0], tz)
        if len(results) > 1:
            text += "\n\n" + t("Earlier: {list}", list=", ".join(f"{t.day(r.created_at, tz)} {r.code or '?'}" for r in results[1:6]))
    buttons = [button(t, f"spec:cand:{cand.id}", "👤", N_("Back")), home_button(t)]
    await send(update, context, text, InlineKeyboardMarkup(rows(buttons)))


async def show_word_progress(update: Update, context: Context, w: Who, candidate_id: int) -> None:
    """Word practice per deck, only if the candidate shares it with their specialist."""
    from bot.handlers.words import deck_label, list_titles
    from bot.vocabulary import memory, practice

    t = w.t
    cand = await storage(context).run(people.specialist_candidate, w.user.id, candidate_id)
    if cand is None:
        await send_menu(update, context, w, t("This button is not for you."))
        return
    shares = cand.user_id is not None and await storage(context).run(consent.allows, cand.user_id, "specialist")
    lines = [t("📚 Words: {label}", label=t.isolate(cand.label))]
    if not shares:
        lines.append(t("The candidate does not share word practice with you."))
    else:
        def read(db):
            progress = practice.progress(db, cand.id, utcnow(), config(context).timezone)
            return progress, list_titles(db, progress)

        progress, titles = await storage(context).run(read)
        lines += [f"{deck_label(t, p.deck, titles)}: 👀 {p.seen}/{p.words} ⭐ {p.mastered} ⏰ {p.due}" for p in progress]
        lines += ["", t("👀 seen  ⭐ learned well  ⏰ due today"),
                  t("⭐ = remembered for at least {days} days without practice.", days=int(memory.MASTERED_STABILITY_DAYS))]
    buttons = [button(t, f"spec:cand:{cand.id}", "👤", N_("Back")), home_button(t)]
    await send(update, context, "\n".join(lines), InlineKeyboardMarkup(rows(buttons)))


async def interest_note(context: Context, candidate_id: int, result: sessions.Result) -> None:
    """Tell the specialist that a round was finished; the button shows what is shared."""
    cand = await storage(context).run(people.get_candidate, candidate_id)
    found = await storage(context).run(people.specialist_of, candidate_id) if cand else None
    if found is None:
        return
    specialist, label = found
    t = translator(specialist.language)
    shares = await storage(context).run(consent.allows, cand.user_id, "specialist")
    text = t("🎯 {label} finished the picture cards.", label=t.isolate(label))
    if not shares:
        text += "\n" + t("The candidate does not share the result with you.")
    markup = InlineKeyboardMarkup([[button(t, f"spec:int:{cand.id}", "🎯", N_("Interests"))]]) if shares else None
    try:
        await context.bot.send_message(specialist.id, text, reply_markup=markup)
    except TelegramError as err:  # the specialist blocked the bot: the candidate must not notice
        log.warning("could not tell specialist %s about a finished round: %s", specialist.id, err)


def _plan_of(db, specialist_id: int, candidate_id: int):
    cand = people.specialist_candidate(db, specialist_id, candidate_id)
    if cand is None or cand.user_id is None:
        return None, []
    return cand, plan.visible_to_specialist(db, cand.user_id, plan.upcoming(db, cand.id, None, 20))


async def show_plan_of(update: Update, context: Context, w: Who, candidate_id: int) -> None:
    """📅 A candidate's coming meetings, shifts and tasks, with ➕ to add and 🚫 to cancel.
    The answers (✅/❌) show only when the candidate shares them."""
    t, tz = w.t, config(context).timezone
    cand, items = await storage(context).run(_plan_of, w.user.id, candidate_id)
    if cand is None:
        await send_menu(update, context, w, t("This button is not for you."))
        return
    shares = await storage(context).run(consent.allows, cand.user_id, "specialist")
    lines = [t("📅 Plan for {label}:", label=t.isolate(cand.label))]
    cancel = []
    for item in items:
        answer = f" · {t(ANSWER_TEXT[item.answer])}" if shares and item.answer else ""
        head = describe(t, item, tz)
        lines.append("• " + " · ".join(head[:2]) + answer)
        cancel.append(InlineKeyboardButton(f"🚫 {head[1] if len(head) > 1 else head[0]}"[:60], callback_data=f"spec:pcancel:{item.id}"))
    if not items:
        lines.append(t("Nothing planned."))
    add = [button(t, f"pb:new:{kind}:{cand.id}", "➕", label) for kind, label in
           (("meeting", N_("Meeting")), ("shift", N_("Work shift")), ("task", N_("Task")))]
    back = [button(t, f"spec:cand:{cand.id}", "👤", N_("Back")), home_button(t)]
    await send(update, context, "\n".join(lines), InlineKeyboardMarkup([add, *rows(cancel, 1), back]))


async def cancel_plan_item(update: Update, context: Context, w: Who, item_id: int) -> None:
    def cancel(db):
        item = plan.get(db, item_id)
        cand = people.specialist_candidate(db, w.user.id, item.candidate_id) if item else None
        if cand is None or item.id not in {i.id for i in plan.visible_to_specialist(db, cand.user_id, [item])}:
            return None
        return plan.cancel(db, item_id)

    item = await storage(context).run(cancel)
    if item is None:
        await stale_button_reply(update, context, w)
        return
    context.application.bot_data["deliverer"].wake()
    await send(update, context, w.t("🚫 Cancelled. The candidate is told."))
    await show_plan_of(update, context, w, item.candidate_id)


def _question_for(db, specialist_id: int, question_id: int):
    found = work_rules.question(db, question_id)
    cand = people.specialist_candidate(db, specialist_id, found.candidate_id) if found and found.answer is None else None
    return (found, cand) if cand else (None, None)


async def answer_question(update: Update, context: Context, w: Who, question_id: int) -> None:
    """✍️ under a candidate's question: the specialist's next text is the answer."""
    found, cand = await storage(context).run(_question_for, w.user.id, question_id)
    if found is None:
        await stale_button_reply(update, context, w)
        return
    await storage(context).run(people.set_pending, w.user.id, "question_answer", {"question": question_id})
    text = w.t("✍️ Write your answer in Norwegian. {label} gets it in their language.", label=w.t.isolate(cand.label))
    await send(update, context, text, InlineKeyboardMarkup([[home_button(w.t)]]))


MAX_ANSWER = 1500


async def question_answer_written(update: Update, context: Context, w: Who, text: str) -> None:
    question_id = w.user.pending_data.get("question")
    if len(text) > MAX_ANSWER or people.looks_like_id_number(text):
        await send(update, context, w.t("⚠️ Please write a short text, at most {n} characters, without ID numbers.", n=MAX_ANSWER))
        return
    answered = await storage(context).run(work_rules.answer_question, question_id, w.user.id, text) if question_id else None
    await storage(context).run(people.set_pending, w.user.id, None)
    if answered is None:
        await stale_button_reply(update, context, w)
        return
    context.application.bot_data["deliverer"].wake()
    await send_menu(update, context, w, w.t("✅ Sent. The candidate gets your answer in their language."))
