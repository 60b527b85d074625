"""Delivers the outbox to candidates through Telegram, in their language.

One task claims due rows, sends each, and marks it sent. Telegram's answers decide
what happens next: 429 waits `retry_after`; timeouts and 5xx back off and try again;
403 (the candidate blocked the bot) marks them unreachable, tells their specialist,
and gives up on the row. It wakes when told (the API just wrote a row) and polls
every few seconds for rows written by other processes.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot import outbox, people, plan, wordlists, workplace_rules
from bot.background import BackgroundLoop
from bot.i18n import translator

log = logging.getLogger(__name__)
POLL_SECONDS = 3.0


class OutboxDeliverer(BackgroundLoop):
    name = "jobbvenn-outbox"
    poll_seconds = POLL_SECONDS

    def __init__(self, application: Application):
        super().__init__()
        self.application = application
        self.storage = application.bot_data["storage"]
        self.timezone = application.bot_data["config"].timezone

    async def round(self) -> bool:
        return await self.deliver_due()

    async def deliver_due(self) -> bool:
        rows = await self.storage.run(outbox.claim_due)
        for row in rows:
            await self._deliver(row)
        return bool(rows)

    async def _deliver(self, row: outbox.OutboxRow) -> None:
        facts = await self.storage.run(_facts, row)
        if facts is None:  # the candidate left, or the thing is gone
            await self.storage.run(outbox.give_up, row.id, "nothing to deliver")
            return
        user, thing = facts
        t = translator(user.language)
        try:
            await self._send(user.id, t, row, thing)
        except RetryAfter as err:
            await self.storage.run(outbox.retry_later, row.id, "429", timedelta(seconds=float(err.retry_after)))
        except Forbidden:
            await self.storage.run(people.set_reachable, user.id, False)
            await self.storage.run(outbox.give_up, row.id, "blocked by the candidate")
            await self._tell_specialist_unreachable(row.candidate_id)
        except BadRequest as err:
            log.warning("outbox row %s refused by Telegram: %s", row.id, err)
            await self.storage.run(outbox.give_up, row.id, f"refused: {err}")
        except (TimedOut, NetworkError) as err:
            delay = timedelta(seconds=min(600, 2 ** row.attempts))
            await self.storage.run(outbox.retry_later, row.id, f"network: {err}", delay)
        else:
            await self.storage.run(outbox.mark_sent, row.id)

    async def _send(self, chat_id: int, t, row: outbox.OutboxRow, thing) -> None:
        bot = self.application.bot
        if row.kind.startswith("plan_item_"):
            from bot.handlers.plan import item_message

            text, markup = item_message(t, thing, row.kind, self.timezone)
            await bot.send_message(chat_id, text, reply_markup=markup)
        elif row.kind == "word_list":
            lines = [t("📚 New words from your job specialist: {title}", title=t.isolate(thing.title)), ""]
            for word in thing.words:
                own = word.translations.get(t.code)
                lines.append(f"• {t.isolate(word.norwegian)}" + (f" = {own}" if own else ""))
            lines += ["", t("📚 Word practice with pictures and sound is coming soon.")]
            await bot.send_message(chat_id, "\n".join(lines))
        elif row.kind == "workplace_rule":
            await bot.send_message(chat_id, t("📌 A rule at your workplace:") + "\n" + t.isolate(thing.text))
        elif row.kind == "message":
            await bot.send_message(chat_id, t("💬 From your job specialist:") + "\n" + t.isolate(thing["text"]))
        else:
            raise BadRequest(f"unknown outbox kind {row.kind}")

    async def _tell_specialist_unreachable(self, candidate_id: int) -> None:
        found = await self.storage.run(people.specialist_of, candidate_id)
        if found is None:
            return
        specialist, label = found
        t = translator(specialist.language)
        try:
            await self.application.bot.send_message(
                specialist.id, t("⚠️ {label} has blocked Jobbvenn. Messages do not reach them now.", label=t.isolate(label))
            )
        except Exception as err:  # the specialist may have blocked the bot too
            log.warning("could not tell specialist %s: %s", specialist.id, err)


def _facts(db, row: outbox.OutboxRow):
    cand = people.get_candidate(db, row.candidate_id)
    user = people.get_user(db, cand.user_id) if cand and cand.user_id else None
    if user is None:
        return None
    if row.kind.startswith("plan_item_"):
        thing = plan.get(db, row.ref_id)
    elif row.kind == "word_list":
        thing = wordlists.get(db, row.ref_id)
    elif row.kind == "workplace_rule":
        thing = workplace_rules.get(db, row.ref_id)
    elif row.kind == "message":
        thing = row.payload
    else:
        thing = None
    return None if thing is None else (user, thing)
