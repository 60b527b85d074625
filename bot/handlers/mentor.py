"""The mentor at the workplace (fadder)."""

from __future__ import annotations

from telegram import Update

from bot import consent, people
from bot.handlers.common import (
    Context,
    require_role,
    send_menu,
    stale_button_reply,
    storage,
)
from bot.handlers.mentor_words import my_words, share_word


def _mentee_lines(db, mentor_id: int) -> list[tuple[bool, str | None]]:
    """For each candidate: whether they share with mentors, and their first name if so."""
    result = []
    for cand in people.mentees(db, mentor_id):
        if cand.user_id and consent.allows(db, cand.user_id, "mentor"):
            user = people.get_user(db, cand.user_id)
            result.append((True, user.first_name if user else None))
        else:
            result.append((False, None))
    return result


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
        mentees = await storage(context).run(_mentee_lines, w.user.id)
        if not mentees:
            await send_menu(update, context, w, t("👥 No candidates yet. A candidate can send you a link."))
            return
        lines = [t("👥 Your candidates: {n}", n=len(mentees))]
        for shares, name in mentees:
            lines.append("🤝 " + (t.isolate(name or "-") if shares else t("A candidate (shares nothing with you now)")))
        await send_menu(update, context, w, "\n".join(lines))
    else:
        await stale_button_reply(update, context, w)

