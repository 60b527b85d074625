"""What a drill round asks: which kind of question for each word, and the other choices.

Plain functions over `Item`s; no database, no Telegram. A round has up to ROUND_SIZE
questions, from easy to hard:

1. picture -> choose the Norwegian word,
2. the Norwegian word with sound -> choose the translation,
3. listen -> choose the Norwegian word,
4. translation -> choose the Norwegian word,
5. type the word (shown the picture and the translation; the sound can be played).

New words take the easy places and words seen before the hard ones, and every kind of
question comes up in a round of five or more. A question a word cannot have (no
picture, no translation into the candidate's language) becomes the nearest kind it can.
Wrong choices come from the same deck first, never look or sound like the right one
(another picture, another translation, another Norwegian word), and are four in all
when the decks have enough words.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

ROUND_SIZE = 10
OPTIONS = 4
KINDS = ("picture_word", "sound_translation", "listen_word", "translation_word", "type_word")


@dataclass(frozen=True)
class Item:
    """A word to learn: built-in (key 'b:<id>') or given to this candidate (key 'c:<row id>')."""

    key: str
    deck: str
    norwegian: str
    example: str | None
    translations: dict[str, tuple[str, bool]]  # language -> (text, made by a machine at run time: shown with 🤖)
    emoji: str | None = None
    picture: Path | None = None     # a built-in picture card
    photo: str | None = None        # SHA-256 of a mentor's photo (vocab_media)
    voice: str | None = None        # SHA-256 of a person's recording (vocab_media)
    example_translations: dict[str, str] = field(default_factory=dict)  # a built-in example, per language

    def translation(self, language: str) -> tuple[str, bool] | None:
        return self.translations.get(language)

    @property
    def has_picture(self) -> bool:
        return self.picture is not None or self.photo is not None

    @property
    def look(self) -> str:
        """What the picture shows, for keeping two look-alike pictures out of one question."""
        return self.photo or self.emoji or self.key


@dataclass(frozen=True)
class Exercise:
    item: str
    kind: str
    options: tuple[str, ...] = ()  # item keys, in the order shown; empty when typing

    def as_json(self) -> dict:
        return {"item": self.item, "kind": self.kind, "options": list(self.options)}

    @classmethod
    def from_json(cls, data: dict) -> Exercise:
        return cls(data["item"], data["kind"], tuple(data["options"]))


def possible(item: Item, kind: str, language: str) -> bool:
    if kind == "picture_word":
        return item.has_picture
    if kind in ("sound_translation", "translation_word"):
        return item.translation(language) is not None
    return True  # sound is always there (a person's or eSpeak's); typing needs nothing more


def kind_for(item: Item, wanted: str, language: str) -> str:
    """`wanted`, or the nearest kind (by difficulty) this item can have."""
    index = KINDS.index(wanted)
    for distance in range(len(KINDS)):
        for candidate in (index - distance, index + distance):
            if 0 <= candidate < len(KINDS) and possible(item, KINDS[candidate], language):
                return KINDS[candidate]
    return "type_word"


def _differs(kind: str, answer: Item, other: Item, language: str) -> bool:
    if other.key == answer.key or other.norwegian.casefold() == answer.norwegian.casefold():
        return False
    if kind == "picture_word" and other.look == answer.look:
        return False
    if kind == "sound_translation":
        theirs, ours = other.translation(language), answer.translation(language)
        return theirs is not None and ours is not None and theirs[0].casefold() != ours[0].casefold()
    return True


def distractors(kind: str, answer: Item, pool: list[Item], language: str, rng: random.Random) -> list[Item]:
    """Up to OPTIONS - 1 wrong choices: the answer's deck first, then any deck."""
    same = [i for i in pool if i.deck == answer.deck and _differs(kind, answer, i, language)]
    rng.shuffle(same)
    chosen = same[: OPTIONS - 1]
    if len(chosen) < OPTIONS - 1:
        taken = {i.key for i in chosen}
        rest = [i for i in pool if i.deck != answer.deck and i.key not in taken and _differs(kind, answer, i, language)]
        rng.shuffle(rest)
        chosen += rest[: OPTIONS - 1 - len(chosen)]
    # two wrong choices must not be the same word either
    unique: dict[str, Item] = {}
    for item in chosen:
        unique.setdefault(item.norwegian.casefold(), item)
    return list(unique.values())


def compose(words: list[Item], seen: set[str], pool: list[Item], language: str, rng: random.Random) -> list[Exercise]:
    """The questions for these words (new ones first), one each, easy to hard."""
    ordered = [w for w in words if w.key not in seen] + [w for w in words if w.key in seen]
    exercises = []
    for position, item in enumerate(ordered):
        wanted = KINDS[position * len(KINDS) // len(ordered)] if len(ordered) >= len(KINDS) else KINDS[min(position, len(KINDS) - 1)]
        kind = kind_for(item, wanted, language)
        if kind != "type_word":
            wrong = distractors(kind, item, pool, language, rng)
            if not wrong:  # nothing to choose between: write it instead
                kind = "type_word"
            else:
                options = [item, *wrong]
                rng.shuffle(options)
                exercises.append(Exercise(item.key, kind, tuple(o.key for o in options)))
                continue
        exercises.append(Exercise(item.key, "type_word"))
    return exercises
