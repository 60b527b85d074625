"""The built-in word decks, read from ``content/vocabulary`` (see its README), with their
translations, pictures and sound.

Norwegian Bokmål is the source. A word's text in another language comes from
``content/vocabulary/translations/<lang>/<deck>.json``; an entry a machine made is marked
``machine_translated`` until a native speaker has checked it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot import CONTENT_DIR, PICTURE_CARDS_DIR, languages

VOCABULARY_DIR = CONTENT_DIR / "vocabulary"
WORD_PICTURES_DIR = PICTURE_CARDS_DIR / "words"
#: The decks in the order the candidate sees them; "common" is for every workplace.
DECK_IDS = ("common", "retail", "cleaning", "kitchen", "warehouse", "care", "kindergarten", "building", "hotel")


@dataclass(frozen=True)
class WordText:
    word: str
    example: str
    machine_translated: bool = False


@dataclass(frozen=True)
class Word:
    id: str
    deck: str
    emoji: str
    texts: dict[str, WordText]  # language code -> text; "nb" always there

    @property
    def norwegian(self) -> WordText:
        return self.texts["nb"]

    def text(self, language: str) -> WordText | None:
        """The translation into this language (None when there is none)."""
        return self.texts.get(language)

    @property
    def picture(self) -> Path:
        return WORD_PICTURES_DIR / f"{self.id}.png"

    def norwegian_texts(self) -> tuple[str, str]:
        return self.norwegian.word, self.norwegian.example


@dataclass(frozen=True)
class Deck:
    id: str
    emoji: str
    names: dict[str, tuple[str, bool]]  # language code -> (name, machine made)
    words: tuple[Word, ...]

    def name(self, language: str) -> str:
        return (self.names.get(language) or self.names["nb"])[0]


def _read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def load_decks(folder: Path = VOCABULARY_DIR) -> dict[str, Deck]:
    """Every deck in DECK_IDS order, with every translation file that exists."""
    decks = {}
    for deck_id in DECK_IDS:
        raw = _read(folder / f"{deck_id}.json")
        translations = {}
        for code in languages.codes():
            path = folder / "translations" / code / f"{deck_id}.json"
            if code != languages.base_language() and path.exists():
                translations[code] = _read(path)
        names = {"nb": (raw["nb"]["name"], False)}
        names.update({code: (t[deck_id]["name"], t[deck_id].get("machine_translated", False))
                      for code, t in translations.items() if deck_id in t})
        words = []
        for entry in raw["words"]:
            texts = {"nb": WordText(entry["nb"]["word"], entry["nb"]["example"])}
            for code, t in translations.items():
                if entry["id"] in t:
                    own = t[entry["id"]]
                    texts[code] = WordText(own["word"], own["example"], own.get("machine_translated", False))
            words.append(Word(entry["id"], deck_id, entry["emoji"], texts))
        decks[deck_id] = Deck(deck_id, raw["emoji"], names, tuple(words))
    return decks


@cache
def decks() -> dict[str, Deck]:
    return load_decks()


@cache
def word_by_id() -> dict[str, Word]:
    return {word.id: word for deck in decks().values() for word in deck.words}
