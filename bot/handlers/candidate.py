"""The candidate's main menu."""

from __future__ import annotations

from telegram import Update

from bot import invitations
from bot.handlers.common import (
    Context,
    require_role,
    stale_button_reply,
    storage,
)
from bot.handlers.absence import ask_what
from bot.handlers.interests import interests_menu
from bot.handlers.invite_links import send_invitation
from bot.handlers.plan import show_plan
from bot.handlers.rules import rules_menu
from bot.handlers.words import words_menu


async def candidate_button(update: Update, context: Context) -> None:
    w = await require_role(update, context, "candidate")
    if w is None:
        return
    action = update.callback_query.data.split(":", 1)[1]
    if action == "invite_mentor":
        code = await storage(context).run(invitations.invite_mentor, w.user.id)
        await send_invitation(
            update,
            context,
            w,
            code,
            w.t("🤝 Send this link to your mentor at work, or show the QR code. It works once, for 14 days. Your mentor sees only what you allow in /privacy."),
            w.t("🤝 For your mentor"),
        )
    elif action == "plan":
        await show_plan(update, context, w)
    elif action == "absence":
        await ask_what(update, context, w)
    elif action == "words":
        await words_menu(update, context, w)
    elif action == "interests":
        await interests_menu(update, context, w)
    elif action == "rules":
        await rules_menu(update, context, w)
    else:
        await stale_button_reply(update, context, w)
