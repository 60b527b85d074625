"""The mentor shares workplace words: a photo with the Norwegian word (or just the word),
then their own voice saying it; and lists, corrects and removes what they shared.
The word goes into the candidate's "my workplace" deck (bot.vocabulary.practice)."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import consent, languages, outbox, people
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
    who,
)
from bot.db import transaction
from bot.i18n import N_
from bot.vocabulary import photos, practice

log = logging.getLogger(__name__)
MAX_WORD = 80
MAX_DOWNLOAD = 20 * 1024 * 1024  # the Bot API's getFile limit
NUMBER = re.compile(r"[0-9]{1,9}")


def mentee_choices(db, mentor_id: int) -> list[tuple[int, str | None]]:
    """Each candidate of this mentor, with their first name if they share it with mentors."""
    found = []
    for cand in people.mentees(db, mentor_id):
        user = people.get_user(db, cand.user_id) if cand.user_id else None
        if user is None:
            continue
        found.append((cand.id, user.first_name if consent.allows(db, user.id, "mentor") else None))
    return found


async def share_word(update: Update, context: Context, w: Who) -> None:
    """📷 from the mentor's menu: for which candidate, then the photo or the word."""
    choices = await storage(context).run(mentee_choices, w.user.id)
    if not choices:
        await send_menu(update, context, w, w.t("👥 No candidates yet. A candidate can send you a link."))
    elif len(choices) == 1:
        await _ask_for_word(update, context, w, choices[0][0])
    else:
        buttons = [InlineKeyboardButton(f"🤝 {w.t.isolate(name) if name else number}", callback_data=f"mw:for:{cid}")
                   for number, (cid, name) in enumerate(choices, 1)]
        await send(update, context, w.t("📷 Who is the word for?"), InlineKeyboardMarkup(rows([*buttons, home_button(w.t)], 1)))


async def _ask_for_word(update: Update, context: Context, w: Who, candidate_id: int) -> None:
    await storage(context).run(people.set_pending, w.user.id, "mentor_word", {"candidate": candidate_id})
    await send(update, context, w.t("📷 Send a photo of the thing, with the Norwegian word as the caption. Or just write the word."),
               InlineKeyboardMarkup([[home_button(w.t)]]))


def _is_mentor_of(db, mentor_id: int, candidate_id: int) -> bool:
    return any(c.id == candidate_id for c in people.mentees(db, mentor_id))


async def _target(update: Update, context: Context, w: Who) -> int | None:
    """The candidate this photo or word is for: the one being asked about, or the only one."""
    data = w.user.pending_data or {}
    if w.user.pending_input in ("mentor_word", "mentor_word_caption") and "candidate" in data:
        if await storage(context).run(_is_mentor_of, w.user.id, data["candidate"]):
            return data["candidate"]
    choices = await storage(context).run(mentee_choices, w.user.id)
    return choices[0][0] if len(choices) == 1 else None


async def media_received(update: Update, context: Context) -> bool:
    """A photo or a file from a mentor. False if this is not for us (not a mentor)."""
    w = await who(update, context)
    if w.user is None or w.user.role != "mentor" or not w.user.onboarded:
        return False
    message = update.effective_message
    candidate_id = await _target(update, context, w)
    if candidate_id is None:
        await share_word(update, context, w)
        return True
    if message.photo:
        attachment = message.photo[-1]
    elif message.document and (message.document.mime_type or "").startswith("image/"):
        attachment = message.document
    else:
        await send_menu(update, context, w, w.t("📎 Please send a photo (JPG or PNG)."))
        return True
    if (attachment.file_size or 0) > MAX_DOWNLOAD:
        await send_menu(update, context, w, w.t("📎 This picture is too big. Please send it as a photo."))
        return True
    try:
        data = bytes(await (await attachment.get_file()).download_as_bytearray())
        jpeg = await asyncio.to_thread(photos.prepare, data)  # a big picture must not hold up other chats
    except photos.NotAPicture:
        await send_menu(update, context, w, w.t("📎 Please send a photo (JPG or PNG)."))
        return True
    except TelegramError:
        await send_menu(update, context, w, w.t("😕 Sorry, something went wrong. Please try again."))
        return True
    digest = await storage(context).run(practice.store_media, "photo", jpeg)
    caption = (message.caption or "").strip()
    if caption:
        await save_word(update, context, w, candidate_id, caption, digest)
    else:
        await storage(context).run(people.set_pending, w.user.id, "mentor_word_caption", {"candidate": candidate_id, "photo": digest})
        await send(update, context, w.t("✍️ What is it called in Norwegian? Write the word."), InlineKeyboardMarkup([[home_button(w.t)]]))
    return True


async def text_written(update: Update, context: Context, w: Who, text: str) -> None:
    """Free text while the bot waits for a word (new, for a photo, or a correction)."""
    data = w.user.pending_data or {}
    text = " ".join(text.split())
    if not text or len(text) > MAX_WORD:
        await send(update, context, w.t("✍️ Please write one word or a short phrase."), InlineKeyboardMarkup([[home_button(w.t)]]))
        return
    if w.user.pending_input == "mentor_word_fix":
        row = await storage(context).run(practice.word_row, data.get("word", -1))
        if row is None or row["added_by"] != w.user.id:
            await stale_button_reply(update, context, w)
            return
        target, found = await _translate(context, row["candidate_id"], text)
        kept_id = await storage(context).run(practice.correct_word, row["id"], text)
        if found is not None:
            await storage(context).run(practice.set_translation, kept_id, target, found.text, found.machine)
        await storage(context).run(people.set_pending, w.user.id, None)
        await send_menu(update, context, w, w.t("✏️ Changed to: {word}", word=w.t.isolate(text)))
        return
    candidate_id = data.get("candidate")
    if candidate_id is None or not await storage(context).run(_is_mentor_of, w.user.id, candidate_id):
        await stale_button_reply(update, context, w)
        return
    await save_word(update, context, w, candidate_id, text, data.get("photo"))


async def _translate(context: Context, candidate_id: int, text: str) -> tuple[str | None, object]:
    """(the candidate's language, a machine translation into it); the translation is None
    when none can be made, and the language None when the candidate reads Norwegian."""
    def language(db):
        cand = people.get_candidate(db, candidate_id)
        user = people.get_user(db, cand.user_id) if cand and cand.user_id else None
        return user.language if user else None

    target = await storage(context).run(language)
    if target is None or target == languages.base_language():
        return None, None
    try:
        found = await context.application.bot_data["translation"].translate(text, languages.base_language(), target)
    except Exception:  # a broken model must not lose the word
        log.exception("machine translation of a mentor's word failed")
        found = None
    return target, found


async def save_word(update: Update, context: Context, w: Who, candidate_id: int, text: str, photo: str | None) -> None:
    """Translate first, then store the word, its translation and the candidate's notice in one
    transaction: the notice never goes out before the translation is there."""
    text = " ".join(text.split())[:MAX_WORD]
    target, found = await _translate(context, candidate_id, text)

    def add(db):
        with transaction(db):
            word_id, new = practice.add_word(db, candidate_id, practice.WORKPLACE_DECK, text, photo=photo, added_by=w.user.id)
            if found is not None:
                practice.set_translation(db, word_id, target, found.text, found.machine)
            if new:
                outbox.enqueue(db, candidate_id, "vocab_word", word_id)
            translated = target is None or practice.word_item(db, word_id).translation(target) is not None
        return word_id, new, translated  # a built-in word has its deck's translation

    word_id, new, translated = await storage(context).run(add)
    context.application.bot_data["deliverer"].wake()
    lines = [w.t("✅ Saved: {word}. Your candidate gets it now.", word=w.t.isolate(text)) if new
             else w.t("✅ Your candidate has this word already. I added what was new.")]
    if not translated:
        lines.append(w.t("There is no machine translation for their language. They get the Norwegian, the picture and the sound."))
    lines.append(w.t("🎤 Now you can send a voice message: say the word. Or tap Done."))
    await storage(context).run(people.set_pending, w.user.id, "mentor_word_voice", {"word": word_id})
    await send(update, context, "\n".join(lines),
               InlineKeyboardMarkup([[button(w.t, "mw:done", "✅", N_("Done")), button(w.t, "mentor:share_word", "📷", N_("Next word"))]]))


async def voice_received(update: Update, context: Context) -> bool:
    """A mentor's recording of the word just shared. False if no word waits for one."""
    w = await who(update, context)
    if w.user is None or w.user.role != "mentor" or w.user.pending_input != "mentor_word_voice":
        return False
    voice = update.effective_message.voice
    row = await storage(context).run(practice.word_row, (w.user.pending_data or {}).get("word", -1))
    if voice is None or row is None or not await storage(context).run(_is_mentor_of, w.user.id, row["candidate_id"]):
        return False  # (the word may be one the candidate had already, merged: any of their mentors may speak it)
    try:
        data = bytes(await (await voice.get_file()).download_as_bytearray())
    except TelegramError:
        await send_menu(update, context, w, w.t("😕 Sorry, something went wrong. Please try again."))
        return True
    digest = await storage(context).run(practice.store_media, "voice", data)
    await storage(context).run(practice.set_voice, row["id"], digest)
    await storage(context).run(people.set_pending, w.user.id, None)
    await send_menu(update, context, w, w.t("🎤 Thank you! Your candidate hears your voice with this word."))
    return True


async def my_words(update: Update, context: Context, w: Who) -> None:
    shared = await storage(context).run(practice.shared_by, w.user.id)
    if not shared:
        await send_menu(update, context, w, w.t("📋 You have not shared any words yet."))
        return
    icons = {(True, True): "📷🎤", (True, False): "📷", (False, True): "🎤", (False, False): "✍️"}
    buttons = [InlineKeyboardButton(f"{icons[(bool(r['photo']), bool(r['voice']))]} {r['norwegian']}", callback_data=f"mw:w:{r['id']}")
               for r in shared[:40]]
    await send(update, context, w.t("📋 Words you shared. Tap one to change or remove it."),
               InlineKeyboardMarkup(rows([*buttons, home_button(w.t)], 2)))


async def mentor_words_button(update: Update, context: Context) -> None:
    w = await require_role(update, context, "mentor")
    if w is None:
        return
    parts = update.callback_query.data.split(":")
    action, args = parts[1], parts[2:]
    number = int(args[0]) if len(args) == 1 and NUMBER.fullmatch(args[0]) else None
    row = await storage(context).run(practice.word_row, number) if number is not None and action in ("w", "fix", "del") else None
    mine = row is not None and row["added_by"] == w.user.id
    if action == "for" and number is not None and await storage(context).run(_is_mentor_of, w.user.id, number):
        await _ask_for_word(update, context, w, number)
    elif action == "done":
        await storage(context).run(people.set_pending, w.user.id, None)
        await send_menu(update, context, w, w.t("✅ Thank you!"))
    elif action == "w" and mine:
        buttons = [button(w.t, f"mw:fix:{row['id']}", "✏️", N_("Correct")), button(w.t, f"mw:del:{row['id']}", "🗑", N_("Remove")),
                   button(w.t, "mentor:my_words", "📋", N_("My words"))]
        await send(update, context, f"{w.t.isolate(row['norwegian'])}", InlineKeyboardMarkup(rows(buttons, 2)))
    elif action == "fix" and mine:
        await storage(context).run(people.set_pending, w.user.id, "mentor_word_fix", {"word": row["id"]})
        await send(update, context, w.t("✍️ Write the word as it should be."), InlineKeyboardMarkup([[home_button(w.t)]]))
    elif action == "del" and mine:
        await storage(context).run(practice.remove_word, row["id"])
        await send_menu(update, context, w, w.t("🗑 Removed: {word}", word=w.t.isolate(row["norwegian"])))
    else:
        await stale_button_reply(update, context, w)
