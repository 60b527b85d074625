"""Sending pictures and voice clips: each file is uploaded once, then sent again by its file_id."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

from telegram import InlineKeyboardMarkup, InputMediaPhoto, Message
from telegram.error import BadRequest

from bot import telegram_files
from bot.handlers.common import Context, storage


_files: dict[Path, tuple[bytes, str]] = {}  # the card pictures: a few MB, read once


def _read(path: Path) -> tuple[bytes, str]:
    data = path.read_bytes()
    return data, hashlib.sha256(data).hexdigest()


async def picture(source: Path | bytes) -> tuple[bytes, str]:
    """The bytes and their SHA-256; files are read once, in a thread, and kept."""
    if isinstance(source, bytes):
        return source, hashlib.sha256(source).hexdigest()
    if source not in _files:
        _files[source] = await asyncio.to_thread(_read, source)
    return _files[source]


async def _known(context: Context, digest: str) -> str | None:
    return await storage(context).run(telegram_files.file_id, context.bot.id, digest)


async def _remember(context: Context, digest: str, message: Message | bool) -> None:
    await remember_file(context.bot, storage(context), digest, message)


async def remember_file(bot, store, digest: str, message: Message | bool) -> None:
    """Keep the file_id of the photo or voice in `message` for the file with this SHA-256."""
    if isinstance(message, Message) and (message.photo or message.voice):
        file_id = message.photo[-1].file_id if message.photo else message.voice.file_id
        await store.run(telegram_files.remember, bot.id, digest, file_id)


async def send_once(bot, store, source: Path | bytes, send) -> Message:
    """`send(file)` with the file_id if Telegram has the file already, else with the bytes
    (and the new file_id remembered); a file_id Telegram no longer knows is forgotten.
    Takes the bot and the storage, so the scheduler (bot.delivery) can use it too."""
    data, digest = await picture(source)
    known = await store.run(telegram_files.file_id, bot.id, digest)
    if known:
        try:
            return await send(known)
        except BadRequest as err:
            if not _bad_file(err):
                raise
            await store.run(telegram_files.forget, bot.id, digest)
    message = await send(data)
    await remember_file(bot, store, digest, message)
    return message


async def send_picture(
    context: Context, chat_id: int, source: Path | bytes, caption: str, markup: InlineKeyboardMarkup | None = None,
    remember: bool = True,
) -> Message:
    """Send a picture; with `remember`, by its file_id once uploaded. A picture made for one
    person (a result) is not remembered: nothing about them stays behind after /delete."""
    if not remember:
        return await context.bot.send_photo(chat_id, source, caption=caption, reply_markup=markup)
    return await send_once(context.bot, storage(context), source, lambda file: context.bot.send_photo(chat_id, file, caption=caption, reply_markup=markup))


async def send_voice(
    context: Context, chat_id: int, source: Path | bytes, caption: str | None = None,
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    """Send an OGG/Opus clip as a voice message, by its file_id once uploaded."""
    return await send_once(context.bot, storage(context), source, lambda file: context.bot.send_voice(chat_id, file, caption=caption, reply_markup=markup))


def _bad_file(err: BadRequest) -> bool:
    """Telegram no longer knows the file id (for example, another bot token)."""
    return "file" in str(err).lower()


async def edit_picture(
    context: Context, message: Message, source: Path | bytes, caption: str, markup: InlineKeyboardMarkup | None
) -> bool:
    """Show another picture in the same message; False if Telegram refuses (the caller sends anew)."""
    data, digest = await picture(source)
    known = await _known(context, digest)
    try:
        if known:
            try:
                await message.edit_media(InputMediaPhoto(known, caption=caption), reply_markup=markup)
                return True
            except BadRequest as err:
                if not _bad_file(err):
                    raise
                await storage(context).run(telegram_files.forget, context.bot.id, digest)
        edited = await message.edit_media(InputMediaPhoto(data, caption=caption), reply_markup=markup)
        await _remember(context, digest, edited)
        return True
    except BadRequest as err:
        return "not modified" in str(err).lower()  # it already shows this card; otherwise send anew
