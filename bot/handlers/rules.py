"""🧭 Work rules in the chat: the groups, a topic (picture, Norwegian text, translation, 🔊),
its everyday situation with feedback, the workplace's own rules first, and a typed
question answered with the topics that fit it best. The topics and the search live in
bot.work_rules."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError

from bot import languages, people, speech, work_rules, workplace_rules
from bot.db import utcnow
from bot.handlers.common import (
    Context,
    Who,
    button,
    config,
    home_button,
    number,
    require_role,
    rows,
    send,
    send_menu,
    stale_button_reply,
    storage,
)
from bot.handlers.pictures import send_picture, send_voice
from bot.i18n import N_, Translator, translator

log = logging.getLogger(__name__)
NUMBERS = ("1️⃣", "2️⃣", "3️⃣")


def _candidate_state(db, user_id: int):
    cand = people.candidate_of_user(db, user_id)
    return cand, work_rules.progress(db, cand.id), workplace_rules.for_candidate(db, cand.id)


async def rules_menu(update: Update, context: Context, w: Who) -> None:
    t, rules = w.t, work_rules.rules()
    _, _, own = await storage(context).run(_candidate_state, w.user.id)
    buttons = [button(t, "wr:mine", "📌", N_("My workplace"))] if own else []
    titles = rules.group_titles.get(t.code) or rules.group_titles[languages.base_language()]
    buttons += [InlineKeyboardButton(f"{icon} {titles[g]}", callback_data=f"wr:g:{g}") for g, icon in rules.groups.items()]
    buttons.append(button(t, "wr:week", "🗓", N_("Rule of the week")))
    text = t("🧭 The rules of Norwegian working life. Choose a topic, or write your question.")
    await send(update, context, text, InlineKeyboardMarkup(rows([*buttons, home_button(t)], 1)))


async def rules_button(update: Update, context: Context) -> None:
    w = await require_role(update, context, "candidate")
    if w is None:
        return
    parts = update.callback_query.data.split(":")
    rules = work_rules.rules()
    topic = rules.topics.get(parts[2]) if len(parts) >= 3 else None
    if parts[1:] == ["menu"]:
        await rules_menu(update, context, w)
    elif parts[1:] == ["mine"]:
        await show_workplace(update, context, w)
    elif parts[1] == "g" and len(parts) == 3 and parts[2] in rules.groups:
        await show_group(update, context, w, parts[2])
    elif parts[1] == "t" and topic and len(parts) == 3:
        await show_topic(update, context, w, topic)
    elif parts[1] == "s" and topic and len(parts) == 3:
        clip = await asyncio.to_thread(speech.clip, " ".join(topic.text(languages.base_language()).text),
                                       config(context).db_path.parent / "speech-cache")
        await send_voice(context, update.effective_chat.id, clip)
    elif parts[1] == "q" and topic and len(parts) == 3:
        await ask_scenario(update, context, w, topic)
    elif parts[1] == "a" and topic and len(parts) == 4 and number(parts[3]) is not None:
        await scenario_answered(update, context, w, topic, number(parts[3]))
    elif parts[1:] == ["week"]:
        await show_weekly(update, context, w)
    elif parts[1] == "wd" and len(parts) == 3 and number(parts[2]) is not None and number(parts[2]) <= 6:
        buttons = [InlineKeyboardButton(at, callback_data=f"wr:wt:{parts[2]}:{at.replace(':', '')}") for at in work_rules.WEEK_HOURS]
        await send(update, context, w.t("🕘 What time?"), InlineKeyboardMarkup(rows([*buttons, home_button(w.t)], 3)))
    elif parts[1] == "wt" and len(parts) == 4:
        await weekly_chosen(update, context, w, parts[2], parts[3])
    elif parts[1:] == ["woff"]:
        await weekly_chosen(update, context, w, None, None)
    elif parts[1:] == ["none"]:
        await offer_to_ask(update, context, w)
    elif parts[1:] == ["ask"]:
        await send_question(update, context, w)
    else:
        await stale_button_reply(update, context, w)


async def show_group(update: Update, context: Context, w: Who, group: str) -> None:
    t, rules = w.t, work_rules.rules()
    _, done, _ = await storage(context).run(_candidate_state, w.user.id)
    titles = rules.group_titles.get(t.code) or rules.group_titles[languages.base_language()]
    buttons = [InlineKeyboardButton(("✅ " if topic.id in done else "") + f"{topic.emoji} {topic.text(t.code).title}",
                                    callback_data=f"wr:t:{topic.id}") for topic in rules.in_group(group)]
    buttons += [button(t, "wr:menu", "🧭", N_("Work rules")), home_button(t)]
    await send(update, context, f"{rules.groups[group]} {titles[group]}", InlineKeyboardMarkup(rows(buttons, 1)))


def topic_message(t: Translator, topic: work_rules.Topic) -> str:
    """The Norwegian text, its translation (🤖 when a machine made it), and what to do and not."""
    base = languages.base_language()
    nb, own = topic.text(base), topic.text(t.code)
    lines = [f"🇳🇴 {t.isolate(nb.title)}", *[t.isolate(s) for s in nb.text]]
    if t.code != base:
        machine = "🤖 " if t.code in work_rules.rules().machine else ""
        lines += ["", f"{machine}{own.title}", *own.text]
    lines += ["", *[f"✅ {line}" for line in own.do], *[f"⛔ {line}" for line in own.dont]]
    if t.code != base and t.code in work_rules.rules().machine:
        lines += ["", t("🤖 = translated by a machine. It can be wrong.")]
    return "\n".join(lines)


async def show_topic(update: Update, context: Context, w: Who, topic: work_rules.Topic) -> None:
    t = w.t
    cand = await storage(context).run(people.candidate_of_user, w.user.id)
    await storage(context).run(work_rules.mark_read, cand.id, topic.id)
    await send_picture(context, update.effective_chat.id, work_rules.picture(topic), caption=f"{topic.emoji} {topic.text(t.code).title}")
    markup = InlineKeyboardMarkup([
        [button(t, f"wr:s:{topic.id}", "🔊", N_("Listen")), button(t, f"wr:q:{topic.id}", "❓", N_("What would you do?"))],
        [button(t, f"wr:g:{topic.group}", "⬅️", N_("Back")), home_button(t)],
    ])
    await send(update, context, topic_message(t, topic), markup)


async def ask_scenario(update: Update, context: Context, w: Who, topic: work_rules.Topic) -> None:
    t = w.t
    own, nb = topic.text(t.code), topic.text(languages.base_language())
    lines = [f"❓ {own.question}"]
    if t.code != languages.base_language():
        lines.append(f"🇳🇴 {t.isolate(nb.question)}")
    lines += ["", *[f"{NUMBERS[i]} {answer}" for i, answer in enumerate(own.answers)]]
    buttons = [InlineKeyboardButton(NUMBERS[i], callback_data=f"wr:a:{topic.id}:{i}") for i in range(len(own.answers))]
    await send(update, context, "\n".join(lines), InlineKeyboardMarkup([buttons]))


async def scenario_answered(update: Update, context: Context, w: Who, topic: work_rules.Topic, choice: int) -> None:
    t = w.t
    own = topic.text(t.code)
    if choice >= len(own.answers):
        await stale_button_reply(update, context, w)
        return
    cand = await storage(context).run(people.candidate_of_user, w.user.id)
    best = await storage(context).run(work_rules.answer, cand.id, topic.id, choice)
    try:  # the buttons come off: the answer is given
        await update.callback_query.edit_message_reply_markup(None)
    except BadRequest:
        pass
    if best:
        text = "\n".join([f"✅ {NUMBERS[choice]} {own.answers[choice]}", own.feedback[choice]])
    else:
        text = "\n".join([f"🤔 {NUMBERS[choice]} {own.answers[choice]}", own.feedback[choice], "",
                          f"✅ {NUMBERS[topic.best]} {own.answers[topic.best]}", own.feedback[topic.best]])
    markup = InlineKeyboardMarkup([[button(t, f"wr:g:{topic.group}", "📚", N_("More topics")), home_button(t)]])
    await send(update, context, text, markup)


async def show_workplace(update: Update, context: Context, w: Who) -> None:
    """📌 The rules of the candidate's own workplace, from their mentor or job specialist."""
    t = w.t
    cand, _, own = await storage(context).run(_candidate_state, w.user.id)
    texts = [rule.text for rule in own]
    found = [None] * len(texts)
    if t.code != languages.base_language() and texts:
        try:  # the Norwegian as written, and under it the translation (🤖: a machine's)
            found = await context.application.bot_data["translation"].translate_batch(
                texts, languages.base_language(), t.code, cand.organisation_id, cache=False)  # one person's workplace: not kept
        except Exception:
            log.exception("translating workplace rules failed; showing the Norwegian")
    lines = [t("📌 Rules at your workplace:")]
    for text, shown in zip(texts, found, strict=True):
        lines.append(f"• {t.isolate(text)}")
        if shown is not None:
            lines.append(f"  {'🤖 ' if shown.machine else ''}{shown.text}")
    if any(shown is not None and shown.machine for shown in found):
        lines += ["", t("🤖 = translated by a machine. It can be wrong.")]
    chunks = [""]
    for line in lines:  # a long list goes in several messages (Telegram takes 4096 characters)
        if len(chunks[-1]) + len(line) > 3500:
            chunks.append("")
        chunks[-1] += line + "\n"
    for chunk in chunks[:-1]:
        await send(update, context, chunk)
    await send(update, context, chunks[-1], InlineKeyboardMarkup([[button(t, "wr:menu", "🧭", N_("Work rules")), home_button(t)]]))


async def question_typed(update: Update, context: Context, w: Who, text: str) -> None:
    """A candidate writes a question in their language: the topics that fit it best, and the
    question kept in case none helps (then it can go to the job specialist)."""
    t = w.t
    if people.looks_like_id_number(text):  # never stored, never sent on
        await send_menu(update, context, w, t("⚠️ Please write a short text, at most {n} characters, without ID numbers.",
                                              n=work_rules.MAX_QUESTION))
        return
    await storage(context).run(people.set_pending, w.user.id, "rule_question", {"text": text[:work_rules.MAX_QUESTION]})
    found = work_rules.search(text, t.code)
    if not found:
        await offer_to_ask(update, context, w, t("🔎 I found no topic for that."))
        return
    topics = [work_rules.rules().topics[topic_id] for topic_id, _ in found]
    buttons = [InlineKeyboardButton(f"{topic.emoji} {topic.text(t.code).title}", callback_data=f"wr:t:{topic.id}") for topic in topics]
    if any(topic.group == "time" for topic in topics):  # about being sick or late: the message to work is one tap away
        buttons.append(button(t, "cand-menu:absence", "🤒", N_("I can't come")))
    buttons += [button(t, "wr:none", "🤷", N_("None of these")), home_button(t)]
    await send(update, context, t("🔎 This may help:"), InlineKeyboardMarkup(rows(buttons, 1)))


def _asking(db, user_id: int):
    """(the candidate, whether they share with a job specialist they have)."""
    from bot import consent

    cand = people.candidate_of_user(db, user_id)
    return cand, bool(cand.specialist_id) and consent.allows(db, user_id, "specialist")


async def offer_to_ask(update: Update, context: Context, w: Who, first: str | None = None) -> None:
    t = w.t
    _, can_ask = await storage(context).run(_asking, w.user.id)
    lead = [first] if first else []
    if can_ask:
        text = "\n".join([*lead, t("📨 Shall I send your question to your job specialist? You get the answer here.")])
        markup = InlineKeyboardMarkup([[button(t, "wr:ask", "📨", N_("Send my question"))], [home_button(t)]])
        await send(update, context, text, markup)
    else:
        await send_menu(update, context, w, "\n".join([*lead, t("🙂 Please ask your job specialist or your mentor. They know your workplace.")]))


async def send_question(update: Update, context: Context, w: Who) -> None:
    """📨 The question goes to the job specialist (only with consent), in the candidate's words,
    with a machine translation into Norwegian when there is one."""
    t = w.t
    text = w.user.pending_data.get("text") if w.user.pending_input == "rule_question" else None
    cand, can_ask = await storage(context).run(_asking, w.user.id)
    if not text:
        await stale_button_reply(update, context, w)
        return
    if not can_ask:  # sharing was turned off since: say so, send nothing
        await offer_to_ask(update, context, w)
        return
    asked = await storage(context).run(work_rules.ask, cand.id, text, t.code)
    await storage(context).run(people.set_pending, w.user.id, None)
    if asked is None:
        await stale_button_reply(update, context, w)
        return
    await tell_specialist(context, asked)
    await send_menu(update, context, w, t("✅ Sent. Your job specialist answers here."))


async def tell_specialist(context: Context, asked: work_rules.Question) -> None:
    found = await storage(context).run(people.specialist_of, asked.candidate_id)
    if found is None:
        return
    specialist, label = found
    t = translator(specialist.language)
    lines = [t("❓ {label} asks ({language}):", label=t.isolate(label), language=languages.get(asked.language).native),
             f"«{t.isolate(asked.text)}»"]
    if asked.language != specialist.language:
        machine = context.application.bot_data["translation"]
        cand = await storage(context).run(people.get_candidate, asked.candidate_id)
        try:
            (shown,) = await machine.translate_batch([asked.text], asked.language, specialist.language, cand.organisation_id, cache=False)
        except Exception:  # no translation: the specialist reads the question as written
            shown = None
        if shown is not None:
            lines.append(f"🤖 {shown.text}")
    markup = InlineKeyboardMarkup([[button(t, f"spec:ans:{asked.id}", "✍️", N_("Answer"))]])
    try:
        await context.bot.send_message(specialist.id, "\n".join(lines), reply_markup=markup)
    except TelegramError as err:
        log.warning("could not tell specialist %s about a question: %s", specialist.id, err)


# -- the rule of the week ------------------------------------------------------------

async def show_weekly(update: Update, context: Context, w: Who) -> None:
    t = w.t
    cand = await storage(context).run(people.candidate_of_user, w.user.id)
    chosen = await storage(context).run(work_rules.weekly, cand.id)
    if chosen:
        text = t("🗓 Every {day} at {time} you get one new topic.", day=t.day_name(chosen[0]), time=chosen[1])
    else:
        text = t("🗓 One new topic a week, at a time you choose. Which day?")
    days = [InlineKeyboardButton(t.day_name(d), callback_data=f"wr:wd:{d}") for d in range(7)]
    extra = [button(t, "wr:woff", "🔕", N_("Turn off"))] if chosen else []
    await send(update, context, text, InlineKeyboardMarkup(rows([*days, *extra, home_button(t)], 3)))


async def weekly_chosen(update: Update, context: Context, w: Who, day: str | None, at: str | None) -> None:
    t = w.t
    cand = await storage(context).run(people.candidate_of_user, w.user.id)
    choice = None
    if day is not None:
        if number(day) is None or not (at or "").isdigit() or len(at) != 4:
            await stale_button_reply(update, context, w)
            return
        choice = (number(day), f"{at[:2]}:{at[2:]}")
    try:
        await storage(context).run(work_rules.set_weekly, cand.id, choice, utcnow(), config(context).timezone)
    except ValueError:
        await stale_button_reply(update, context, w)
        return
    if choice:
        reply = t("✅ Every {day} at {time} you get one new topic.", day=t.day_name(choice[0]), time=choice[1])
    else:
        reply = t("🔕 No more rule of the week.")
    await send_menu(update, context, w, reply)


# -- the workplace's own rules, written by the mentor or the job specialist ---------------

MAX_RULE = 300


async def workplace_rule_button(update: Update, context: Context) -> None:
    """📌 for a mentor (from the menu, then which candidate) or a job specialist (under a candidate)."""
    from bot.handlers.mentor_words import mentee_choices
    from bot.handlers.plan_builder import may_add_for

    w = await require_role(update, context, "mentor", "specialist")
    if w is None:
        return
    parts = update.callback_query.data.split(":")
    if parts[1:] == ["choose"] and w.user.role == "mentor":
        choices = await storage(context).run(mentee_choices, w.user.id)
        if len(choices) != 1:
            buttons = [InlineKeyboardButton(f"🤝 {w.t.isolate(name) if name else n}", callback_data=f"wp:for:{cid}")
                       for n, (cid, name) in enumerate(choices, 1)]
            text = w.t("📌 Who is the rule for?") if choices else w.t("👥 No candidates yet. A candidate can send you a link.")
            await send(update, context, text, InlineKeyboardMarkup(rows([*buttons, home_button(w.t)], 1)))
            return
        parts = ["wp", "for", str(choices[0][0])]
    cid = number(parts[2]) if len(parts) == 3 and parts[1] == "for" else None
    cid = await storage(context).run(may_add_for, w.user, cid) if cid is not None else None
    if cid is None:
        await stale_button_reply(update, context, w)
        return
    await storage(context).run(people.set_pending, w.user.id, "workplace_rule", {"candidate": cid})
    text = w.t("📌 Write one rule of the workplace, in Norwegian. For example: Ring lederen før klokka 07.30 hvis du er syk.")
    await send(update, context, text, InlineKeyboardMarkup([[home_button(w.t)]]))


async def workplace_rule_written(update: Update, context: Context, w: Who, text: str) -> None:
    from bot.handlers.plan_builder import may_add_for

    rule = " ".join(text.split())
    if not rule or len(rule) > MAX_RULE or people.looks_like_id_number(rule):
        await send(update, context, w.t("⚠️ Please write a short text, at most {n} characters, without ID numbers.", n=MAX_RULE))
        return
    cid = await storage(context).run(may_add_for, w.user, w.user.pending_data.get("candidate", -1))
    await storage(context).run(people.set_pending, w.user.id, None)
    if cid is None:
        await stale_button_reply(update, context, w)
        return
    await storage(context).run(workplace_rules.add, cid, rule, f"{w.user.role}:{w.user.id}")
    context.application.bot_data["deliverer"].wake()
    await send_menu(update, context, w, w.t("✅ Saved. The candidate gets it in their language, first under 🧭 Work rules."))
