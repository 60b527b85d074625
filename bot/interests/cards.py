"""The interest cards: occupations, work tasks, job conditions and traits, read from
``content/interests`` (see its README), with their translations and pictures.

Norwegian Bokmål is the source text. A card's text in another language comes from
``content/interests/translations/<lang>/<file>.json``; an entry a machine made is
marked ``machine_translated`` until a native speaker has checked it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bot import CONTENT_DIR, PICTURE_CARDS_DIR, languages

INTERESTS_DIR = CONTENT_DIR / "interests"
RIASEC = "RIASEC"
EDUCATION_LEVELS = ("none", "course", "trade_certificate", "higher_education")

#: Card file -> (kind, id prefix, the field with the card's second text).
CARD_FILES = {
    "occupations": ("occupation", "job.", "description"),
    "tasks": ("task", "task.", "sentence"),
    "conditions": ("condition", "cond.", "sentence"),
    "traits": ("trait", "trait.", "sentence"),
}


@dataclass(frozen=True)
class CardText:
    name: str
    detail: str                  # an occupation's description; the first-person sentence of the others
    machine_translated: bool = False


@dataclass(frozen=True)
class Card:
    id: str
    kind: str                    # occupation, task, condition, trait
    emoji: str
    riasec: str                  # zero to three letters, most important first
    texts: dict[str, CardText]   # language code -> text; "nb" always there
    styrk08: str | None = None
    education: str | None = None
    sector: str | None = None
    related: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    pole: str | None = None

    @property
    def norwegian(self) -> CardText:
        return self.texts["nb"]

    def text(self, language: str) -> CardText:
        """The card's text in this language, or the Norwegian when there is none."""
        return self.texts.get(language) or self.norwegian

    def norwegian_texts(self) -> tuple[str, str]:
        return self.norwegian.name, self.norwegian.detail

    @property
    def picture(self) -> Path:
        return PICTURE_CARDS_DIR / f"{self.id}.png"


@dataclass(frozen=True)
class RiasecType:
    letter: str
    emoji: str
    texts: dict[str, CardText]   # name, and a sentence for the CV ("Jeg liker å jobbe med mennesker.")

    def text(self, language: str) -> CardText:
        return self.texts.get(language) or self.texts["nb"]


@dataclass(frozen=True)
class Deck:
    cards: dict[str, Card]
    types: dict[str, RiasecType]
    styrk08: dict[str, str] = field(default_factory=dict)

    def all_cards(self) -> list[Card]:
        return list(self.cards.values())

    def of_kind(self, kind: str) -> list[Card]:
        return [c for c in self.cards.values() if c.kind == kind]

    def __getitem__(self, card_id: str) -> Card:
        return self.cards[card_id]

    def get(self, card_id: str) -> Card | None:
        return self.cards.get(card_id)


def _read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _texts(entry_nb: dict, detail_field: str, translations: dict[str, dict], card_id: str) -> dict[str, CardText]:
    texts = {"nb": CardText(entry_nb["name"], entry_nb[detail_field])}
    for code, entries in translations.items():
        entry = entries.get(card_id)
        if entry:
            texts[code] = CardText(entry["name"], entry[detail_field], bool(entry.get("machine_translated", False)))
    return texts


def _translations(file_stem: str, folder: Path = INTERESTS_DIR) -> dict[str, dict]:
    result = {}
    for code in languages.codes():
        path = folder / "translations" / code / f"{file_stem}.json"
        if code != "nb" and path.exists():
            result[code] = _read(path)
    return result


def load_deck(folder: Path = INTERESTS_DIR) -> Deck:
    """Every card and the six RIASEC types, from the content folder."""
    cards: dict[str, Card] = {}
    for stem, (kind, _prefix, detail_field) in CARD_FILES.items():
        translations = _translations(stem, folder)
        for entry in _read(folder / f"{stem}.json"):
            if entry["id"] in cards:
                raise ValueError(f"card id {entry['id']} is used twice")
            cards[entry["id"]] = Card(
                id=entry["id"],
                kind=kind,
                emoji=entry["emoji"],
                riasec=entry.get("riasec") or "",
                texts=_texts(entry["nb"], detail_field, translations, entry["id"]),
                styrk08=entry.get("styrk08"),
                education=entry.get("education"),
                sector=entry.get("sector"),
                related=tuple(entry.get("related", ())),
                conditions=tuple(entry.get("conditions", ())),
                pole=entry.get("pole"),
            )
    type_translations = _translations("riasec", folder)
    types = {
        entry["letter"]: RiasecType(
            entry["letter"], entry["emoji"], _texts(entry["nb"], "sentence", type_translations, entry["letter"])
        )
        for entry in _read(folder / "riasec.json")
    }
    return Deck(cards, types, _read(folder / "styrk08.json"))


@cache
def deck() -> Deck:
    """The deck the bot uses (read once)."""
    return load_deck()
