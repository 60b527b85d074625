"""First contact: the invitation link, the language choice and the consent questions."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import consent, invitations, languages, people
from bot.handlers.common import (
    Context,
    Who,
    button,
    close_buttons,
    known_user,
    rows,
    send,
    send_menu,
    stale_button_reply,
    storage,
    who,
)
from bot.i18n import N_, Translator, translator
from bot.people import ONBOARDING_DONE

log = logging.getLogger(__name__)

PROBLEM_TEXT = {
    invitations.Problem.UNKNOWN: N_("🔗 This link does not work. Please ask for a new link."),
    invitations.Problem.USED: N_("🔗 This link is already used. Each link works only once. Please ask for a new link."),
    invitations.Problem.EXPIRED: N_("🔗 This link is too old. Links work for 14 days. Please ask for a new link."),
    invitations.Problem.ROLE_CONFLICT: N_("🔗 You already use Jobbvenn, so this link is not for you. Nothing was changed."),
    invitations.Problem.CANDIDATE_LEFT: N_("🔗 This link does not work any more. Nothing was changed."),
}

CONSENT_STEPS = ("consent_specialist", "consent_mentor")
async def start(update: Update, context: Context) -> None:
    tg_user = update.effective_user
    if context.args:
        result = await storage(context).run(invitations.redeem, context.args[0][:128], tg_user.id, tg_user.first_name)
        w = await who(update, context)
        if not result.ok:
            if w.user is not None:
                await send_menu(update, context, w, w.t(PROBLEM_TEXT[result.problem]))
            else:
                await send(update, context, w.t(PROBLEM_TEXT[result.problem]))
            return
        if result.new_user:
            hint = None
            if result.kind == "candidate":
                cand = await storage(context).run(people.get_candidate, result.candidate_id)
                hint = cand.language_hint if cand else None
            await ask_language(update, context, w, hint)
            return
        # An existing mentor opened another candidate's mentor link.
        await send_menu(update, context, w, w.t("🤝 Done. You are now a mentor for one more candidate."))
        return
    await send_menu(update, context, await who(update, context))


async def language_command(update: Update, context: Context) -> None:
    if w := await known_user(update, context):
        await ask_language(update, context, w)


async def ask_language(update: Update, context: Context, w: Who, hint: str | None = None) -> None:
    """Language buttons, each in its own script; the likely choice first, with a tick."""
    current = w.user.language if w.user else None
    order, preselect = languages.choice_order(current, update.effective_user.language_code, hint)
    buttons = []
    for code in order:
        native = languages.get(code).native
        buttons.append(InlineKeyboardButton(f"✅ {native}" if code == preselect else native, callback_data=f"lang:{code}"))
    t = translator(preselect) if preselect else w.t
    await send(update, context, "🌐 " + t("Choose your language."), InlineKeyboardMarkup(rows(buttons)))


async def language_chosen(update: Update, context: Context) -> None:
    query = update.callback_query
    await query.answer()
    code = query.data.split(":", 1)[1]
    w = await who(update, context)
    if w.user is None or not languages.is_supported(code):
        await stale_button_reply(update, context, w)
        return
    await storage(context).run(people.set_language, w.user.id, code)
    await close_buttons(update, "🌐 " + languages.get(code).native)
    w = await who(update, context)
    if w.user.onboarding == "language":
        if w.user.role == "candidate":
            await storage(context).run(people.set_onboarding, w.user.id, CONSENT_STEPS[0])
            await ask_consent(update, context, w.t, "specialist")
        else:
            await storage(context).run(people.set_onboarding, w.user.id, ONBOARDING_DONE)
            w = await who(update, context)
            await send_menu(update, context, w, w.t("👋 Welcome to Jobbvenn!"))
        return
    await send_menu(update, context, w, w.t("✅ Language changed."))


def consent_text(t: Translator, recipient: str) -> str:
    lines = [t(consent.TITLE[recipient]), ""]
    lines += [f"{icon} {t(text)}" for _, icon, text in consent.SHARED_WITH[recipient]]
    lines += ["", "🛡 " + t(consent.NEVER_SHARED)]
    return "\n".join(lines)


def consent_buttons(t: Translator, recipient: str, prefix: str = "consent") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(t, f"{prefix}:{recipient}:yes", "✅", N_("Yes, OK")), button(t, f"{prefix}:{recipient}:no", "❌", N_("No"))],
            [button(t, f"{prefix}:{recipient}:explain", "🔁", N_("Explain again"))],
        ]
    )


async def ask_consent(update: Update, context: Context, t: Translator, recipient: str) -> None:
    text = consent_text(t, recipient) + "\n\n" + t("Is this OK for you?")
    await send(update, context, text, consent_buttons(t, recipient))


async def resume_onboarding(update: Update, context: Context, w: Who) -> None:
    """Ask again whatever the user has not answered yet."""
    if w.user.onboarding == "language" or not w.user.language:
        await ask_language(update, context, w)
    elif w.user.onboarding in CONSENT_STEPS:
        await ask_consent(update, context, w.t, w.user.onboarding.removeprefix("consent_"))
    else:
        await storage(context).run(people.set_onboarding, w.user.id, ONBOARDING_DONE)
        await send_menu(update, context, await who(update, context))


async def consent_answered(update: Update, context: Context) -> None:
    """A yes, no or "explain again" during onboarding. Outside onboarding these buttons
    are old: the choice is made in /privacy instead."""
    query = update.callback_query
    await query.answer()
    w = await who(update, context)
    _, recipient, answer = (query.data.split(":") + ["", ""])[:3]
    step = f"consent_{recipient}"
    if w.user is None or w.user.role != "candidate" or w.user.onboarding != step or answer not in ("yes", "no", "explain"):
        await stale_button_reply(update, context, w)
        return
    t = w.t
    if answer == "explain":
        await close_buttons(update)
        await send(update, context, "🔁 " + t(consent.EXPLANATION[recipient]), consent_buttons(t, recipient))
        return
    granted = answer == "yes"
    await storage(context).run(consent.record, w.user.id, recipient, granted, t.code)
    await close_buttons(update)
    await send(update, context, saved_text(t, recipient, granted))
    next_index = CONSENT_STEPS.index(step) + 1
    if next_index < len(CONSENT_STEPS):
        next_step = CONSENT_STEPS[next_index]
        await storage(context).run(people.set_onboarding, w.user.id, next_step)
        await ask_consent(update, context, t, next_step.removeprefix("consent_"))
    else:
        await storage(context).run(people.set_onboarding, w.user.id, ONBOARDING_DONE)
        await send_menu(update, context, await who(update, context), t("👋 Welcome to Jobbvenn! You can change your answers with /privacy."))
        await tell_specialist_joined(context, w.user.id)
        deliverer = context.application.bot_data.get("deliverer")
        if deliverer is not None:  # what the specialist planned before the candidate joined
            deliverer.wake()


async def tell_specialist_joined(context: Context, candidate_user_id: int) -> None:
    """The specialist always learns that their candidate joined and whether they share."""
    cand = await storage(context).run(people.candidate_of_user, candidate_user_id)
    found = await storage(context).run(people.specialist_of, cand.id) if cand else None
    if found is None:
        return
    specialist, label = found
    shares = await storage(context).run(consent.allows, candidate_user_id, "specialist")
    t = translator(specialist.language)
    text = f"✅ {t.isolate(label)}: {t('joined')}\n" + t("Shares with you: {answer}", answer=t("yes") if shares else t("no"))
    try:
        await context.bot.send_message(specialist.id, text)
    except TelegramError as err:  # the specialist blocked the bot or left: the candidate must not notice
        log.warning("could not tell specialist %s that a candidate joined: %s", specialist.id, err)


def saved_text(t: Translator, recipient: str, granted: bool) -> str:
    if recipient == "specialist":
        return t("✅ Saved: your job specialist can see this.") if granted else t("❌ Saved: your job specialist cannot see this.")
    return t("✅ Saved: your mentor can see this.") if granted else t("❌ Saved: your mentor cannot see this.")
