"""The rules of working life, without Telegram: answers remembered, questions only with
consent and answered only by the candidate's own specialist, the rule of the week on its
day, once, and not in the night after a long stop."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import consent, db as database, invitations, people, work_rules

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def conn(tmp_path):
    db = database.connect(tmp_path / "w.db")
    yield db
    db.close()


def candidate(db, user_id=600, shares=True):
    if people.get_user(db, 100) is None:
        people.add_user(db, 100, "specialist", "Sara")
    cand_id, code = invitations.invite_candidate(db, 100, f"C{user_id}", "so")
    invitations.redeem(db, code, user_id, "Amina")
    people.set_onboarding(db, user_id, "done")
    consent.record(db, user_id, "specialist", shares, "so")
    return cand_id


def test_an_answer_is_remembered_and_the_best_one_known(conn):
    cid = candidate(conn)
    topic = work_rules.rules().topics["on_time"]
    wrong = (topic.best + 1) % len(topic.text("nb").answers)
    assert work_rules.answer(conn, cid, "on_time", wrong) is False
    assert work_rules.answer(conn, cid, "on_time", topic.best) is True
    assert work_rules.progress(conn, cid) == {"on_time": topic.best}
    with pytest.raises(ValueError):
        work_rules.answer(conn, cid, "on_time", 7)


def test_a_question_goes_only_with_consent_and_only_the_own_specialist_answers(conn):
    cid = candidate(conn)
    shy = candidate(conn, 601, shares=False)
    assert work_rules.ask(conn, shy, "Kan jeg be?", "so") is None
    asked = work_rules.ask(conn, cid, "Ma tukan karaa shaqada?", "so")
    assert asked.text == "Ma tukan karaa shaqada?"
    people.add_user(conn, 101, "specialist", "Other")
    assert work_rules.answer_question(conn, asked.id, 101, "Nei") is None
    answered = work_rules.answer_question(conn, asked.id, 100, "Ja, snakk med lederen.")
    assert answered.answer == "Ja, snakk med lederen."
    payload = conn.execute("SELECT payload FROM outbox WHERE kind = 'message'").fetchone()[0]
    assert "Ja, snakk med lederen." in payload and "Ma tukan" in payload


def test_the_rule_of_the_week_comes_on_its_day_once_and_not_after_a_long_stop(conn):
    cid = candidate(conn)
    sunday = datetime(2026, 11, 22, 12, tzinfo=OSLO)
    work_rules.set_weekly(conn, cid, (0, "18:00"), sunday, OSLO)           # Mondays at 18:00
    monday = datetime(2026, 11, 23, 18, tzinfo=OSLO)
    assert work_rules.next_weekly(0, "18:00", sunday, OSLO) == monday
    assert work_rules.fire_weekly(conn, monday - timedelta(minutes=1), OSLO) == 0
    assert work_rules.fire_weekly(conn, monday, OSLO) == 1
    assert work_rules.fire_weekly(conn, monday + timedelta(minutes=1), OSLO) == 0   # once
    first = json.loads(conn.execute("SELECT payload FROM outbox WHERE kind = 'rule_of_week'").fetchone()[0])["topic"]
    assert first == work_rules.unread(conn, cid) == list(work_rules.rules().topics)[0]
    # Not opened: next week another unread topic comes, not the same one again.
    assert work_rules.fire_weekly(conn, monday + timedelta(days=7), OSLO) == 1
    second = json.loads(conn.execute("SELECT payload FROM outbox WHERE kind = 'rule_of_week' ORDER BY id DESC").fetchone()[0])["topic"]
    assert second == list(work_rules.rules().topics)[1]
    # Down for a whole evening: next week instead of now.
    assert work_rules.fire_weekly(conn, monday + timedelta(days=14, hours=2), OSLO) == 0
    assert conn.execute("SELECT next_at FROM rule_of_week").fetchone()[0] == database.iso(monday + timedelta(days=21))
    assert work_rules.weekly(conn, cid) == (0, "18:00")
    with pytest.raises(ValueError):
        work_rules.set_weekly(conn, cid, (0, "03:00"), sunday, OSLO)


def test_all_read_means_no_rule_of_the_week(conn):
    cid = candidate(conn)
    for topic_id in work_rules.rules().topics:
        work_rules.mark_read(conn, cid, topic_id)
    assert work_rules.unread(conn, cid) is None
    work_rules.set_weekly(conn, cid, (0, "18:00"), datetime(2026, 11, 22, 12, tzinfo=OSLO), OSLO)
    assert work_rules.fire_weekly(conn, datetime(2026, 11, 23, 18, tzinfo=OSLO), OSLO) == 0


def test_next_week_keeps_the_clock_time_across_the_change_to_summer_time():
    before = datetime(2026, 3, 23, 19, tzinfo=OSLO)    # Monday after the last winter Monday
    assert work_rules.next_weekly(0, "18:00", before, OSLO) == datetime(2026, 3, 30, 18, tzinfo=OSLO)
    assert work_rules.next_weekly(0, "18:00", before, OSLO).utcoffset() == timedelta(0)   # UTC, 16:00 in summer


def test_delete_removes_what_was_read_asked_and_the_weekly_rule(conn):
    from bot import personal_data

    cid = candidate(conn)
    work_rules.mark_read(conn, cid, "on_time")
    work_rules.ask(conn, cid, "Ma tukan karaa?", "so")
    work_rules.set_weekly(conn, cid, (2, "12:00"), datetime(2026, 11, 22, 12, tzinfo=OSLO), OSLO)
    exported = personal_data.export(conn, 600)["work_rules"]
    assert exported["read"][0]["topic_id"] == "on_time" and exported["questions"][0]["text"] == "Ma tukan karaa?"
    assert exported["rule_of_the_week"] == (2, "12:00")
    personal_data.erase(conn, 600)
    for table in ("rule_progress", "questions", "rule_of_week"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
