"""The scheduler: sends the outbox and the reminders to candidates through Telegram, in
their language.

One task, in the one process that holds the scheduler lease (bot.lease), plans
reminders ahead (bot.reminders.top_up), claims due rows, sends each, and marks it sent.
Telegram's answers decide what happens next: 429 waits `retry_after` (python-telegram-bot's
rate limiter retries first); timeouts and 5xx back off and try again; 403 (the candidate
blocked the bot) marks them unreachable and tells their specialist, and their rows wait
until the candidate writes to the bot again (reminders only while still useful). It wakes
when told (the API just wrote a row) and polls every few seconds for rows written by
other processes.
"""

from __future__ import annotations

import logging
import secrets
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot import inbox, languages, lease, outbox, people, plan, reminders, translation, wordlists, work_rules, workplace_rules
from bot.background import BackgroundLoop
from bot.db import iso, utcnow
from bot.i18n import N_, translator
from bot.vocabulary import practice

log = logging.getLogger(__name__)
POLL_SECONDS = 3.0
PLAN_AT_ONCE = 500  # items planned per round; more waits for the next round, which comes at once


class Scheduler(BackgroundLoop):
    name = "jobbvenn-scheduler"
    poll_seconds = POLL_SECONDS

    def __init__(self, application: Application):
        super().__init__()
        self.application = application
        self.storage = application.bot_data["storage"]
        self.timezone = application.bot_data["config"].timezone
        self.token = secrets.token_hex(8)  # this process, as holder of the scheduler lease
        self.clock = utcnow  # the tests move it to the evening before a meeting

    async def round(self) -> bool:
        now = self.clock()
        if not await self.storage.run(lease.hold, self.token, now):
            return False  # another running process sends
        planned = await self._plan(reminders.top_up, now, self.timezone, PLAN_AT_ONCE)
        await self._plan(practice.fire_reminders, now, self.timezone)  # they become outbox rows
        await self._plan(work_rules.fire_weekly, now, self.timezone)    # and these
        await self._plan(inbox.prune, now)
        sent_reminders = await self.deliver_reminders()
        return await self.deliver_due() or sent_reminders or planned == PLAN_AT_ONCE

    async def stop(self) -> None:
        await super().stop(grace=5.0)  # a message under way is sent and noted, not cut off in between
        try:
            await self.storage.run(lease.give_up, self.token)
        except RuntimeError:  # the storage is closed already
            pass

    async def _plan(self, step, *args) -> int:
        """A planning step; one that fails is logged and must not stop what is due from going out."""
        try:
            return await self.storage.run(step, *args)
        except Exception:
            log.exception("%s failed; sending what is due", step.__name__)
            return 0

    async def _may_send(self) -> bool:
        """Before each message: still running, and still the one scheduler (the lease is renewed)."""
        return not self.stopping and await self.storage.run(lease.hold, self.token, self.clock())

    async def _attempt(self, row: _Row, send: Callable[[], Awaitable[Message]]) -> None:
        """Send one row; Telegram's answer decides what becomes of it."""
        try:
            message = await send()
        except _NotWanted as why:
            await row.drop(str(why))
        except RetryAfter as err:
            await row.retry("429", _retry_after(err))
        except Forbidden:  # blocked: the row waits (unreachable candidates are not claimed) until they come back
            await row.retry("blocked by the candidate", timedelta(0))
            if await self.storage.run(people.set_reachable, row.user_id, False):  # told once, not per message
                await self._tell_specialist_unreachable(row.candidate_id)
        except BadRequest as err:
            log.warning("%s refused by Telegram: %s", row.name, err)
            await row.drop(f"refused: {err}")
        except (TimedOut, NetworkError) as err:
            await row.retry(f"network: {err}", timedelta(seconds=min(300, 2 ** (row.attempts - 1))))
        except Exception as err:  # a bug or a locked database: try again in a while, never stop the others
            log.exception("%s could not be sent", row.name)
            await row.retry(f"error: {err!r}", timedelta(minutes=1))
        else:
            await row.done(message)

    # -- reminders -------------------------------------------------------------------

    async def deliver_reminders(self) -> bool:
        due = await self.storage.run(reminders.claim_due, self.clock())
        for reminder in due:
            if not await self._may_send():
                break  # the rest stay claimed; whoever sends next gives them back
            await self._send_reminder(reminder)
        return bool(due)

    async def _send_reminder(self, r: reminders.Reminder) -> None:
        run, now = self.storage.run, self.clock
        row = _Row(
            f"reminder {r.id}", r.candidate_id, 0, r.attempts,
            retry=lambda error, delay: run(reminders.retry_later, r.id, error, delay, now()),
            drop=lambda why: run(reminders.skip, r.id, why),
            done=lambda message: run(reminders.mark_sent, r.id, message.message_id, now()),
        )

        async def send() -> Message:
            from bot.handlers.reminders import reminder_message

            user, item, _, why_not = await run(_reminder_facts, r, self.timezone)
            if why_not is not None:
                raise _NotWanted(why_not)
            row.user_id = user.id
            t = translator(user.language)
            texts = [x for x in (item.title, item.bring) if x] if item else []
            found = await self._localise(outbox.OutboxRow(0, r.candidate_id, "reminder", r.id, {}, r.attempts), t.code, texts, ask=False)
            translated = dict(zip(texts, found, strict=True))
            user, item, answer, why_not = await run(_reminder_facts, r, self.timezone)  # again: a translation can take a while
            if why_not is not None:
                raise _NotWanted(why_not)
            text, markup = reminder_message(t, r, item, self.timezone, now(), translated, answer)
            return await self.application.bot.send_message(user.id, text + _machine_note(t, translated.values()), reply_markup=markup)

        await self._attempt(row, send)

    # -- the outbox ------------------------------------------------------------------

    async def deliver_due(self) -> bool:
        rows = await self.storage.run(outbox.claim_due)
        for row in rows:
            if not await self._may_send():
                break
            await self._deliver(row)
        return bool(rows)

    async def _deliver(self, row: outbox.OutboxRow) -> None:
        facts = await self.storage.run(_facts, row)
        if facts is None:  # the candidate left, or the thing is gone
            await self.storage.run(outbox.give_up, row.id, "nothing to deliver")
            return
        user, thing = facts
        run = self.storage.run
        handle = _Row(
            f"outbox row {row.id}", row.candidate_id, user.id, row.attempts,
            retry=lambda error, delay: run(outbox.retry_later, row.id, error, delay),
            drop=lambda why: run(outbox.give_up, row.id, why),
            done=lambda message: run(outbox.mark_sent, row.id),
        )
        await self._attempt(handle, lambda: self._send(user.id, translator(user.language), row, thing))

    async def _send(self, chat_id: int, t, row: outbox.OutboxRow, thing) -> None:
        bot = self.application.bot
        if row.kind.startswith("plan_item_"):
            from bot.handlers.plan import item_message

            texts = [x for x in (thing.title, thing.bring) if x]
            translated = dict(zip(texts, await self._localise(row, t.code, texts), strict=True))
            text, markup = item_message(t, thing, row.kind, self.timezone, translated)
            await bot.send_message(chat_id, text + _machine_note(t, translated.values()), reply_markup=markup)
        elif row.kind == "word_list":
            lines = [t("📚 New words from your job specialist: {title}", title=t.isolate(thing.title)), ""]
            need = [w.norwegian for w in thing.words if t.code not in w.translations]
            found = dict(zip(need, await self._localise(row, t.code, need, ask=False), strict=True))
            for norwegian, shown in found.items():  # kept for practice, marked as the machine's
                if shown is not None:
                    await self.storage.run(practice.learn_translation, row.candidate_id, norwegian, t.code, shown.text, shown.machine)
            for word in thing.words:
                own = word.translations.get(t.code)
                shown = translation.Translated(own, machine=False) if own else found.get(word.norwegian)
                lines.append(f"• {t.isolate(word.norwegian)}" + (f" = {_mark(shown)}" if shown else ""))
            await bot.send_message(chat_id, "\n".join(lines) + _machine_note(t, found.values()), reply_markup=_practise(t))
        elif row.kind == "practice_reminder":
            text = t("⏰ Time for words! Due today: {due}.", due=thing["due"])
            await bot.send_message(chat_id, text, reply_markup=_practise(t))
        elif row.kind == "vocab_word":
            from bot.handlers.words import word_line

            own = thing.translation(t.code)
            lines = [t("📷 Your mentor shared a word from work:"), word_line(t, thing)]
            if own is None and t.code != languages.base_language():
                lines.append(t("There is no translation yet. You have the picture and the sound."))
            caption = "\n".join(lines) + _machine_note(t, [translation.Translated(own[0], own[1])] if own else [])
            if thing.photo:  # uploaded once: the drills send it again by its file_id
                from bot.handlers.pictures import send_once

                data = await self.storage.run(practice.media, thing.photo)
                await send_once(bot, self.storage, data, lambda file: bot.send_photo(chat_id, file, caption=caption, reply_markup=_practise(t)))
            else:
                await bot.send_message(chat_id, caption, reply_markup=_practise(t))
        elif row.kind in ("workplace_rule", "message"):
            original = thing.text if row.kind == "workplace_rule" else thing["text"]
            heading = t("📌 A rule at your workplace:") if row.kind == "workplace_rule" else t("💬 From your job specialist:")
            personal = row.kind == "message"  # one person's message: not kept in the shared cache, nobody asked
            (shown,) = await self._localise(row, t.code, [original], ask=not personal, cache=not personal)
            quoted = (thing.get("question") or "") if personal else ""
            quoted = quoted if len(quoted) <= 300 else quoted[:300] + "…"
            asked = [t("❓ You asked: {question}", question=t.isolate(quoted)), ""] if personal and quoted else []
            await bot.send_message(chat_id, "\n".join([*asked, heading, *_pair(t, original, shown)]) + _machine_note(t, [shown]))
        elif row.kind == "rule_of_week":
            topic = work_rules.rules().topics[thing["topic"]]
            text = t("🧭 Rule of the week: {title}", title=f"{topic.emoji} {topic.text(t.code).title}")
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("📖 " + t(N_("Read")), callback_data=f"wr:t:{topic.id}")]])
            await bot.send_message(chat_id, text, reply_markup=markup)
        elif row.kind == "manual_translation":
            lines = [t("✍️ Your job specialist translated this for you:"), *_pair(t, thing["text"], translation.Translated(thing["translation"], False))]
            await bot.send_message(chat_id, "\n".join(lines))
        else:
            raise BadRequest(f"unknown outbox kind {row.kind}")

    async def _localise(self, row: outbox.OutboxRow, target: str, texts: list[str], ask: bool = True, cache: bool = True) -> list:
        """Translations of Norwegian text for the candidate; where none can be had, the
        specialist is asked (once per text and language)."""
        base = languages.base_language()
        if not texts or target == base:
            return [None] * len(texts)
        machine = self.application.bot_data["translation"]
        organisation = await self.storage.run(lambda db: db.execute(
            "SELECT organisation_id FROM candidates WHERE id = ?", [row.candidate_id]).fetchone()[0])
        if cache:
            await self.storage.run(translation.record_use, row.candidate_id, base, target, texts)
        try:
            results = await machine.translate_batch(texts, base, target, organisation, cache=cache)
        except Exception:  # a broken package must not stop the message: show the Norwegian
            log.exception("machine translation failed; sending the Norwegian")
            results = [None] * len(texts)
        if ask:
            for text, result in zip(texts, results, strict=True):
                if result is None:
                    await self._ask_for_translation(row.candidate_id, organisation, target, text)
        return results

    async def _ask_for_translation(self, candidate_id: int, organisation: int, target: str, text: str) -> None:
        found = await self.storage.run(people.specialist_of, candidate_id)
        if found is None:
            return
        specialist, label = found
        base = languages.base_language()
        request_id = await self.storage.run(translation.ask_person, organisation, base, target, text, candidate_id, specialist.id)
        if request_id is None:
            return
        t = translator(specialist.language)
        lang = languages.get(target).native
        body = "\n".join([
            t("✍️ {label} reads {language}. Jobbvenn cannot translate this into {language}:", label=t.isolate(label), language=lang),
            f"«{t.isolate(text)}»",
            t("Can you write it in {language}? It helps {label} understand.", language=lang, label=t.isolate(label)),
        ])
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("✍️ " + t("Write the translation"), callback_data=f"spec:tr:{request_id}")]])
        try:
            await self.application.bot.send_message(specialist.id, body, reply_markup=markup)
        except Exception as err:  # asked nobody: ask again next time the text goes out
            log.warning("could not ask specialist %s for a translation: %s", specialist.id, err)
            await self.storage.run(translation.withdraw, request_id)

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


class _NotWanted(Exception):
    """The row is not to be sent after all (the item was cancelled, moved or answered)."""


@dataclass
class _Row:
    """One outbox row or reminder being sent: who it is for, and what to note after."""

    name: str
    candidate_id: int
    user_id: int
    attempts: int
    retry: Callable[[str, timedelta], Awaitable]
    drop: Callable[[str], Awaitable]
    done: Callable[[Message], Awaitable]


def _retry_after(err: RetryAfter) -> timedelta:
    """How long Telegram asked us to wait (python-telegram-bot 22 is moving it from seconds
    to a timedelta, and warns when the old form is read)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wait = err.retry_after
    return wait if isinstance(wait, timedelta) else timedelta(seconds=float(wait))


def _practise(t) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("▶️ " + t(N_("Practise")), callback_data="voc:go")]])


def _mark(shown) -> str:
    return f"🤖 {shown.text}" if shown.machine else shown.text


def _pair(t, original: str, shown) -> list[str]:
    """The Norwegian as written, and under it the translation (marked when a machine made it)."""
    lines = [t.isolate(original)]
    if shown is not None:
        lines.append(_mark(shown))
    return lines


def _machine_note(t, shown) -> str:
    return "\n\n" + t("🤖 = translated by a machine. It can be wrong.") if any(s is not None and s.machine for s in shown) else ""


def _reminder_facts(db, r: reminders.Reminder, tz):
    """(the candidate, the item, their answer for that day, why not to send or None)."""
    cand = people.get_candidate(db, r.candidate_id)
    user = people.get_user(db, cand.user_id) if cand and cand.user_id else None
    if user is None:
        return None, None, None, "the candidate left"
    item, why_not = reminders.still_wanted(db, r, tz)
    answer = None
    if item is not None and why_not is None:
        answer = plan.answer_for(db, item, iso(r.occurrence))
    return user, item, answer, why_not


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
    elif row.kind in ("message", "manual_translation", "practice_reminder"):
        thing = row.payload
    elif row.kind == "rule_of_week":
        thing = row.payload if row.payload.get("topic") in work_rules.rules().topics else None
    elif row.kind == "vocab_word":
        thing = practice.word_item(db, row.ref_id)
    else:
        thing = None
    return None if thing is None else (user, thing)
