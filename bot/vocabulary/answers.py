"""Checking a typed answer against the Norwegian word, kindly.

Accepted as right: other upper/lower case, æ ø å written as ae oe aa, missing or
extra punctuation and spaces, and a missing article (en/ei/et, or å before a verb);
"en" for a word given with "ei" is right too (every feminine noun may take "en" in
Bokmål). Accepted as nearly right: one small typo (a letter missing, extra, wrong,
or two letters swapped: optimal string alignment distance 1, from rapidfuzz) in a
word of at least four letters, or another article. Everything else is wrong.
The verdict says what was off, so the candidate learns from it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

ARTICLES = ("en", "ei", "et", "aa")  # compared after å -> aa
SPELLED_OUT = {"æ": "ae", "ø": "oe", "å": "aa"}
MIN_LETTERS_FOR_A_TYPO = 4
_PUNCTUATION = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")

#: What was off: typo kinds, and notes that do not make an answer wrong.
TYPO_KINDS = ("missing", "extra", "wrong", "swapped")
NOTES = ("spelled_out", "article_missing", "article_other")


@dataclass(frozen=True)
class Verdict:
    right: bool
    typo: str | None = None            # one of TYPO_KINDS when the answer was nearly right
    notes: tuple[str, ...] = field(default=())

    @property
    def exact(self) -> bool:
        return self.right and self.typo is None


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", text)).strip()


def _spelled_out(text: str) -> str:
    for letter, pair in SPELLED_OUT.items():
        text = text.replace(letter, pair)
    return text


def _split_article(text: str) -> tuple[str | None, str]:
    first, _, rest = text.partition(" ")
    return (first, rest) if first in ARTICLES and rest else (None, text)


def _typo_kind(typed: str, expected: str) -> str:
    if len(typed) < len(expected):
        return "missing"
    if len(typed) > len(expected):
        return "extra"
    differ = [i for i, (a, b) in enumerate(zip(typed, expected, strict=True)) if a != b]
    return "swapped" if len(differ) == 2 else "wrong"


def check(typed: str, expected: str) -> Verdict:
    """Is `typed` the word `expected` (as written in the deck, e.g. "ei bøtte")?"""
    answer, target = _plain(typed), _plain(expected)
    if not answer:
        return Verdict(False)
    notes = []
    if any(ch in target for ch in SPELLED_OUT) and not any(ch in answer for ch in SPELLED_OUT) \
            and any(pair in answer for pair in SPELLED_OUT.values()):
        notes.append("spelled_out")
    answer, target = _spelled_out(answer), _spelled_out(target)
    want_article, want_word = _split_article(target)
    got_article, got_word = _split_article(answer)
    if want_article == "aa" and answer.startswith("a "):  # "a" for "å" on a keyboard without å
        got_article, got_word = "aa", answer[2:]
    if want_article and got_article is None:
        notes.append("article_missing")
    elif want_article and got_article != want_article and not (want_article == "ei" and got_article == "en"):
        notes.append("article_other")
    elif got_article and not want_article:  # "et" typed before a phrase: compare the whole text
        got_word = answer
    if got_word == want_word:
        return Verdict(True, None, tuple(notes))
    if len(want_word.replace(" ", "")) >= MIN_LETTERS_FOR_A_TYPO and OSA.distance(got_word, want_word) == 1:
        return Verdict(True, _typo_kind(got_word, want_word), tuple(notes))
    return Verdict(False)
