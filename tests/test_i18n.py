"""Languages and catalogs: every message in every language, compiled catalogs fresh, dates by babel."""

import subprocess
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot import LOCALES_DIR, PROJECT_ROOT, languages
from bot.i18n import translator

sys.path.insert(0, str(PROJECT_ROOT / "tools"))
import check_catalog  # noqa: E402

CODES = languages.codes()


def test_ten_languages_with_native_names_and_rtl():
    assert CODES == ("nb", "en", "uk", "ar", "ti", "so", "fa_AF", "ps", "pl", "ru")
    rtl = {l.code for l in languages.all_languages() if l.rtl}
    assert rtl == {"ar", "fa_AF", "ps"}
    names = {l.code: l.native for l in languages.all_languages()}
    assert names["ar"] == "العربية" and names["uk"] == "Українська" and names["ti"] == "ትግርኛ"


@pytest.mark.parametrize(
    "telegram_code, expected",
    [("nb", "nb"), ("no", "nb"), ("nn", "nb"), ("en-US", "en"), ("ar", "ar"), ("fa", "fa_AF"), ("fa-AF", "fa_AF"),
     ("ps", "ps"), ("so", "so"), ("ti", "ti"), ("uk", "uk"), ("ru", "ru"), ("pl", "pl"), ("de", None), (None, None), ("", None)],
)
def test_telegram_language_codes_match(telegram_code, expected):
    assert languages.from_telegram(telegram_code) == expected


@pytest.mark.parametrize("code", CODES)
def test_every_message_is_translated_with_placeholders_and_commands_kept(code):
    assert check_catalog.problems(code) == []


def test_catalog_template_has_every_message_in_the_code(tmp_path):
    pot = tmp_path / "jobbvenn.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_", "-k", "t",
         "-k", "ngettext:1,2", "--no-location", "--omit-header", "-o", str(pot), "."],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
    )
    in_code = {m.id for m in read_po(pot.open("rb")) if m.id}
    for code in CODES:
        with (LOCALES_DIR / code / "LC_MESSAGES" / "jobbvenn.po").open("rb") as f:
            in_catalog = {m.id for m in read_po(f) if m.id}
        assert in_code - in_catalog == set(), f"{code}: run `python tools/i18n.py`"


@pytest.mark.parametrize("code", CODES)
def test_compiled_catalog_matches_its_po_file(code):
    folder = LOCALES_DIR / code / "LC_MESSAGES"
    with (folder / "jobbvenn.po").open("rb") as f:
        po = {m.id: m.string for m in read_po(f) if m.id}
    with (folder / "jobbvenn.mo").open("rb") as f:
        mo = {m.id: m.string for m in read_mo(f) if m.id}
    assert mo == po, f"{code}: run `python tools/i18n.py compile`"


@pytest.mark.parametrize("code", [c for c in CODES if c != "en"])
def test_translations_are_loaded_not_english(code):
    t = translator(code)
    assert t("🏠 Menu. Tap a button.") != "🏠 Menu. Tap a button."
    assert t("👋 {label} has left Jobbvenn. Their data is deleted.", label="«L»").count("«L»") == 1


@pytest.mark.parametrize("code", [c for c in CODES if c != "en"])
def test_machine_translations_are_marked_for_review(code):
    with (LOCALES_DIR / code / "LC_MESSAGES" / "jobbvenn.po").open("rb") as f:
        catalog = read_po(f)
    unmarked = [m.id for m in catalog if m.id and "machine-translated" not in m.flags and "reviewed" not in m.flags]
    assert unmarked == [], f"{code}: mark each entry machine-translated, or reviewed once a native speaker checked it"


def test_dates_are_formatted_by_babel_in_the_users_locale_and_oslo_time():
    moment = datetime(2026, 7, 1, 6, 30, tzinfo=timezone.utc)  # 08:30 in Oslo (summer time)
    oslo = ZoneInfo("Europe/Oslo")
    assert "08:30" in translator("nb").datetime(moment, oslo, "short")
    assert "juli" in translator("nb").datetime(moment, oslo, "long")
    assert "липня" in translator("uk").datetime(moment, oslo, "long")
    winter = datetime(2026, 1, 15, 7, 30, tzinfo=timezone.utc)  # 08:30 in Oslo (winter time)
    assert "08:30" in translator("nb").datetime(winter, oslo, "short")


@pytest.mark.parametrize(
    "current, telegram_code, hint, first_two, preselect",
    [
        (None, "en", "ar", ["en", "ar"], "en"),         # phone in English, specialist says Arabic
        (None, "fa-AF", "fa_AF", ["fa_AF", "nb"], "fa_AF"),
        (None, "de", "ti", ["ti", "nb"], "ti"),         # unsupported client language: the hint leads
        (None, None, None, ["nb", "en"], None),         # nothing known: usual order, nothing ticked
        ("so", "en", "ar", ["so", "en"], "so"),         # /language later: the current one first
    ],
)
def test_language_choice_order(current, telegram_code, hint, first_two, preselect):
    order, chosen = languages.choice_order(current, telegram_code, hint)
    assert order[:2] == first_two and chosen == preselect
    assert sorted(order) == sorted(CODES)
