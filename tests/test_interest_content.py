"""The interest cards in content/interests: complete, consistent, translated, pictured
and spelt right (see content/interests/README.md)."""

import re

import pytest

from bot import languages
from bot.interests.cards import CARD_FILES, EDUCATION_LEVELS, INTERESTS_DIR, RIASEC, load_deck

OTHER_LANGUAGES = [code for code in languages.codes() if code != "nb"]
SECTORS_FOR_THIS_GROUP = {
    "retail", "cleaning", "kitchen", "warehouse", "care", "school", "building", "industry",
    "transport", "hotel", "caretaker", "agriculture",
}


@pytest.fixture(scope="module")
def cards():
    return load_deck()


def test_enough_cards_of_each_kind(cards):
    assert len(cards.of_kind("occupation")) >= 120
    assert len(cards.of_kind("task")) >= 40
    assert len(cards.of_kind("condition")) >= 12
    assert len(cards.of_kind("trait")) >= 20


def test_ids_have_their_kinds_prefix(cards):
    prefixes = {kind: prefix for kind, prefix, _ in CARD_FILES.values()}
    for card in cards.all_cards():
        assert card.id.startswith(prefixes[card.kind]), card.id
        assert re.fullmatch(r"[a-z]+\.[a-z0-9_]+", card.id), card.id


def test_occupations_are_complete_and_consistent(cards):
    conditions = {c.id for c in cards.of_kind("condition")}
    for job in cards.of_kind("occupation"):
        assert re.fullmatch(r"\d{4}", job.styrk08 or "") and job.styrk08 in cards.styrk08, (job.id, job.styrk08)
        assert 1 <= len(job.riasec) <= 3 and set(job.riasec) <= set(RIASEC) and len(set(job.riasec)) == len(job.riasec), job.id
        assert job.education in EDUCATION_LEVELS, job.id
        assert len(job.related) >= 2, job.id
        for other in job.related:
            assert other != job.id and cards.get(other) is not None and cards[other].kind == "occupation", (job.id, other)
        assert set(job.conditions) <= conditions, job.id


def test_occupations_cover_every_type_the_groups_work_and_more_education(cards):
    jobs = cards.of_kind("occupation")
    for letter in RIASEC:
        assert sum(1 for j in jobs if j.riasec[0] == letter) >= 8, letter
    assert SECTORS_FOR_THIS_GROUP <= {j.sector for j in jobs}
    assert {j.education for j in jobs} == set(EDUCATION_LEVELS)


def test_tasks_and_traits_carry_interests(cards):
    for kind in ("task", "condition", "trait"):
        for card in cards.of_kind(kind):
            assert set(card.riasec) <= set(RIASEC) and len(card.riasec) <= 3, card.id
    assert {c.riasec[0] for c in cards.of_kind("task")} == set(RIASEC)
    for cond in cards.of_kind("condition"):
        if cond.pole:
            assert cards[cond.pole].pole == cond.id, cond.id


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_card_is_translated(cards, code):
    for card in cards.all_cards():
        text = card.texts.get(code)
        assert text is not None and text.name.strip() and text.detail.strip(), (code, card.id)
    for kind in cards.types.values():
        assert kind.texts.get(code) is not None and kind.texts[code].name.strip(), (code, kind.letter)


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_translation_files_have_no_unknown_ids_and_say_who_made_them(cards, code):
    import json

    known = set(cards.cards) | set(cards.types)
    for path in (INTERESTS_DIR / "translations" / code).glob("*.json"):
        entries = json.loads(path.read_text(encoding="utf-8"))
        assert set(entries) <= known, (path, set(entries) - known)
        for entry in entries.values():
            assert isinstance(entry.get("machine_translated", False), bool)


def test_every_card_has_a_picture(cards):
    missing = [card.id for card in cards.all_cards() if not card.picture.is_file()]
    assert not missing
    for letter in RIASEC:
        assert (card_dir := cards.all_cards()[0].picture.parent / "riasec" / f"{letter}.png").is_file(), card_dir
    assert (cards.all_cards()[0].picture.parent / "ATTRIBUTION.md").is_file()
    assert (cards.all_cards()[0].picture.parent / "LICENSE-OpenMoji").is_file()


def test_pictures_are_what_the_script_makes(cards):
    """The committed cards come from tools/make_picture_cards.py (checked on a sample of them)."""
    from PIL import Image

    from bot.interests import pictures
    from tools.make_picture_cards import same_pixels

    for card in cards.all_cards()[::17]:
        with Image.open(card.picture) as committed:
            assert same_pixels(committed, pictures.render_card(card), tolerance=1.0), card.id


def test_norwegian_passes_the_bokmal_spell_check(cards):
    from tools.spellcheck_nb import unknown_words

    texts = [(c.id, t) for c in cards.all_cards() for t in c.norwegian_texts()]
    texts += [(k.letter, t) for k in cards.types.values() for t in (k.texts["nb"].name, k.texts["nb"].detail)]
    bad = [(cid, text, words) for cid, text in texts if (words := unknown_words(text))]
    assert not bad


def test_norwegian_is_short(cards):
    for card in cards.all_cards():
        name, detail = card.norwegian_texts()
        assert len(name.split()) <= 4, card.id
        for sentence in re.split(r"(?<=[.!?])\s+", detail):
            assert len(sentence.split()) <= 16, (card.id, sentence)
        assert detail.endswith("."), card.id
