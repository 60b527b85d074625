"""Sending an invitation: the deep link as text, the same link as a QR code, then the menu."""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update

from bot import invitations
from bot.handlers.common import Context, Who, send_menu


async def send_invitation(update: Update, context: Context, w: Who, code: str, text: str, caption: str) -> str:
    chat_id = update.effective_chat.id
    link = invitations.deep_link(context.bot.username, code)
    await context.bot.send_message(chat_id, f"{text}\n\n{link}")
    png = await asyncio.to_thread(invitations.qr_png, link)  # ~15 ms of CPU: keep it off the event loop
    qr = InputFile(png, filename="jobbvenn-invitation.png")
    await context.bot.send_photo(chat_id, photo=qr, caption=caption)
    await send_menu(update, context, w)
    return link
