"""What specialists write reaches candidates in their language: by machine where a package
is installed (marked 🤖), otherwise the Norwegian, with the specialist asked to translate."""

import asyncio
import os
import subprocess
import sys

import httpx
import pytest

from bot import api_access, translation
from bot.i18n import translator
from bot.runner import api_for
from tests import tiny_argos
from tests.harness import BotHarness


def requests_to(harness, user_id: int) -> list:
    """The bot's requests for a translation (they carry the "write the translation" button)."""
    return [m for m in harness.server.bot_messages(user_id)
            if m.buttons and (m.buttons[0][0].callback_data or "").startswith("spec:tr:")]


async def setup(harness):
    await harness.onboard_specialist(user_id=100)
    token = (await harness.storage.run(api_access.create_token, 1, "case system", 100))[1]
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=api_for(harness.app)), base_url="http://t",
                               headers={"Authorization": f"Bearer {token}"})
    return client


async def join(harness, api, user_id, language_code, language_label, case):
    created, user = await harness.join_via_api(api, case, user_id, case, language_code, language_label)
    t = translator((await harness.storage.run(__import__("bot.people").people.get_user, user_id)).language)
    return created["id"], user, t


async def test_no_machine_for_tigrinya_so_the_specialist_is_asked_once(harness):
    api = await setup(harness)
    sara = harness.user(100, "Sara")
    nb = translator("nb")
    cand, yonas, t = await join(harness, api, 600, "ti", "ትግርኛ", "Yonas")
    await api.post(f"/v1/candidates/{cand}/workplace-rules", json={"text": "Mobilen ligger i skapet."})
    rule = await harness.wait_for_message(yonas, lambda m: m.text.startswith(t("📌 A rule at your workplace:")))
    assert "Mobilen ligger i skapet." in rule.text and "🤖" not in rule.text
    asked = await harness.wait_for_message(sara, lambda m: m.text.startswith("✍️"), include_existing=True)
    assert "Yonas" in asked.text and "ትግርኛ" in asked.text and "Mobilen ligger i skapet." in asked.text

    # Selam, another Tigrinya reader, gets the same rule before Sara has answered: Sara is not asked twice.
    cand2, selam, _ = await join(harness, api, 601, "ti", "ትግርኛ", "Selam")
    await api.post(f"/v1/candidates/{cand2}/workplace-rules", json={"text": "Mobilen ligger i skapet."})
    await harness.wait_for_message(selam, lambda m: "Mobilen" in m.text)
    await asyncio.sleep(0.2)
    assert len(requests_to(harness, 100)) == 1

    replies = await harness.press(sara, "✍️ " + nb("Write the translation"), asked)
    assert replies[-1].text.startswith(nb("✍️ Write it in {language}. Send it as one message.", language="ትግርኛ"))
    replies = await harness.say(sara, "ሞባይል ኣብ ሳንዱቕ ይቕመጥ።")
    assert "Yonas" in replies[-1].text and "Selam" in replies[-1].text
    for reader in (yonas, selam):  # both who waited get it
        got = await harness.wait_for_message(reader, lambda m: m.text.startswith(t("✍️ Your job specialist translated this for you:")),
                                             include_existing=True)
        assert "Mobilen ligger i skapet." in got.text and "ሞባይል ኣብ ሳንዱቕ ይቕመጥ።" in got.text
    kept = await harness.storage.run(translation.manual, 1, "nb", "ti", ["Mobilen ligger i skapet."])
    assert kept == {"Mobilen ligger i skapet.": "ሞባይል ኣብ ሳንዱቕ ይቕመጥ።"}

    # The same rule for a third Tigrinya reader: the person's translation, and nobody is asked again.
    cand3, dawit, _ = await join(harness, api, 602, "ti", "ትግርኛ", "Dawit")
    await api.post(f"/v1/candidates/{cand3}/workplace-rules", json={"text": "Mobilen ligger i skapet."})
    rule3 = await harness.wait_for_message(dawit, lambda m: "Mobilen" in m.text)
    assert "ሞባይል ኣብ ሳንዱቕ ይቕመጥ።" in rule3.text and "🤖" not in rule3.text
    assert len(requests_to(harness, 100)) == 1
    # An answered request's button is old now; another specialist cannot use it either.
    replies = await harness.press(sara, "✍️ " + nb("Write the translation"), asked)
    assert replies[-1].text.startswith(nb("⌛ This button is old. Here is the menu."))
    await api.aclose()


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    pytest.importorskip("argostranslate", reason="the translate extra is not installed")
    tmp = tmp_path_factory.mktemp("argos-e2e")
    built = tiny_argos.build(tmp / "nb_en.argosmodel", "nb", "en")
    env = {**os.environ, "JOBBVENN_DB": str(tmp / "x.sqlite3"), "JOBBVENN_TRANSLATION_DIR": str(tmp / "packages")}
    subprocess.run([sys.executable, "-m", "bot", "translate", "install", str(built)], env=env, check=True, timeout=300)
    return tmp / "packages"


@pytest.fixture
async def translating_harness(tmp_path, packages):
    h = BotHarness(tmp_path / "jobbvenn.sqlite3", translation_dir=packages)
    await h.start()
    yield h
    await h.stop()


async def test_machine_translation_is_marked_and_nobody_is_asked(translating_harness):
    harness = translating_harness
    api = await setup(harness)
    cand, amal, t = await join(harness, api, 610, "en", "✅ English", "Amal")
    await api.post(f"/v1/candidates/{cand}/messages", json={"text": "Husk arbeidstøy i morgen."})
    message = await harness.wait_for_message(amal, lambda m: m.text.startswith("💬"), timeout=60)
    lines = message.text.splitlines()
    assert "Husk arbeidstøy i morgen." in lines[1] and lines[2].startswith("🤖 ")
    assert message.text.endswith(t("🤖 = translated by a machine. It can be wrong."))
    await api.post(f"/v1/candidates/{cand}/plan-items", json={"kind": "task", "title": "Besøk to butikker"})
    task = await harness.wait_for_message(amal, lambda m: "Besøk to butikker" in m.text, timeout=60)
    assert "Besøk to butikker\u2069 (🤖 " in task.text
    await api.post("/v1/word-lists", json={"title": "Kassa", "candidate_ids": [cand],
                                           "words": [{"norwegian": "en pose", "translations": {"en": "a bag"}}, {"norwegian": "et eple"}]})
    words = await harness.wait_for_message(amal, lambda m: m.text.startswith("📚"), timeout=60)
    assert "en pose\u2069 = a bag" in words.text and "et eple\u2069 = 🤖 " in words.text
    assert not [m for m in harness.server.bot_messages(100) if m.text.startswith("✍️")]
    # The machine's translation of the list's word is kept for practice, marked as the machine's
    from bot.vocabulary import practice

    own = await harness.storage.run(practice.custom_words, cand)
    assert [w for w in own if w["norwegian"] == "et eple" and '"machine": true' in w["translations"]]
    cached = await harness.storage.run(lambda db: [r[0] for r in db.execute("SELECT text FROM machine_translations")])
    assert "Besøk to butikker" in cached and "et eple" in cached
    assert "Husk arbeidstøy i morgen." not in cached  # a message to one person is not kept
    await api.aclose()


async def test_a_specialist_who_could_not_be_asked_is_asked_next_time(harness):
    api = await setup(harness)
    sara = harness.user(100, "Sara")
    cand, yonas, t = await join(harness, api, 620, "ti", "ትግርኛ", "Yonas")
    sara.block()
    await api.post(f"/v1/candidates/{cand}/workplace-rules", json={"text": "Pause klokka tolv."})
    await harness.wait_for_message(yonas, lambda m: "Pause klokka tolv." in m.text)
    await asyncio.sleep(0.2)
    sara.blocked_bot = False
    await api.post(f"/v1/candidates/{cand}/workplace-rules", json={"text": "Pause klokka tolv."})
    for _ in range(200):
        if requests_to(harness, 100):
            break
        await asyncio.sleep(0.02)
    assert [m.text for m in requests_to(harness, 100) if "Pause klokka tolv." in m.text]
    await api.aclose()


async def test_a_mentors_word_is_translated_by_machine_and_marked(translating_harness):
    harness = translating_harness
    api = await setup(harness)
    cand, amal, t = await join(harness, api, 610, "en", "✅ English", "Amal")
    per = await harness.join_mentor(amal)
    replies = await harness.say(per, "/menu")
    await harness.press(per, "📷")
    replies = await harness.say(per, "husk arbeidstøy")
    assert "🎤" in replies[-1].text and "machine translation" not in replies[-1].text
    told = await harness.wait_for_message(amal, lambda m: m.text.startswith(t("📷 Your mentor shared a word from work:")),
                                          timeout=60, include_existing=True)
    assert "husk arbeidstøy\u2069 = 🤖 " in told.text
    assert told.text.endswith(t("🤖 = translated by a machine. It can be wrong."))
    await api.aclose()
