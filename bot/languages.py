"""The supported languages, read from content/languages.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from bot import CONTENT_DIR


@dataclass(frozen=True)
class Language:
    code: str          # gettext catalog name, e.g. "fa_AF"
    babel: str         # CLDR locale for dates and numbers
    native: str        # the language's name in its own script
    rtl: bool
    telegram: tuple[str, ...]


@cache
def _load() -> tuple[str, tuple[Language, ...]]:
    data = json.loads((CONTENT_DIR / "languages.json").read_text(encoding="utf-8"))
    langs = tuple(
        Language(l["code"], l["babel"], l["native"], l["rtl"], tuple(l["telegram"])) for l in data["languages"]
    )
    return data["base"], langs


def all_languages() -> tuple[Language, ...]:
    return _load()[1]


def base_language() -> str:
    return _load()[0]


def codes() -> tuple[str, ...]:
    return tuple(l.code for l in all_languages())


def get(code: str | None) -> Language:
    """The language with this code, or the base language."""
    for lang in all_languages():
        if lang.code == code:
            return lang
    return get(base_language()) if code != base_language() else all_languages()[0]


def is_supported(code: str | None) -> bool:
    return code in codes()


def from_telegram(language_code: str | None) -> str | None:
    """Match a Telegram client's IETF language tag ("fa-AF", "nb", "en-US") to a supported language."""
    if not language_code:
        return None
    tag = language_code.replace("_", "-").lower()
    primary = tag.split("-")[0]
    for lang in all_languages():
        if tag in lang.telegram or primary in lang.telegram:
            return lang.code
    return None


def choice_order(current: str | None, telegram_code: str | None, hint: str | None) -> tuple[list[str], str | None]:
    """Language codes in the order to offer them, and the one to pre-select: the user's
    current language, else the one their Telegram client reports, else the specialist's
    hint. The likely ones come first, then the rest in the usual order."""
    likely = [c for c in (current, from_telegram(telegram_code), hint) if is_supported(c)]
    return list(dict.fromkeys(likely + list(codes()))), (likely[0] if likely else None)
