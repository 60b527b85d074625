"""The mentor at the workplace (fadder)."""

from __future__ import annotations

from telegram import Update

from bot.handlers.common import (
    Context,
    require_role,
    send_menu,
    stale_button_reply,
    storage,
)
from bot.handlers.mentor_words import mentee_choices, my_words, share_word


async def mentor_button(update: Update, context: Context) -> None:
    w = await require_role(update, context, "mentor")
    if w is None:
        return
    t = w.t
    action = update.callback_query.data.split(":", 1)[1]
    if action == "share_word":
        await share_word(update, context, w)
    elif action == "my_words":
        await my_words(update, context, w)
    elif action == "mentees":
        mentees = await storage(context).run(mentee_choices, w.user.id)
        if not mentees:
            await send_menu(update, context, w, t("👥 No candidates yet. A candidate can send you a link."))
            return
        lines = [t("👥 Your candidates: {n}", n=len(mentees))]
        for _, name in mentees:
            lines.append("🤝 " + (t.isolate(name) if name else t("A candidate (shares nothing with you now)")))
        await send_menu(update, context, w, "\n".join(lines))
    else:
        await stale_button_reply(update, context, w)

