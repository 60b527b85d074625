"""The administrator: invites job specialists from the bot (the CLI can too)."""

from __future__ import annotations

from telegram import Update

from bot import invitations
from bot.handlers.common import Context, require_role, stale_button_reply, storage
from bot.handlers.invite_links import send_invitation


async def admin_button(update: Update, context: Context) -> None:
    w = await require_role(update, context, "admin")
    if w is None:
        return
    action = update.callback_query.data.split(":", 1)[1]
    if action == "new_specialist":
        code = await storage(context).run(invitations.create, "specialist", w.user.id)
        await send_invitation(
            update, context, w, code,
            w.t("✅ Send this link to the new job specialist. It works once, for 14 days."),
            w.t("👩‍💼 For a new job specialist"),
        )
    else:
        await stale_button_reply(update, context, w)
