"""RIASEC scoring, suggestions and sentences (bot.interests.scoring), on a tiny
hand-made deck whose numbers can be checked by hand, and on the real deck."""

import random

import pytest

from bot.interests import scoring
from bot.interests.cards import RIASEC, Card, CardText, Deck, RiasecType, deck


def card(cid, kind="occupation", riasec="", conditions=(), related=()):
    return Card(cid, kind, "🧹", riasec, {"nb": CardText(cid, f"Jeg liker {cid}.")}, "9112", "none", "cleaning",
                tuple(related), tuple(conditions))


def tiny_deck(*cards):
    types = {letter: RiasecType(letter, "🔧", {"nb": CardText(letter, f"Type {letter}.")}) for letter in RIASEC}
    return Deck({c.id: c for c in cards}, types)


def test_formula_on_numbers_worked_by_hand():
    d = tiny_deck(card("a", riasec="RI"), card("b", riasec="S"), card("c", riasec="R"))
    found = scoring.profile(d, {"a": "like", "b": "dislike", "c": "unsure"})
    # R: (1*1 + 1*0) / (2 + 2) ; I: (2/3) / (2/3 + 2) ; S: -1 / (1 + 2)
    assert found.scores["R"] == pytest.approx(0.25)
    assert found.scores["I"] == pytest.approx(0.25)
    assert found.scores["S"] == pytest.approx(-1 / 3)
    assert found.scores["A"] == found.scores["E"] == found.scores["C"] == 0
    # R and I tie on score; R has more weighted likes. A, E and C are only neutral: not in the code.
    assert found.code == "RI"
    assert found.percent("R") == 62 and found.percent("S") == 33


def test_prior_keeps_one_lucky_card_below_a_type_liked_many_times():
    d = tiny_deck(card("e1", riasec="E"), *[card(f"s{i}", riasec="S") for i in range(5)], card("s_no", riasec="S"))
    answers = {"e1": "like", **{f"s{i}": "like" for i in range(5)}, "s_no": "dislike"}
    assert scoring.profile(d, answers).code[0] == "S"


@pytest.mark.parametrize("letter", list(RIASEC))
def test_liking_every_card_of_one_type_puts_that_type_first(letter):
    cards = deck()
    answers = {c.id: ("like" if c.riasec[:1] == letter else "unsure") for c in cards.all_cards()}
    assert scoring.profile(cards, answers).code[0] == letter
    # Also when every other card is liked by half: the type liked throughout still leads.
    others = [c.id for c in cards.all_cards() if c.riasec[:1] != letter]
    answers.update({cid: ("like" if i % 2 else "dislike") for i, cid in enumerate(others)})
    assert scoring.profile(cards, answers).code[0] == letter


def test_profile_and_suggestions_do_not_depend_on_card_order():
    cards = deck()
    rng = random.Random(7)
    ids = [c.id for c in cards.all_cards()]
    answers = {cid: rng.choice(scoring.ANSWERS) for cid in ids}
    first = scoring.profile(cards, answers)
    suggested = [s.card.id for s in scoring.suggestions(cards, answers, first)]
    for _ in range(5):
        rng.shuffle(ids)
        shuffled = {cid: answers[cid] for cid in ids}
        again = scoring.profile(cards, shuffled)
        assert again.code == first.code
        assert again.scores == pytest.approx(first.scores)
        assert [s.card.id for s in scoring.suggestions(cards, shuffled, again)] == suggested


def test_disliked_conditions_filter_suggestions_and_their_related_jobs():
    cards = deck()
    outdoor_jobs = [c for c in cards.of_kind("occupation") if "cond.outdoors" in c.conditions]
    assert outdoor_jobs, "the content has outdoor jobs"
    # Someone who likes every outdoor job but dislikes working outdoors gets none of them.
    answers = {c.id: "like" for c in outdoor_jobs} | {"cond.outdoors": "dislike"}
    found = scoring.profile(cards, answers)
    suggested = scoring.suggestions(cards, answers, found, limit=50)
    assert suggested
    for s in suggested:
        assert "cond.outdoors" not in s.card.conditions
        assert all("cond.outdoors" not in r.conditions for r in s.related)
    # Without the dislike, the liked outdoor jobs come first.
    del answers["cond.outdoors"]
    top = scoring.suggestions(cards, answers, scoring.profile(cards, answers))
    assert all("cond.outdoors" in s.card.conditions for s in top)


def test_disliked_jobs_are_never_suggested():
    d = tiny_deck(card("x", riasec="S"), card("y", riasec="S"), card("z", riasec="R"))
    answers = {"x": "dislike", "y": "like", "z": "like"}
    ids = [s.card.id for s in scoring.suggestions(d, answers, scoring.profile(d, answers))]
    assert "x" not in ids and set(ids) == {"y", "z"}


def test_cv_sentences_start_with_the_top_type_and_use_liked_cards_only():
    d = tiny_deck(card("t1", "task", "S"), card("t2", "task", "R"), card("p1", "trait", ""), card("c1", "condition", "S"))
    answers = {"t1": "like", "t2": "dislike", "p1": "like", "c1": "unsure"}
    found = scoring.profile(d, answers)
    keys = scoring.cv_sentences(d, answers, found)
    assert keys == ["riasec.S", "p1", "t1"]
    assert [scoring.sentence(d, k) for k in keys] == ["Type S.", "Jeg liker p1.", "Jeg liker t1."]


def test_statements_take_liked_and_disliked_cards_in_turn():
    d = tiny_deck(card("t1", "task", "S"), card("t2", "task", "R"), card("t3", "task", "C"), card("p1", "trait"))
    answers = {"t1": "like", "t2": "dislike", "t3": "like", "p1": "unsure"}
    assert scoring.statements(d, answers) == [("t1", True), ("t2", False), ("t3", True)]


def test_no_likes_gives_no_code_no_type_sentence_and_only_liked_jobs():
    d = tiny_deck(card("x", riasec="S"), card("y", riasec="R"), card("t", "task", "C"))
    for answers in ({"x": "unsure", "y": "unsure", "t": "unsure"}, {"x": "dislike", "y": "dislike", "t": "dislike"}):
        found = scoring.profile(d, answers)
        assert found.code == ""
        assert scoring.suggestions(d, answers, found) == []
        assert scoring.cv_sentences(d, answers, found) == []


def test_cards_no_longer_in_the_content_are_skipped():
    d = tiny_deck(card("x", riasec="S"), card("c", "condition"))
    answers = {"x": "like", "gone.card": "like", "gone.condition": "dislike"}
    found = scoring.profile(d, answers)
    assert found.code == "S"
    assert [s.card.id for s in scoring.suggestions(d, answers, found)] == ["x"]
