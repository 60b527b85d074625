"""Translations and locale-aware formatting.

UI text lives in gettext catalogs under locales/<code>/LC_MESSAGES/jobbvenn.mo,
made with babel (see the README). Source strings are English; every language,
Norwegian Bokmål and English included, has its own catalog, and a test fails on
any message id that a catalog leaves untranslated.

`N_` marks a string for extraction where it is defined, to be translated later.
"""

from __future__ import annotations

import gettext
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_skeleton, format_time, get_day_names

from bot import LOCALES_DIR, languages

DOMAIN = "jobbvenn"

# Unicode bidi isolates: keep a left-to-right word (a Norwegian word, a link, a
# name) from being reordered inside right-to-left text, and the other way round.
FSI, PDI = "\u2068", "\u2069"


def N_(message: str) -> str:
    """Mark a string for translation without translating it now."""
    return message


@cache
def translations(code: str) -> gettext.NullTranslations:
    lang = languages.get(code)
    try:
        return gettext.translation(DOMAIN, localedir=str(LOCALES_DIR), languages=[lang.code])
    except FileNotFoundError:
        return gettext.NullTranslations()


class Translator:
    """The gettext functions for one language, plus formatting in its locale."""

    def __init__(self, code: str | None):
        self.language = languages.get(code)
        self.code = self.language.code
        self._t = translations(self.code)

    def gettext(self, message: str, /, **values: object) -> str:
        text = self._t.gettext(message)
        return text.format(**values) if values else text

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        return self._t.ngettext(singular, plural, n).format(n=n, **values)

    def isolate(self, text: str) -> str:
        """Wrap embedded text so it keeps its own direction (needed in Arabic, Dari and Pashto)."""
        return f"{FSI}{text}{PDI}"

    def datetime(self, moment: datetime, tz: ZoneInfo, fmt: str = "medium") -> str:
        return format_datetime(moment, format=fmt, tzinfo=tz, locale=self.language.babel)

    def day(self, moment: datetime | str, tz: ZoneInfo) -> str:
        """A date alone, in the locale's medium format ("22. nov. 2026"); ISO text is accepted."""
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        return format_date(moment.astimezone(tz), format="medium", locale=self.language.babel)

    def weekday(self, day: date) -> str:
        """The weekday and the date in words: "mandag 23. november 2026"."""
        return format_date(day, format="full", locale=self.language.babel)

    def day_name(self, weekday: int) -> str:
        """The name of a weekday (0 = Monday) in the locale: "mandag", "Monday"."""
        return get_day_names("wide", locale=self.language.babel)[weekday]

    def short_day(self, day: date) -> str:
        """The weekday and date in short, for a button: "man. 23. nov."."""
        return format_skeleton("MMMEd", day, locale=self.language.babel)

    def clock(self, moment: datetime, tz: ZoneInfo) -> str:
        return format_time(moment.astimezone(tz), "short", locale=self.language.babel)

    def when(self, moment: datetime, tz: ZoneInfo) -> str:
        """The full date with weekday and month in words, then the time: "tirsdag 1. desember 2026 10:00"."""
        local = moment.astimezone(tz)
        day = format_date(local, format="full", locale=self.language.babel)
        return f"{day} {format_time(local, 'short', locale=self.language.babel)}"


@cache
def translator(code: str | None) -> Translator:
    return Translator(code)
