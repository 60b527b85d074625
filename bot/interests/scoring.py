"""RIASEC scoring of picture-card answers, the Holland code, job suggestions and CV sentences.

The formula
-----------
Each answer has a value, as in the like / indifferent / dislike format of the
Strong Interest Inventory (and the Like / ? / Dislike of the O*NET Interest
Profiler): 👍 = +1, ❓ = 0, 👎 = -1.

A card's RIASEC code gives its letters weights by position, 3 : 2 : 1, as in the
Zener-Schnuelle index for comparing Holland codes (Zener & Schnuelle 1976):
first letter 1, second 2/3, third 1/3. A card with no letters counts for no type.

For each type T, over the cards the candidate answered:

    raw(T)    = sum of weight(card, T) * value(answer)
    shown(T)  = sum of weight(card, T)
    score(T)  = raw(T) / (shown(T) + PRIOR)

PRIOR (2 card weights of neutral answers) keeps one lucky card from beating a
type that was liked many times. score is between -1 and +1; it is shown as
0-100 (50 = neutral). The Holland code is the three highest types; ties go to
the type with more weighted likes (the O*NET rule of counting likes), then to
the RIASEC order. Only types scored above neutral enter the code: someone who
answered everything with ❓ or 👎 gets no code (and is told so), not "RIA" by
alphabet. Sums do not depend on card order, so neither does the profile.

Suggestions: every occupation the candidate did not dislike, and whose unavoidable
conditions (for example "outdoors") the candidate did not dislike, ranked by how
well its own code fits the scores (same 3:2:1 weights), with a bonus for a card
the candidate liked; an occupation that fits no better than neutral is suggested
only if the candidate liked it. Card ids that are no longer in the content are
skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.interests.cards import RIASEC, Card, Deck

ANSWER_VALUES = {"like": 1.0, "unsure": 0.0, "dislike": -1.0}
ANSWERS = tuple(ANSWER_VALUES)
POSITION_WEIGHTS = (1.0, 2 / 3, 1 / 3)
PRIOR = 2.0
LIKED_BONUS = 0.25
SUGGESTIONS = 5
SENTENCES = 6


@dataclass(frozen=True)
class Profile:
    scores: dict[str, float]          # letter -> -1 .. +1
    likes: dict[str, float]           # letter -> weighted likes (for ties)
    code: str                         # three letters, strongest first

    def percent(self, letter: str) -> int:
        return percent(self.scores[letter])


def percent(score: float) -> int:
    """A score (-1 .. +1) as shown: 0-100, 50 = neutral."""
    return round((score + 1) * 50)


def letter_weights(card: Card) -> dict[str, float]:
    return {letter: POSITION_WEIGHTS[i] for i, letter in enumerate(card.riasec[:3])}


def profile(deck: Deck, answers: Mapping[str, str]) -> Profile:
    """Score the six types from {card id: like|unsure|dislike}."""
    raw = dict.fromkeys(RIASEC, 0.0)
    shown = dict.fromkeys(RIASEC, 0.0)
    likes = dict.fromkeys(RIASEC, 0.0)
    for card_id, answer in answers.items():
        card = deck.get(card_id)
        if card is None:
            continue
        value = ANSWER_VALUES[answer]
        for letter, weight in letter_weights(card).items():
            raw[letter] += weight * value
            shown[letter] += weight
            if answer == "like":
                likes[letter] += weight
    scores = {letter: raw[letter] / (shown[letter] + PRIOR) for letter in RIASEC}
    order = sorted(RIASEC, key=lambda letter: (-round(scores[letter], 9), -round(likes[letter], 9), RIASEC.index(letter)))
    return Profile(scores, likes, "".join(letter for letter in order[:3] if scores[letter] > 1e-9))


def fit(card: Card, found: Profile) -> float:
    """How well an occupation's code matches the candidate's scores (-1 .. +1)."""
    weights = letter_weights(card)
    return sum(w * found.scores[letter] for letter, w in weights.items()) / sum(weights.values())


def blocked_conditions(deck: Deck, answers: Mapping[str, str]) -> set[str]:
    """The conditions the candidate said 👎 to."""
    return {cid for cid, a in answers.items() if a == "dislike" and (c := deck.get(cid)) is not None and c.kind == "condition"}


@dataclass(frozen=True)
class Suggestion:
    card: Card
    fit: float
    liked: bool
    related: tuple[Card, ...]


def suggestions(deck: Deck, answers: Mapping[str, str], found: Profile, limit: int = SUGGESTIONS) -> list[Suggestion]:
    blocked = blocked_conditions(deck, answers)
    ranked = []
    for card in deck.of_kind("occupation"):
        if answers.get(card.id) == "dislike" or blocked.intersection(card.conditions):
            continue
        liked = answers.get(card.id) == "like"
        fits = fit(card, found)
        if fits <= 1e-9 and not liked:
            continue
        ranked.append((fits + (LIKED_BONUS if liked else 0.0), liked, card))
    ranked.sort(key=lambda r: (-round(r[0], 9), not r[1], r[2].id))
    result = []
    for score, liked, card in ranked[:limit]:
        related = tuple(
            deck[rid] for rid in card.related
            if answers.get(rid) != "dislike" and not blocked.intersection(deck[rid].conditions)
        )
        result.append(Suggestion(card, score, liked, related))
    return result


def cv_sentences(deck: Deck, answers: Mapping[str, str], found: Profile, limit: int = SENTENCES) -> list[str]:
    """Sentences for a CV or an interview, built from what the candidate liked, as keys:
    "riasec.<letter>" for the strongest type first, then the ids of liked traits, tasks
    and conditions (in content order). Each key's Norwegian sentence is in the content."""
    keys = [f"riasec.{found.code[0]}"] if found.code else []
    for kind in ("trait", "task", "condition"):
        keys += [card.id for card in deck.of_kind(kind) if answers.get(card.id) == "like"]
    return keys[:limit]


def sentence(deck: Deck, key: str, language: str = "nb") -> str | None:
    """The sentence behind a key of `cv_sentences`, in a language (Norwegian if missing)."""
    if key.startswith("riasec."):
        kind = deck.types.get(key.split(".", 1)[1])
        return kind.text(language).detail if kind else None
    card = deck.get(key)
    return card.text(language).detail if card else None


def liked_and_disliked(answers: Mapping[str, str]) -> tuple[list[str], list[str]]:
    return (
        [cid for cid, a in answers.items() if a == "like"],
        [cid for cid, a in answers.items() if a == "dislike"],
    )


def statements(deck: Deck, answers: Mapping[str, str], limit: int = 8) -> list[tuple[str, bool]]:
    """True/false statements about oneself for the follow-up task: (card id, the answer
    the mapping expects). Taken from answered tasks, traits and conditions, liked and
    disliked in turn, so both "true" and "not true" come up."""
    liked = [c.id for kind in ("task", "trait", "condition") for c in deck.of_kind(kind) if answers.get(c.id) == "like"]
    disliked = [c.id for kind in ("task", "trait", "condition") for c in deck.of_kind(kind) if answers.get(c.id) == "dislike"]
    chosen: list[tuple[str, bool]] = []
    for i in range(max(len(liked), len(disliked))):
        if i < len(liked):
            chosen.append((liked[i], True))
        if i < len(disliked):
            chosen.append((disliked[i], False))
    return chosen[:limit]
