"""Interest rounds as stored data (bot.interests.sessions): card choice, answers, undo,
restart, results, statements, the case-record event, and /mydata and /delete."""

from collections import Counter

import pytest

from bot import consent, db, events, invitations, people, personal_data
from bot.interests import sessions
from bot.interests.cards import RIASEC, deck


@pytest.fixture
def conn(tmp_path):
    return db.connect(tmp_path / "t.sqlite3")


def candidate(conn, shares: bool):
    people.add_user(conn, 10, "specialist", "Sara")
    cand_id, code = invitations.invite_candidate(conn, 10, "Ali", "fa_AF")
    invitations.redeem(conn, code, 20, "Ali")
    consent.record(conn, 20, "specialist", shares, "fa_AF")
    return cand_id


@pytest.mark.parametrize("size", ["short", "medium", "full"])
def test_a_round_has_the_promised_cards_and_every_type(size):
    cards = deck()
    chosen = sessions.choose_cards(cards, size, seed=3)
    assert len(chosen) == len(set(chosen)) == sessions.round_length(cards, size)
    kinds = Counter(cards[c].kind for c in chosen)
    if size != "full":
        assert kinds == Counter(sessions.SIZES[size])
    assert {cards[c].riasec[0] for c in chosen if cards[c].kind == "occupation"} == set(RIASEC)
    assert cards[chosen[0]].kind == "occupation"
    assert sessions.choose_cards(cards, size, seed=3) == chosen  # the seed makes it repeatable


def test_answers_undo_and_second_taps(conn):
    cid = candidate(conn, shares=True)
    s = sessions.start(conn, deck(), cid, "short", seed=1)
    assert (s.position, s.total) == (0, 20)
    assert sessions.undo(conn, s.id, 0) is None                  # nothing to take back
    s = sessions.answer(conn, s.id, 0, "like")
    assert sessions.answer(conn, s.id, 0, "dislike") is None     # a second tap on card 1
    s = sessions.answer(conn, s.id, 1, "unsure")
    s = sessions.undo(conn, s.id, 2)
    assert s.answers == ("like",) and s.current_card_id == s.card_ids[1]
    assert sessions.undo(conn, s.id, 2) is None                  # an old Back button
    # A new connection (a restart) finds the round where it was.
    again = sessions.open_session(db.connect(conn.execute("PRAGMA database_list").fetchone()[2]), cid)
    assert again.id == s.id and again.position == 1


def test_finishing_stores_the_result_statements_and_the_event_when_shared(conn):
    cid = candidate(conn, shares=True)
    s = sessions.start(conn, deck(), cid, "short", seed=2)
    assert sessions.finish(conn, deck(), s.id) is None            # not all answered
    for position in range(s.total):
        s = sessions.answer(conn, s.id, position, "like" if position % 2 else "dislike")
    result = sessions.finish(conn, deck(), s.id)
    assert result is not None and len(result.code) == 3
    assert sessions.finish(conn, deck(), s.id) is None            # only once
    assert sessions.open_session(conn, cid) is None
    assert sessions.statements(conn, result.id)
    [event] = [e for e in events.for_candidate(conn, cid) if e.type == "interest_profile_completed"]
    assert event.data["holland_code"] == result.code
    assert {j["styrk08"] for j in event.data["suggested_occupations"]} <= set(deck().styrk08)
    assert all(isinstance(x, str) and x.endswith(".") for x in event.data["sentences"])


def test_without_consent_no_event_but_the_result_is_kept(conn):
    cid = candidate(conn, shares=False)
    s = sessions.start(conn, deck(), cid, "short", seed=2)
    for position in range(s.total):
        s = sessions.answer(conn, s.id, position, "unsure")
    assert sessions.finish(conn, deck(), s.id) is not None
    assert not [e for e in events.for_candidate(conn, cid) if e.type == "interest_profile_completed"]


def test_redo_keeps_earlier_results_and_statements_take_one_answer(conn):
    cid = candidate(conn, shares=True)
    for seed in (1, 2):
        s = sessions.start(conn, deck(), cid, "short", seed=seed)
        for position in range(s.total):
            s = sessions.answer(conn, s.id, position, "like" if position % 3 else "dislike")
        sessions.finish(conn, deck(), s.id)
    first, second = sessions.results_for(conn, cid)[::-1]
    assert first.id < second.id
    statement = sessions.statements(conn, second.id)[0]
    assert sessions.answer_statement(conn, second.id, statement.position, True)
    assert not sessions.answer_statement(conn, second.id, statement.position, False)


def test_mydata_shows_rounds_and_delete_removes_them(conn):
    cid = candidate(conn, shares=True)
    s = sessions.start(conn, deck(), cid, "short", seed=5)
    for position in range(s.total):
        s = sessions.answer(conn, s.id, position, "like")
    sessions.finish(conn, deck(), s.id)
    sessions.start(conn, deck(), cid, "medium", seed=6)  # one left unfinished
    exported = personal_data.export(conn, 20)["interest_cards"]
    assert [r["round"] for r in exported] == ["short", "medium"]
    assert len(exported[0]["answers"]) == 20 and exported[0]["holland_code"]
    personal_data.erase(conn, 20)
    for table in ("interest_sessions", "interest_answers", "interest_results", "interest_statements"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_a_new_round_ends_the_open_one_and_its_buttons(conn):
    cid = candidate(conn, shares=True)
    old = sessions.start(conn, deck(), cid, "short", seed=1)
    sessions.answer(conn, old.id, 0, "like")
    new = sessions.start(conn, deck(), cid, "medium", seed=2)
    assert sessions.open_session(conn, cid).id == new.id
    assert sessions.answer(conn, old.id, 1, "like") is None      # an old card button
    assert sessions.get(conn, old.id).answers == ("like",)       # kept, for /mydata
    assert not sessions.results_for(conn, cid)


def test_cards_removed_from_the_content_are_skipped_as_unsure(conn):
    from dataclasses import replace

    cid = candidate(conn, shares=True)
    s = sessions.start(conn, deck(), cid, "short", seed=1)
    smaller = replace(deck(), cards={k: v for k, v in deck().cards.items() if k not in s.card_ids[1:3]})
    s = sessions.answer(conn, s.id, 0, "like")
    s = sessions.skip_unknown_cards(conn, smaller, s.id)
    assert s.position == 3 and s.answers[1:] == ("unsure", "unsure")
    for position in range(3, s.total):
        s = sessions.answer(conn, s.id, position, "like")
    assert sessions.finish(conn, smaller, s.id) is not None
