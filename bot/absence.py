"""The absence notice: a short, polite Norwegian message for the workplace, put together
from the candidate's three choices (what, why, for how long), with its translation; the
rules that apply; and the case-record event (the categories only, and only when the
candidate shares with their job specialist). The sentences and rules are content
(`content/absence/`, see its README). No Telegram here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlite_utils

from bot import CONTENT_DIR, events, languages

ABSENCE_DIR = CONTENT_DIR / "absence"
WHAT = ("shift", "meeting", "class", "other")
WHY = ("sick", "sick_child", "appointment", "transport", "other")
HOW_LONG = ("today", "tomorrow", "few_days", "unknown")


@dataclass(frozen=True)
class Notice:
    norwegian: str
    translation: str | None  # in the candidate's language (None when that is Norwegian)
    machine: bool            # the translation has not been reviewed by a person yet


@dataclass(frozen=True)
class Rule:
    id: str
    text: str
    norwegian: str
    source: str


@cache
def sentences() -> dict:
    return json.loads((ABSENCE_DIR / "notice.json").read_text(encoding="utf-8"))


@cache
def all_rules() -> list[dict]:
    return json.loads((ABSENCE_DIR / "rules.json").read_text(encoding="utf-8"))


def valid(what: str, why: str, how_long: str) -> bool:
    return what in WHAT and why in WHY and how_long in HOW_LONG


def _parts(what: str, why: str, how_long: str, contact: str | None) -> list[tuple[dict, dict]]:
    """(sentence, values) in the order the notice reads."""
    s = sentences()
    parts = [(s["greeting_named"], {"name": contact}) if contact else (s["greeting"], {}),
             (s["why"][why], {}), (s["what_when"][f"{what}.{how_long}"], {})]
    if how_long not in ("today", "tomorrow"):  # longer than a day: they will say more later
        parts.append((s["follow_up"], {}))
    return parts


def compose(what: str, why: str, how_long: str, contact: str | None, first_name: str | None, language: str) -> Notice:
    """The notice in Norwegian (greeting the contact by name if known, signed with the
    candidate's first name), and in the candidate's language."""
    if not valid(what, why, how_long):
        raise ValueError((what, why, how_long))
    s = sentences()
    closing = (s["closing"], {"name": first_name or ""})

    def text(code: str) -> str:
        body = " ".join(part[code].format(**values) for part, values in _parts(what, why, how_long, contact))
        return f"{body}\n{closing[0][code].format(**closing[1]).strip()}"

    base = languages.base_language()
    if language == base:
        return Notice(text(base), None, False)
    return Notice(text(base), text(language), language in s.get("machine_translated", []))


def rules(why: str, language: str) -> list[Rule]:
    """The rules for this reason, the ones for every absence first."""
    found = [r for r in all_rules() if "always" in r["when"]] + [r for r in all_rules() if why in r["when"] and "always" not in r["when"]]
    base = languages.base_language()
    return [Rule(r["id"], r.get(language) or r[base], r[base], r["source"]) for r in found]


def record(db: sqlite_utils.Database, candidate_id: int, what: str, why: str, how_long: str, now: datetime | None = None) -> int | None:
    """The case-record event: the three categories and nothing else (no text), written only
    if the candidate shares absence notices with their job specialist."""
    return events.record(db, candidate_id, "absence_notice", {"what": what, "why": why, "how_long": how_long}, now)
