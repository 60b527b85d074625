"""Sending an invitation: the deep link as text and the same link as a QR code."""

from __future__ import annotations

from telegram import InputFile

from bot import invitations
from bot.handlers.common import Context


async def send_invitation(context: Context, chat_id: int, code: str, text: str, caption: str) -> str:
    link = invitations.deep_link(context.bot.username, code)
    await context.bot.send_message(chat_id, f"{text}\n\n{link}", link_preview_options=None)
    qr = InputFile(invitations.qr_png(link), filename="jobbvenn-invitation.png")
    await context.bot.send_photo(chat_id, photo=qr, caption=caption)
    return link
