"""FSRS scheduling across simulated days: due dates move as a learner would expect."""

from datetime import datetime, timedelta, timezone

from bot.vocabulary import memory

START = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def test_a_new_word_is_asked_again_soon_then_after_days_then_after_weeks():
    card = memory.review(memory.card_from_row(None), "good", START)
    assert card.due - START <= timedelta(minutes=10)              # a learning step, the same day
    card = memory.review(card, "good", card.due)
    first_interval = card.due - card.last_review
    assert timedelta(days=1) <= first_interval <= timedelta(days=5)  # graduated: days later
    moment = card.due
    for _ in range(3):                                             # answered on the day it is due
        card = memory.review(card, "good", moment)
        interval = card.due - moment
        assert interval > first_interval
        first_interval, moment = interval, card.due
    assert interval >= timedelta(days=14)


def test_forgetting_brings_the_word_back_the_same_day_and_lowers_stability():
    card = memory.review(memory.card_from_row(None), "good", START)
    card = memory.review(card, "good", card.due)
    for _ in range(2):
        card = memory.review(card, "good", card.due)
    before = card.stability
    lapse_day = card.due
    card = memory.review(card, "again", lapse_day)
    assert card.due - lapse_day <= timedelta(minutes=10) and card.stability < before


def test_hard_waits_less_than_good():
    learnt = memory.review(memory.review(memory.card_from_row(None), "good", START), "good", START + timedelta(minutes=10))
    day = learnt.due
    hard, good = memory.review(learnt, "hard", day), memory.review(learnt, "good", day)
    assert hard.due < good.due


def test_mastered_after_weeks_of_good_answers_not_before():
    card = memory.review(memory.card_from_row(None), "good", START)
    assert not memory.mastered(card.stability)
    moments = 0
    while not memory.mastered(card.stability):
        card = memory.review(card, "good", card.due)
        moments += 1
    assert moments >= 3 and card.due - START > timedelta(days=21)


def test_a_stored_row_gives_back_the_same_card():
    card = memory.review(memory.card_from_row(None), "good", START)
    row = {"state": int(card.state), "step": card.step, "stability": card.stability, "difficulty": card.difficulty,
           "due": card.due.isoformat(), "last_review": card.last_review.isoformat()}
    again = memory.card_from_row(row)
    assert (again.state, again.step, again.stability, again.due) == (card.state, card.step, card.stability, card.due)
