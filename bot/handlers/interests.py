"""Interest mapping in the chat: choose a round, answer picture cards (👍 👎 ❓, undo,
pause), see the result, check the sentences. The rules live in bot.interests."""

from __future__ import annotations

import asyncio
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot import people
from bot.handlers.common import (
    Context,
    Who,
    button,
    card_name,
    close_buttons,
    config,
    home_button,
    require_role,
    rows,
    send,
    send_menu,
    stale_button_reply,
    storage,
)
from bot.handlers.pictures import edit_picture, send_picture
from bot.handlers.specialist import interest_note
from bot.i18n import N_, Translator
from bot.interests import pictures, scoring, sessions
from bot.interests.cards import Card, Deck, deck

ANSWER_CODES = {"l": "like", "d": "dislike", "u": "unsure"}
ROUND_LABELS = {"short": N_("Short"), "medium": N_("Medium"), "full": N_("All cards")}
EDUCATION = {
    "none": N_("no education needed"),
    "course": N_("a course"),
    "trade_certificate": N_("trade certificate"),
    "higher_education": N_("college or university"),
}


def card_caption(t: Translator, card: Card, done: int, total: int) -> str:
    lines = [f"{done + 1} / {total}", f"{card.emoji} {card_name(t, card)}"]
    if card.kind == "occupation":
        lines.append(card.text(t.code).detail)
    return "\n".join(lines)


def card_markup(t: Translator, session: sessions.Session) -> InlineKeyboardMarkup:
    key = f"{session.id}:{session.position}"
    answers = [InlineKeyboardButton(icon, callback_data=f"int:a:{key}:{code}") for icon, code in (("👍", "l"), ("👎", "d"), ("❓", "u"))]
    tools = [button(t, f"int:pause:{session.id}", "⏸", N_("Pause"))]
    if session.position:
        tools.insert(0, button(t, f"int:undo:{key}", "↩️", N_("Back")))
    return InlineKeyboardMarkup([answers, tools])


async def interests_menu(update: Update, context: Context, w: Who) -> None:
    """🎯 from the main menu: go on with a round, or start one; earlier results."""
    t = w.t
    candidate = await storage(context).run(people.candidate_of_user, w.user.id)
    current = await storage(context).run(sessions.open_session, candidate.id)
    if current is not None and current.current_card_id is None:  # all answered, no result yet
        await finish_round(update, context, w, current, None)
        return
    results = await storage(context).run(sessions.results_for, candidate.id)
    buttons: list[InlineKeyboardButton] = []
    if current is not None:
        text = t("🎯 You have a round going: {done} / {total}.", done=current.position + 1, total=current.total)
        buttons.append(button(t, "int:go", "▶️", N_("Continue")))
        buttons.append(button(t, "int:sizes", "🔁", N_("Start again")))
    else:
        text = t(
            "🎯 You see pictures of jobs and work, one at a time. "
            "Tap 👍 if you like it, 👎 if you do not, ❓ if you do not know. There are no wrong answers."
        )
        buttons += size_buttons(t, deck())
    if results:
        buttons.append(button(t, "int:results", "📊", N_("My results")))
    buttons.append(home_button(t))
    await send(update, context, text, InlineKeyboardMarkup(rows(buttons, 1)))


def size_buttons(t: Translator, cards: Deck) -> list[InlineKeyboardButton]:
    buttons = []
    for icon, size in (("🟢", "short"), ("🟡", "medium"), ("🔵", "full")):
        label = f"{icon} {t(ROUND_LABELS[size])} ({sessions.round_length(cards, size)})"  # no noun: no plural forms
        buttons.append(InlineKeyboardButton(label, callback_data=f"int:new:{size}"))
    return buttons


NUMBER = re.compile(r"[0-9]{1,9}")


async def interests_button(update: Update, context: Context) -> None:
    w = await require_role(update, context, "candidate")
    if w is None:
        return
    parts = update.callback_query.data.split(":")
    action, args = parts[1], parts[2:]
    candidate = await storage(context).run(people.candidate_of_user, w.user.id)
    numbers = [int(a) for a in args if NUMBER.fullmatch(a)]
    if action == "menu":
        await interests_menu(update, context, w)
    elif action == "sizes":
        buttons = size_buttons(w.t, deck()) + [home_button(w.t)]
        await send(update, context, w.t("🎯 How many cards?"), InlineKeyboardMarkup(rows(buttons, 1)))
    elif action == "new" and args and args[0] in sessions.SIZES:
        await close_buttons(update)  # a second tap on the size must not start a second round
        session = await storage(context).run(sessions.start, deck(), candidate.id, args[0])
        await show_card(update, context, w, session)
    elif action == "go":
        session = await storage(context).run(sessions.open_session, candidate.id)
        if session is None:
            await interests_menu(update, context, w)
        else:
            await show_card(update, context, w, session)
    elif action == "a" and len(args) == 3 and len(numbers) == 2 and args[2] in ANSWER_CODES:
        session_id, position = numbers
        await card_step(update, context, w, candidate.id, session_id,
                        lambda db: sessions.answer(db, session_id, position, ANSWER_CODES[args[2]]))
    elif action == "undo" and len(numbers) == 2:
        await card_step(update, context, w, candidate.id, numbers[0], lambda db: sessions.undo(db, *numbers))
    elif action == "pause" and len(numbers) == 1:
        await pause(update, context, w, candidate.id, numbers[0])
    elif action == "results":
        await show_results_list(update, context, w, candidate.id)
    elif action == "res" and len(numbers) == 1:
        await show_result(update, context, w, candidate.id, numbers[0])
    elif action == "st" and len(numbers) == 1:
        await show_statement(update, context, w, candidate.id, numbers[0])
    elif action == "sa" and len(numbers) == 3 and numbers[2] in (0, 1):
        await statement_answered(update, context, w, candidate.id, *numbers)
    else:
        await stale_button_reply(update, context, w)


async def show_card(update: Update, context: Context, w: Who, session: sessions.Session, message: Message | None = None) -> None:
    """The card on show, in a new message or in place of the tapped one; when every card is
    answered (the result was not made yet, say after a crash), the result instead."""
    session = await storage(context).run(sessions.skip_unknown_cards, deck(), session.id)
    if session.current_card_id is None:
        await finish_round(update, context, w, session, message)
        return
    card = deck()[session.current_card_id]
    caption = card_caption(w.t, card, session.position, session.total)
    markup = card_markup(w.t, session)
    if message is not None and await edit_picture(context, message, card.picture, caption, markup):
        return
    await send_picture(context, update.effective_chat.id, card.picture, caption, markup)


async def owned_session(context: Context, candidate_id: int, session_id: int) -> sessions.Session | None:
    session = await storage(context).run(sessions.get, session_id)
    return session if session is not None and session.candidate_id == candidate_id else None


async def card_step(update: Update, context: Context, w: Who, candidate_id: int, session_id: int, step) -> None:
    """An answer or an undo on the candidate's own round, then the card now on show."""
    if await owned_session(context, candidate_id, session_id) is None:
        await stale_button_reply(update, context, w)
        return
    message = update.callback_query.message
    session = await storage(context).run(step)
    if session is None:  # refused: a second tap, an older card message, or an ended round
        session = await storage(context).run(sessions.get, session_id)
        if session.finished_at:
            await close_buttons(update)
        else:  # bring this message up to date (after a double tap it already is: "not modified")
            await show_card(update, context, w, session, message)
        return
    await show_card(update, context, w, session, message)


async def finish_round(update: Update, context: Context, w: Who, session: sessions.Session, message: Message | None) -> None:
    """Every card is answered: store the result first, then tell the candidate and the specialist."""
    result = await storage(context).run(sessions.finish, deck(), session.id)
    if message is not None:
        try:
            await message.edit_caption(w.t("✅ All {n} cards done!", n=session.total), reply_markup=None)
        except TelegramError:
            pass  # the result below says it anyway
    if result is None:  # finished a moment ago (a double tap): it is shown already
        return
    await show_result(update, context, w, session.candidate_id, result.id)
    await interest_note(context, session.candidate_id, result)


async def pause(update: Update, context: Context, w: Who, candidate_id: int, session_id: int) -> None:
    session = await owned_session(context, candidate_id, session_id)
    if session is None or session.finished_at:
        await stale_button_reply(update, context, w)
        return
    await close_buttons(update)
    await send_menu(update, context, w, w.t(
        "⏸ Paused at {done} / {total}. Tap 🎯 Interests to go on. Your answers are saved.",
        done=session.position + 1, total=session.total,
    ))


def type_line(t: Translator, cards: Deck, letter: str, percent: int) -> str:
    kind = cards.types[letter]
    own = kind.text(t.code)
    return f"{kind.emoji} {own.name}: {percent}"


def sentence_line(t: Translator, cards: Deck, key: str) -> str:
    """A CV sentence: the Norwegian, and under it the reader's language when that differs."""
    norwegian = scoring.sentence(cards, key) or ""
    own = scoring.sentence(cards, key, t.code)
    line = f"• {t.isolate(norwegian)}"
    return line if not own or own == norwegian else f"{line}\n   ({own})"


def result_text(t: Translator, cards: Deck, result: sessions.Result) -> str:
    if result.code:
        lines = [t("🎯 What you like most:")]
        lines += [type_line(t, cards, letter, result.percent(letter)) for letter in result.code]
    else:
        lines = [t("🎯 No clear favourites this time. That is OK. You can try again, or talk with your job specialist.")]
    suggestions = [s for s in result.data["suggestions"] if s["id"] in cards.cards]
    if suggestions:
        lines += ["", t("💼 Jobs that may fit you:")]
        for s in suggestions:
            job = cards[s["id"]]
            lines.append(f"{job.emoji} {card_name(t, job)} (🎓 {t(EDUCATION[job.education])})")
            related = [card_name(t, cards[r]) for r in s["related"] if r in cards.cards]
            if related:
                lines.append("   " + t("also: {jobs}", jobs=", ".join(related)))
    sentences = [key for key in result.data["sentences"] if scoring.sentence(cards, key)]
    if sentences:
        lines += ["", t("🗣 Sentences for your CV and job interviews:")]
        lines += [sentence_line(t, cards, key) for key in sentences]
    return "\n".join(lines)


def result_picture(cards: Deck, result: sessions.Result) -> bytes:
    percent = {letter: result.percent(letter) for letter in result.scores}
    top = [cards[s["id"]] for s in result.data["suggestions"] if s["id"] in cards.cards][:3]
    return pictures.render_result(percent, result.code, top)


async def show_result(update: Update, context: Context, w: Who, candidate_id: int, result_id: int) -> None:
    """A result: its picture (drawn off the event loop, never cached), then its text and buttons."""
    t = w.t
    result = await storage(context).run(sessions.result, result_id)
    if result is None or result.candidate_id != candidate_id:
        await stale_button_reply(update, context, w)
        return
    cards = deck()
    image = await asyncio.to_thread(result_picture, cards, result)
    caption = t("📊 Your picture cards, {date}", date=t.day(result.created_at, config(context).timezone))
    await send_picture(context, update.effective_chat.id, image, caption, remember=False)
    has_statements = bool(await storage(context).run(sessions.statements, result.id))
    buttons = []
    if has_statements:
        buttons.append(button(t, f"int:st:{result.id}", "✅", N_("Check the sentences")))
    buttons += [button(t, "int:sizes", "🔁", N_("Do it again")), home_button(t)]
    await send(update, context, result_text(t, cards, result), InlineKeyboardMarkup(rows(buttons, 1)))


async def show_results_list(update: Update, context: Context, w: Who, candidate_id: int) -> None:
    t = w.t
    results = await storage(context).run(sessions.results_for, candidate_id)
    if not results:
        await interests_menu(update, context, w)
        return
    buttons = [
        InlineKeyboardButton(f"📊 {t.day(r.created_at, config(context).timezone)}: {'-'.join(r.code) or '?'}", callback_data=f"int:res:{r.id}")
        for r in results[:10]
    ]
    await send(update, context, t("📊 Your results. The newest is first."), InlineKeyboardMarkup(rows(buttons + [home_button(t)], 1)))


async def show_statement(update: Update, context: Context, w: Who, candidate_id: int, result_id: int) -> None:
    """The next true/false statement of the follow-up task, or the end of it."""
    t = w.t
    result = await storage(context).run(sessions.result, result_id)
    if result is None or result.candidate_id != candidate_id:
        await stale_button_reply(update, context, w)
        return
    all_statements = await storage(context).run(sessions.statements, result_id)
    pending = next((s for s in all_statements if s.answer is None), None)
    cards = deck()
    if pending is None:
        await statements_done(update, context, w, cards, all_statements)
        return
    text = t("Is this true for you? ({i} / {n})", i=pending.position + 1, n=len(all_statements))
    text += "\n\n" + sentence_line(t, cards, pending.card_id)
    key = f"int:sa:{result_id}:{pending.position}"
    markup = InlineKeyboardMarkup([[
        button(t, f"{key}:1", "✅", N_("True")),
        button(t, f"{key}:0", "❌", N_("Not true")),
    ]])
    await send(update, context, text, markup)


async def statement_answered(update: Update, context: Context, w: Who, candidate_id: int, result_id: int, position: int, value: int) -> None:
    result = await storage(context).run(sessions.result, result_id)
    if result is None or result.candidate_id != candidate_id:
        await stale_button_reply(update, context, w)
        return
    if not await storage(context).run(sessions.answer_statement, result_id, position, bool(value)):
        return  # answered already: a second tap
    await close_buttons(update)
    await show_statement(update, context, w, candidate_id, result_id)


async def statements_done(update: Update, context: Context, w: Who, cards: Deck, answered: list[sessions.Statement]) -> None:
    t = w.t
    fits = sum(1 for s in answered if s.answer == s.expected)
    lines = [t("👏 Done! {fits} of {n} answers fit your picture cards.", fits=fits, n=len(answered))]
    true_ones = [s.card_id for s in answered if s.answer and scoring.sentence(cards, s.card_id)]
    if true_ones:
        lines += ["", t("🗣 Your sentences. Practise saying them out loud:")]
        lines += [sentence_line(t, cards, key) for key in true_ones]
    await send_menu(update, context, w, "\n".join(lines))


