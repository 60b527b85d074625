"""Word practice in the chat (📚): the candidate's decks and progress, drill rounds with
pictures and sound, typed answers, and the daily reminder. The rules live in
bot.vocabulary; this module only shows them and reads the taps."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import people, speech, wordlists
from bot.db import utcnow
from bot.handlers.common import (
    Context,
    Who,
    button,
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
from bot.handlers.pictures import edit_picture, send_picture, send_voice
from bot.i18n import N_, Translator
from bot.vocabulary import answers, practice
from bot.vocabulary.decks import DECK_IDS, decks
from bot.vocabulary.drills import Exercise, Item

REMINDER_TIMES = ("07:00", "09:00", "12:00", "15:00", "17:00", "18:00", "19:00", "20:00")
TYPO_TEXT = {
    "missing": N_("One letter is missing."),
    "extra": N_("One letter too many."),
    "wrong": N_("One letter is wrong."),
    "swapped": N_("Two letters are swapped."),
}
NOTE_TEXT = {
    "spelled_out": N_("Tip: you can also write æ, ø and å."),
    "article_missing": N_("Remember the small word in front."),
    "article_other": N_("Look at the small word in front."),
}
QUESTION = {
    "picture_word": N_("🖼 What is this in Norwegian?"),
    "sound_translation": N_("🔊 What does it mean?"),
    "listen_word": N_("👂 Listen. Which word is it?"),
    "translation_word": N_("🇳🇴 Which word is it in Norwegian?"),
    "type_word": N_("✍️ Write it in Norwegian."),
}
NUMBER = re.compile(r"[0-9]{1,9}")


# -- small pieces ------------------------------------------------------------------------

def shown_translation(t: Translator, item: Item) -> str | None:
    found = item.translation(t.code)
    if found is None:
        return None
    text, machine = found
    return f"🤖 {text}" if machine else text


def word_line(t: Translator, item: Item) -> str:
    own = shown_translation(t, item)
    return t.isolate(item.norwegian) + (f" = {own}" if own else "")


def word_lines(t: Translator, item: Item) -> list[str]:
    """The word = its translation; the example, and the example in the reader's language."""
    lines = [word_line(t, item)]
    if item.example:
        lines.append(f"💬 {t.isolate(item.example)}")
        if item.example_translations.get(t.code):
            lines.append(item.example_translations[t.code])
    return lines


def deck_label(t: Translator, deck: str, list_titles: dict[str, str]) -> str:
    if deck in DECK_IDS:
        built_in = decks()[deck]
        norwegian, own = built_in.name("nb"), built_in.name(t.code)
        return f"{built_in.emoji} {t.isolate(norwegian)}" + ("" if own == norwegian else f" = {own}")
    if deck == practice.WORKPLACE_DECK:
        return t("🏢 My workplace")
    return "📋 " + t.isolate(list_titles.get(deck, "-"))


def list_titles(db, progress: list[practice.DeckProgress]) -> dict[str, str]:
    """The decks that are specialists' word lists ('list:<id>'), with their titles."""
    ids = {int(p.deck[5:]): p.deck for p in progress if p.deck.startswith("list:") and NUMBER.fullmatch(p.deck[5:])}
    return {ids[list_id]: title for list_id, title in wordlists.titles(db, list(ids)).items()}


async def _candidate(context: Context, w: Who):
    return await storage(context).run(people.candidate_of_user, w.user.id)


async def sound_of(context: Context, item: Item, example: bool = False) -> bytes | Path:
    """The clip to play: a person's recording of the word if there is one, else eSpeak's."""
    if item.voice and not example:
        data = await storage(context).run(practice.media, item.voice)
        if data:
            return data
    text = item.example if example else item.norwegian
    return await asyncio.to_thread(speech.clip, text, config(context).db_path.parent / "speech-cache")


async def picture_of(context: Context, item: Item) -> bytes | Path | None:
    if item.photo:
        return await storage(context).run(practice.media, item.photo)
    return item.picture


async def due_today(context: Context, candidate_id: int) -> int:
    return await storage(context).run(practice.due_count, candidate_id, utcnow(), config(context).timezone)


# -- the words menu ----------------------------------------------------------------------

async def words_menu(update: Update, context: Context, w: Who, note: str | None = None) -> None:
    t = w.t
    candidate = await _candidate(context, w)
    tz = config(context).timezone

    def read(db):
        practice.ensure_started(db, candidate.id)
        progress = practice.progress(db, candidate.id, utcnow(), tz)
        return progress, list_titles(db, progress), practice.due_count(db, candidate.id, utcnow(), tz), \
            sum(p.words - p.seen for p in progress)

    progress, titles, due, new = await storage(context).run(read)
    lines = ([note, ""] if note else []) + [t("📚 Words. Due today: {due}. New: {new}.", due=due, new=new), ""]
    for p in progress:
        lines.append(f"{deck_label(t, p.deck, titles)}: 👀 {p.seen}/{p.words} ⭐ {p.mastered} ⏰ {p.due}")
    lines += ["", t("👀 seen  ⭐ learned well  ⏰ due today")]
    buttons = [
        button(t, "voc:go", "▶️", N_("Practise")),
        button(t, "voc:look", "📖", N_("Look at words")),
        button(t, "voc:decks", "📂", N_("Choose decks")),
        button(t, "voc:rem", "⏰", N_("Daily reminder")),
        home_button(t),
    ]
    await send(update, context, "\n".join(lines), InlineKeyboardMarkup(rows(buttons)))


async def show_decks_to_look_at(update: Update, context: Context, w: Who) -> None:
    t = w.t
    candidate = await _candidate(context, w)

    def read(db):
        progress = practice.progress(db, candidate.id, utcnow(), config(context).timezone)
        return progress, list_titles(db, progress)

    progress, titles = await storage(context).run(read)
    buttons = [InlineKeyboardButton(deck_label(t, p.deck, titles), callback_data=f"voc:see:0:{p.deck}") for p in progress]
    buttons.append(button(t, "voc:menu", "📚", N_("Words")))
    await send(update, context, t("📖 Which words do you want to look at?"), InlineKeyboardMarkup(rows(buttons, 1)))


async def show_word(update: Update, context: Context, w: Who, deck: str, index: int) -> None:
    """One word of a deck, with its picture, its translation and the example; ◀️ ▶️ go
    through the deck in the same message, 🔊 and 💬🔊 read the word and the example aloud."""
    t = w.t
    candidate = await _candidate(context, w)
    words = await storage(context).run(practice.deck_items, candidate.id, deck)
    if not words:
        await stale_button_reply(update, context, w)
        return
    index %= len(words)
    item = words[index]
    lines = [f"{index + 1} / {len(words)}", *word_lines(t, item)]
    sounds = [button(t, f"voc:say:{item.key}", "🔊", N_("Listen"))]
    if item.example:
        sounds.append(button(t, f"voc:ex:{item.key}", "💬🔊", N_("Example")))
    markup = InlineKeyboardMarkup([
        [InlineKeyboardButton("◀️", callback_data=f"voc:see:{index - 1}:{deck}"),
         InlineKeyboardButton("▶️", callback_data=f"voc:see:{index + 1}:{deck}")],
        sounds,
        [button(t, "voc:go", "🏋️", N_("Practise")), button(t, "voc:menu", "📚", N_("Words"))],
    ])
    caption = "\n".join(lines)
    tapped = update.callback_query.message if update.callback_query else None
    if item.has_picture:
        source = await picture_of(context, item)
        if tapped is not None and tapped.photo and await edit_picture(context, tapped, source, caption, markup):
            return
        await send_picture(context, update.effective_chat.id, source, caption, markup)
    else:
        await send(update, context, caption, markup)


async def show_decks(update: Update, context: Context, w: Who) -> None:
    t = w.t
    candidate = await _candidate(context, w)
    chosen = set(await storage(context).run(practice.chosen_decks, candidate.id))
    buttons = [
        InlineKeyboardButton(("✅ " if d in chosen else "⬜ ") + deck_label(t, d, {}), callback_data=f"voc:pick:{d}")
        for d in DECK_IDS
    ]
    buttons.append(button(t, "voc:menu", "📚", N_("Words")))
    await send(update, context, t("📂 Tap a deck to learn it, or tap again to stop."), InlineKeyboardMarkup(rows(buttons, 1)))


async def show_reminder(update: Update, context: Context, w: Who) -> None:
    t = w.t
    candidate = await _candidate(context, w)
    current = await storage(context).run(practice.reminder_time, candidate.id)
    text = (t("⏰ Every day at {time}, if words are due.", time=current) if current
            else t("⏰ I can remind you every day, only when words are due. When?"))
    buttons = [InlineKeyboardButton(("✅ " if x == current else "") + x, callback_data=f"voc:rem:{x}") for x in REMINDER_TIMES]
    if current:
        buttons.append(button(t, "voc:rem:off", "🔕", N_("No reminder")))
    buttons.append(button(t, "voc:menu", "📚", N_("Words")))
    await send(update, context, text, InlineKeyboardMarkup(rows(buttons, 4)))


# -- a round -----------------------------------------------------------------------------

async def start_or_continue(update: Update, context: Context, w: Who) -> None:
    candidate = await _candidate(context, w)
    current = await storage(context).run(practice.current_round, candidate.id)
    if current is None or current.current is None:
        current = await storage(context).run(practice.start_round, candidate.id, w.t.code, utcnow(), config(context).timezone)
    if current is None:
        await words_menu(update, context, w, w.t("🎉 Nothing to practise now. Choose another deck, or come back tomorrow."))
        return
    await ask(update, context, w, current)


def _option_label(t: Translator, kind: str, option: Item) -> str:
    if kind == "sound_translation":
        return shown_translation(t, option) or option.norwegian
    return option.norwegian


async def ask(update: Update, context: Context, w: Who, current: practice.Round) -> None:
    t = w.t
    exercise = current.current
    candidate = await _candidate(context, w)
    keys = [exercise.item, *exercise.options]
    found = await storage(context).run(lambda db: {k: practice.item(db, candidate.id, k) for k in keys})
    item = found[exercise.item]
    if item is None or (exercise.options and sum(found[k] is not None for k in exercise.options) < 2):
        await _answered(update, context, w, current, exercise, "skip", None)  # a mentor removed the word meanwhile
        return
    chat = update.effective_chat.id
    head = f"{current.position + 1} / {len(current.exercises)}  {t(QUESTION[exercise.kind])}"
    key = f"{current.id}:{current.position}"
    if exercise.kind == "type_word":
        await storage(context).run(people.set_pending, w.user.id, "vocab_typing", {"round": current.id, "position": current.position})
        markup = InlineKeyboardMarkup([[button(t, f"voc:say:{exercise.item}", "🔊", N_("Listen")),
                                        button(t, f"voc:skip:{key}", "🤷", N_("I don't know"))]])
        caption = "\n".join(x for x in (head, shown_translation(t, item)) if x)
        if item.has_picture:
            await send_picture(context, chat, await picture_of(context, item), caption, markup)
        else:
            await context.bot.send_message(chat, caption, reply_markup=markup)
        return
    choices = [InlineKeyboardButton(_option_label(t, exercise.kind, found[o]), callback_data=f"voc:a:{key}:{i}")
               for i, o in enumerate(exercise.options) if found[o] is not None]
    markup = InlineKeyboardMarkup(rows(choices, 1 if exercise.kind == "sound_translation" else 2))
    if exercise.kind == "picture_word":
        await send_picture(context, chat, await picture_of(context, item), head, markup)
    elif exercise.kind == "sound_translation":
        await send_voice(context, chat, await sound_of(context, item), f"{head}\n{t.isolate(item.norwegian)}", markup)
    elif exercise.kind == "listen_word":
        await send_voice(context, chat, await sound_of(context, item), head, markup)
    else:
        await context.bot.send_message(chat, f"{head}\n{shown_translation(t, item)}", reply_markup=markup)


async def show_right_answer(context: Context, t: Translator, chat_id: int, item: Item, heading: str) -> None:
    """The word with its picture and its sound, after a wrong answer."""
    lines = [heading, *word_lines(t, item)]
    if item.has_picture:
        await send_picture(context, chat_id, await picture_of(context, item), "\n".join(lines))
    else:
        await context.bot.send_message(chat_id, "\n".join(lines))
    await send_voice(context, chat_id, await sound_of(context, item), markup=example_button(t, item))


def example_button(t: Translator, item: Item) -> InlineKeyboardMarkup | None:
    """🔊 the example sentence, read aloud (None when the word has no example)."""
    if not item.example:
        return None
    return InlineKeyboardMarkup([[button(t, f"voc:ex:{item.key}", "💬🔊", N_("Example"))]])


async def _answered(update: Update, context: Context, w: Who, current: practice.Round, exercise: Exercise,
                    rating: str, feedback: str | None, item: Item | None = None) -> None:
    tz = config(context).timezone
    candidate = await _candidate(context, w)
    after = await storage(context).run(practice.record_answer, candidate.id, current.id, current.position, rating, utcnow(), tz)
    if after is None:  # answered already (a double tap)
        return
    if feedback and item is not None:
        if rating == "again":
            await show_right_answer(context, w.t, update.effective_chat.id, item, feedback)
        else:
            await send(update, context, feedback, example_button(w.t, item))
    if after.current is not None:
        await ask(update, context, w, after)
        return
    await storage(context).run(people.set_pending, w.user.id, None)
    due = await due_today(context, candidate.id)
    buttons = [button(w.t, "voc:go", "▶️", N_("Again")), button(w.t, "voc:menu", "📚", N_("Words")), home_button(w.t)]
    text = w.t("🎉 Round done! Right: {right} / {total}. Due today: {due}.", right=after.right, total=len(after.exercises), due=due)
    await send(update, context, text, InlineKeyboardMarkup(rows(buttons, 3)))


async def _open_exercise(context: Context, w: Who, round_id: int, position: int):
    candidate = await _candidate(context, w)
    current = await storage(context).run(practice.current_round, candidate.id)
    if current is None or current.id != round_id or current.position != position or current.current is None:
        return None, None, None
    item = await storage(context).run(practice.item, candidate.id, current.current.item)
    return current, current.current, item


async def choice(update: Update, context: Context, w: Who, round_id: int, position: int, index: int) -> None:
    current, exercise, item = await _open_exercise(context, w, round_id, position)
    if current is None or exercise.kind == "type_word" or not 0 <= index < len(exercise.options):
        await close_buttons(update)
        await stale_button_reply(update, context, w)
        return
    if item is None:
        await close_buttons(update)
        await _answered(update, context, w, current, exercise, "skip", None)
    elif exercise.options[index] == exercise.item:
        # The verdict goes on the question itself: one message less per answer (Telegram
        # lets a bot send about 30 a second in all, so each one counts at a busy hour).
        await mark_question(update, w.t("✅ Right!") + " " + word_line(w.t, item), example_button(w.t, item))
        await _answered(update, context, w, current, exercise, "good", None, item)
    else:
        await mark_question(update, "❌")
        await _answered(update, context, w, current, exercise, "again", w.t("❌ Not quite. The right answer:"), item)


async def mark_question(update: Update, note: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Write the verdict under the question that was answered, in place of its buttons."""
    query = update.callback_query
    message = query.message
    try:
        if message.text is not None:
            await query.edit_message_text(f"{message.text}\n\n{note}", reply_markup=markup)
        else:
            await query.edit_message_caption(f"{message.caption or ''}\n\n{note}".strip(), reply_markup=markup)
    except TelegramError:
        await close_buttons(update)  # too old to edit, or not changed: at least no second tap


async def typed(update: Update, context: Context, w: Who, text: str) -> None:
    """The candidate wrote a word while a typing question was open."""
    data = w.user.pending_data or {}
    current, exercise, item = await _open_exercise(context, w, data.get("round", -1), data.get("position", -1))
    if current is None or exercise.kind != "type_word":
        await storage(context).run(people.set_pending, w.user.id, None)
        await send_menu(update, context, w)
        return
    if item is None:
        await _answered(update, context, w, current, exercise, "skip", None)
        return
    verdict = answers.check(text[:200], item.norwegian)
    t = w.t
    if not verdict.right:
        await _answered(update, context, w, current, exercise, "again", t("❌ Not quite. The word is:"), item)
        return
    lines = [t("✅ Right!") if verdict.typo is None else t("✅ Almost!") + " " + t(TYPO_TEXT[verdict.typo])]
    lines += [t(NOTE_TEXT[n]) for n in verdict.notes]
    lines.append(word_line(t, item))
    rating = "good" if verdict.typo is None and "article_other" not in verdict.notes else "hard"
    await _answered(update, context, w, current, exercise, rating, "\n".join(lines), item)


# -- buttons -----------------------------------------------------------------------------

async def words_button(update: Update, context: Context) -> None:
    w = await require_role(update, context, "candidate")
    if w is None:
        return
    parts = update.callback_query.data.split(":")
    action, args = parts[1], parts[2:]
    numbers = [int(a) for a in args if NUMBER.fullmatch(a)]
    candidate = await _candidate(context, w)
    tz = config(context).timezone
    if action == "menu":
        await words_menu(update, context, w)
    elif action == "go":
        await close_buttons(update)
        await start_or_continue(update, context, w)
    elif action == "decks":
        await show_decks(update, context, w)
    elif action == "look":
        await show_decks_to_look_at(update, context, w)
    elif action == "see" and len(args) >= 2 and re.fullmatch(r"-?[0-9]{1,4}", args[0]):
        await show_word(update, context, w, ":".join(args[1:]), int(args[0]))
    elif action == "pick" and args and args[0] in DECK_IDS:
        chosen = await storage(context).run(practice.chosen_decks, candidate.id)
        await storage(context).run(practice.choose_deck, candidate.id, args[0], args[0] not in chosen)
        await close_buttons(update)
        await show_decks(update, context, w)
    elif action == "rem" and not args:
        await show_reminder(update, context, w)
    elif action == "rem" and ":".join(args) in ("off", *REMINDER_TIMES):
        chosen = None if args == ["off"] else ":".join(args)
        await close_buttons(update)
        await storage(context).run(practice.set_reminder, candidate.id, chosen, utcnow(), tz)
        note = w.t("⏰ Every day at {time}, if words are due.", time=chosen) if chosen else w.t("🔕 No daily reminder.")
        await words_menu(update, context, w, note)
    elif action == "a" and len(args) == 3 and len(numbers) == 3:
        await choice(update, context, w, *numbers)
    elif action == "skip" and len(args) == 2 and len(numbers) == 2:
        current, exercise, item = await _open_exercise(context, w, *numbers)
        await close_buttons(update)
        if current is None:
            await stale_button_reply(update, context, w)
            return
        await _answered(update, context, w, current, exercise, "again" if item else "skip", w.t("💡 The word is:"), item)
    elif action in ("say", "ex") and len(args) == 2:
        item = await storage(context).run(practice.item, candidate.id, f"{args[0]}:{args[1]}")
        if item is None or (action == "ex" and not item.example):
            await stale_button_reply(update, context, w)
            return
        await send_voice(context, update.effective_chat.id, await sound_of(context, item, example=action == "ex"))
    else:
        await stale_button_reply(update, context, w)
