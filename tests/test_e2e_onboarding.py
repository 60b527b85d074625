"""Joining through the real Telegram stack: invitations, language, consent, main menu."""

from bot import consent, people
from bot.i18n import translator
from tests.harness import LINK_PREFIX


def tr(lang: str, message: str, **values) -> str:
    return translator(lang)(message, **values)


async def test_specialist_invites_candidate_who_joins_in_arabic_and_consents(harness):
    sara = await harness.onboard_specialist()
    assert harness.last(sara).text.endswith(tr("nb", "🏠 Menu. Tap a button."))

    await harness.press(sara, "➕")
    replies = await harness.say(sara, "Alina K.")
    assert replies[-1].text == tr("nb", "🌐 Which language does the candidate read best?")
    replies = await harness.press(sara, "العربية")
    link_text, qr = replies[0], replies[1]
    assert LINK_PREFIX in link_text.text and "Alina K." in link_text.text
    assert qr.kind == "photo" and harness.server.files[qr.file_id].data.startswith(b"\x89PNG")
    code = link_text.text.split(LINK_PREFIX)[1].split()[0]

    # Alina's phone is in English, the specialist's hint says Arabic: both come first.
    alina = harness.user(200, "Alina", "en")
    replies = await harness.say(alina, f"/start {code}")
    choose = replies[-1]
    assert choose.button_texts()[:2] == ["✅ English", "العربية"]
    replies = await harness.press(alina, "العربية")
    assert replies[0].text == "🌐 العربية" and not replies[0].buttons  # the tapped message keeps the choice
    question = replies[-1]
    assert question.text.startswith(tr("ar", "🔒 What your job specialist can see"))
    assert tr("ar", "How your word practice goes") in question.text

    # "Explain again" explains, then asks again.
    replies = await harness.press(alina, tr("ar", "Explain again"))
    assert replies[-1].text == "🔁 " + tr("ar", consent.EXPLANATION["specialist"])
    assert replies[-1].button_texts() == ["✅ " + tr("ar", "Yes, OK"), "❌ " + tr("ar", "No"), "🔁 " + tr("ar", "Explain again")]
    await harness.press(alina, tr("ar", "Yes, OK"))
    replies = await harness.press(alina, tr("ar", "No"))
    assert replies[-1].text.endswith(tr("ar", "🏠 Menu. Tap a button."))
    assert tr("ar", "I can't come") in " ".join(replies[-1].button_texts())

    told = harness.last(sara).text
    assert told == f"✅ \u2068Alina K.\u2069: {tr('nb', 'joined')}\n" + tr("nb", "Shares with you: {answer}", answer=tr("nb", "yes"))

    answers = await harness.storage.run(consent.current, 200)
    assert answers["specialist"].granted is True and answers["specialist"].language == "ar"
    assert answers["mentor"].granted is False
    assert answers["specialist"].text_version == consent.CONSENT_TEXT_VERSION

    # The specialist sees her candidate joined and shares with her.
    replies = await harness.press(sara, "👥")
    assert "✅" in replies[-1].text and "Alina K." in replies[-1].text


async def test_candidate_joins_in_norwegian_and_says_no_to_both(harness):
    sara = await harness.onboard_specialist()
    code = await harness.invite_candidate(sara, "Sak 2026-17", "Norsk (bokmål)")
    ali = harness.user(201, "Ali", "nb")
    replies = await harness.say(ali, f"/start {code}")
    assert replies[-1].text == "🌐 " + tr("nb", "Choose your language.")
    await harness.press(ali, "✅ Norsk (bokmål)")
    await harness.press(ali, tr("nb", "No"))
    replies = await harness.press(ali, tr("nb", "No"))
    assert tr("nb", "👋 Welcome to Jobbvenn! You can change your answers with /privacy.") in replies[-1].text
    answers = await harness.storage.run(consent.current, 201)
    assert answers["specialist"].granted is False and answers["mentor"].granted is False
    user = await harness.storage.run(people.get_user, 201)
    assert user.language == "nb" and user.onboarded


async def test_used_expired_and_unknown_links_change_nothing(harness):
    sara = await harness.onboard_specialist()
    code = await harness.invite_candidate(sara, "Nour", "English")
    first = harness.user(202, "Nour", "en")
    await harness.say(first, f"/start {code}")

    second = harness.user(203, "Someone", "en")
    replies = await harness.say(second, f"/start {code}")
    assert replies[-1].text == tr("en", "🔗 This link is already used. Each link works only once. Please ask for a new link.")
    replies = await harness.say(second, "/start not-a-real-code")
    assert replies[-1].text == tr("en", "🔗 This link does not work. Please ask for a new link.")
    assert await harness.storage.run(people.get_user, 203) is None

    # Opening one's own link again says so, and goes on where the user was.
    replies = await harness.say(first, f"/start {code}")
    assert replies[0].text == tr("en", "🔗 This link is already used. Each link works only once. Please ask for a new link.")
    assert replies[-1].text == "🌐 " + tr("en", "Choose your language.")

    # A candidate cannot become a specialist through a link, and the link stays unused.
    from bot import invitations

    specialist_code = await harness.storage.run(invitations.create, "specialist")
    replies = await harness.say(first, f"/start {specialist_code}")
    assert replies[0].text == tr("en", "🔗 You already use Jobbvenn, so this link is not for you. Nothing was changed.")
    assert (await harness.storage.run(people.get_user, 202)).role == "candidate"
    newcomer = harness.user(209, "Kari", "nb")
    await harness.say(newcomer, f"/start {specialist_code}")
    assert (await harness.storage.run(people.get_user, 209)).role == "specialist"


async def test_expired_link(harness):
    from datetime import timedelta

    from bot import invitations
    from bot.db import utcnow

    code = await harness.storage.run(invitations.create, "specialist", None, None, utcnow() - timedelta(days=15))
    stranger = harness.user(204, "Late", "pl")
    replies = await harness.say(stranger, f"/start {code}")
    assert replies[-1].text == tr("pl", "🔗 This link is too old. Links work for 14 days. Please ask for a new link.")
    assert await harness.storage.run(people.get_user, 204) is None


async def test_stranger_without_invitation_is_told_how_to_get_in(harness):
    stranger = harness.user(205, "Ukrainian", "uk")
    replies = await harness.say(stranger, "/start")
    assert replies[-1].text == tr("uk", "👋 Jobbvenn works with an invitation. Ask your job specialist for a link or a QR code.")
    replies = await harness.say(stranger, "hello")
    assert replies[-1].text == tr("uk", "👋 Jobbvenn works with an invitation. Ask your job specialist for a link or a QR code.")


async def test_candidate_invites_their_own_mentor(harness):
    sara = await harness.onboard_specialist()
    alina = await harness.join_candidate(sara, "Alina", 210, "Alina", "fa", "دری")

    await harness.press(alina, tr("fa_AF", "Help"))
    replies = await harness.press(alina, tr("fa_AF", "Invite my mentor"))
    link = next(m for m in replies if m.text and LINK_PREFIX in m.text)
    assert any(m.kind == "photo" for m in replies)
    mentor_code = link.text.split(LINK_PREFIX)[1].split()[0]

    ola = harness.user(220, "Ola", "nb")
    await harness.say(ola, f"/start {mentor_code}")
    replies = await harness.press(ola, "✅ Norsk (bokmål)")
    assert replies[-1].text.endswith(tr("nb", "🏠 Menu. Tap a button."))
    replies = await harness.press(ola, tr("nb", "My candidates"))
    assert "Alina" in replies[-1].text  # Alina said yes to her mentor seeing her first name

    # The specialist cannot attach a mentor: her menu has no such button, and a mentor link
    # can only come from the candidate.
    assert not any("🤝" in b for b in harness.last_with_buttons(sara).button_texts())


async def test_mentor_sees_nothing_after_candidate_withdraws(harness):
    sara = await harness.onboard_specialist()
    amal = await harness.join_candidate(sara, "Amal", 230, "Amal", "en", "English")
    ola = harness.user(231, "Ola", "en")
    await harness.say(ola, f"/start {await harness.mentor_code(amal)}")
    await harness.press(ola, "✅ English")

    replies = await harness.say(amal, "/privacy")
    assert "🤝 Mentor: ✅ can see" in replies[-1].text
    replies = await harness.press(amal, "Mentor: say no")
    assert "🤝 Mentor: ❌ cannot see" in replies[-1].text
    history = await harness.storage.run(consent.history, 230)
    assert [(r.recipient, r.granted) for r in history] == [("specialist", True), ("mentor", True), ("mentor", False)]

    replies = await harness.press(ola, "My candidates")
    assert "Amal" not in replies[-1].text
    assert "A candidate (shares nothing with you now)" in replies[-1].text
