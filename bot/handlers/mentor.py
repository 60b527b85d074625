"""The mentor at the workplace (fadder)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.handlers.common import (
    Context,
    Who,
    home_button,
    require_role,
    rows,
    send,
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
    elif action == "shift":
        await choose_mentee_for_shift(update, context, w)
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



async def choose_mentee_for_shift(update: Update, context: Context, w: Who) -> None:
    """🕘 Add a shift: for which candidate (asked only when there are several)."""
    choices = await storage(context).run(mentee_choices, w.user.id)
    if not choices:
        await send_menu(update, context, w, w.t("👥 No candidates yet. A candidate can send you a link."))
        return
    if len(choices) == 1:
        from bot.handlers.plan_builder import start

        await start(update, context, w, {"cand": choices[0][0], "kind": "shift"})
        return
    buttons = [InlineKeyboardButton(f"🤝 {w.t.isolate(name) if name else number}", callback_data=f"pb:new:shift:{cid}")
               for number, (cid, name) in enumerate(choices, 1)]
    await send(update, context, w.t("🕘 Who is the shift for?"), InlineKeyboardMarkup(rows([*buttons, home_button(w.t)], 1)))
