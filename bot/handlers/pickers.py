"""Buttons for choosing a day, an hour and minutes, so nobody has to type a date.

Each picker puts its choice after a prefix in the callback data: `<prefix>:20261123`
for a day, `<prefix>:07` for an hour, `<prefix>:0730` for a time. `moment()` turns the
choices back into a time in the service's time zone (pure, tested in test_reminders).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.handlers.common import home_button, rows
from bot.i18n import N_, Translator

HOURS = range(24)  # night shifts and early buses too
MINUTES = (0, 15, 30, 45)
DAY_PATTERN = re.compile(r"^20[0-9]{2}[01][0-9][0-3][0-9]$")
TIME_PATTERN = re.compile(r"^([01][0-9]|2[0-3])([0-5][0-9])$")


def day_markup(t: Translator, prefix: str, today: date, days: int = 14, extra: list[InlineKeyboardButton] | None = None) -> InlineKeyboardMarkup:
    buttons = []
    for n in range(days):
        day = today + timedelta(days=n)
        label = t(N_("Today")) if n == 0 else t(N_("Tomorrow")) if n == 1 else t.short_day(day)
        buttons.append(InlineKeyboardButton(label, callback_data=f"{prefix}:{day:%Y%m%d}"))
    return InlineKeyboardMarkup(rows(buttons, 3) + [[*(extra or []), home_button(t)]])


def hour_markup(t: Translator, prefix: str) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(f"{h:02d}", callback_data=f"{prefix}:{h:02d}") for h in HOURS]
    return InlineKeyboardMarkup(rows(buttons, 6) + [[home_button(t)]])


def minute_markup(t: Translator, prefix: str, hour: int) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(f"{hour:02d}:{m:02d}", callback_data=f"{prefix}:{hour:02d}{m:02d}") for m in MINUTES]
    return InlineKeyboardMarkup([buttons, [home_button(t)]])


def parse_day(text: str) -> date | None:
    if not DAY_PATTERN.match(text):
        return None
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def parse_time(text: str) -> time | None:
    found = TIME_PATTERN.match(text)
    return time(int(found[1]), int(found[2])) if found else None


def moment(day_text: str, time_text: str, tz: ZoneInfo) -> datetime | None:
    """The chosen day and time as a moment in `tz`; None if either was forged."""
    day, at = parse_day(day_text), parse_time(time_text)
    return datetime.combine(day, at, tz) if day and at else None
