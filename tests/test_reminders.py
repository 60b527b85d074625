"""Reminders with a controlled clock: the evening before and the lead time (or "leave
now"), weekly shifts and daylight-saving weeks, public holidays, tasks, the check-in,
and what the scheduler does with rows: one claim per row, late ones skipped, a crashed
scheduler's claims given back, the lease held by one process."""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot import agenda, db as database, invitations, lease, people, plan, reminders
from bot.db import iso
from tests.test_agenda import item

OSLO = ZoneInfo("Europe/Oslo")
UTC = timezone.utc


def oslo(y, mo, d, h, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=OSLO)


def planned(found):
    return [(p.kind, p.due_at.astimezone(OSLO).strftime("%a %d.%m %H:%M")) for p in found]


# -- planning (pure) ---------------------------------------------------------------------

def test_a_meeting_gets_the_evening_before_at_18_and_one_hour_before():
    meeting = item(kind="meeting", starts_at=iso(oslo(2026, 11, 25, 10)), duration=60)
    found = reminders.plan_item(meeting, reminders.Settings(), None, oslo(2026, 11, 22, 12), OSLO)
    assert planned(found) == [("evening", "Tue 24.11 18:00"), ("lead", "Wed 25.11 09:00")]
    evening, lead = found
    assert evening.useful_until == oslo(2026, 11, 24, 22)   # not in the night
    assert lead.useful_until == oslo(2026, 11, 25, 10)      # not after it has started
    assert lead.minutes == 60


def test_a_travel_time_turns_the_lead_time_into_leave_now_with_ten_minutes_to_spare():
    meeting = item(kind="meeting", starts_at=iso(oslo(2026, 11, 25, 10)), duration=60, place="Storgata 1")
    found = reminders.plan_item(meeting, reminders.Settings(), 35, oslo(2026, 11, 22, 12), OSLO)
    assert planned(found) == [("evening", "Tue 24.11 18:00"), ("leave", "Wed 25.11 09:15")]
    assert found[1].minutes == 35


def test_the_candidates_own_times_and_no_evening_reminder():
    meeting = item(kind="meeting", starts_at=iso(oslo(2026, 11, 25, 10)), duration=60)
    chosen = reminders.Settings(evening=None, lead_minutes=30)
    assert planned(reminders.plan_item(meeting, chosen, None, oslo(2026, 11, 22, 12), OSLO)) == [("lead", "Wed 25.11 09:30")]
    chosen = reminders.Settings(evening=time(20, 0), lead_minutes=None)
    assert planned(reminders.plan_item(meeting, chosen, None, oslo(2026, 11, 22, 12), OSLO)) == [("evening", "Tue 24.11 20:00")]


def test_nothing_is_planned_for_a_time_already_past():
    meeting = item(kind="meeting", starts_at=iso(oslo(2026, 11, 23, 10)), duration=60)
    # Created on Sunday at 19:00: the evening reminder (18:00) has passed; the new-item message told them.
    assert planned(reminders.plan_item(meeting, reminders.Settings(), None, oslo(2026, 11, 22, 19), OSLO)) == [
        ("lead", "Mon 23.11 09:00")]
    # Created 30 minutes before: nothing.
    assert reminders.plan_item(meeting, reminders.Settings(), None, oslo(2026, 11, 23, 9, 30), OSLO) == []


def test_a_weekly_shift_is_planned_week_by_week_at_its_clock_time_across_the_change_to_summer_time():
    # Every Saturday 10:00-18:00 from 21 March 2026; clocks go forward on Sunday 29 March.
    shift = item(starts_at=iso(oslo(2026, 3, 21, 10)), repeat=1)
    found = reminders.plan_item(shift, reminders.Settings(), None, oslo(2026, 3, 22, 12), OSLO)
    assert planned(found) == [("evening", "Fri 27.03 18:00"), ("lead", "Sat 28.03 09:00")]
    found = reminders.plan_item(shift, reminders.Settings(), None, oslo(2026, 3, 29, 12), OSLO)
    assert planned(found) == [("evening", "Fri 03.04 18:00"), ("lead", "Sat 04.04 09:00")]   # summer time, same clock
    assert found[1].due_at.astimezone(UTC).hour == 7   # 09:00 in summer is 07:00 UTC (08:00 in winter)


def test_the_change_back_to_winter_time_in_the_night_of_a_night_shift():
    # A shift at 02:30 on Sunday 25 October 2026, the night the clocks go back (02:30 happens twice).
    shift = item(starts_at=iso(oslo(2026, 10, 25, 2, 30)), duration=240)
    found = reminders.plan_item(shift, reminders.Settings(), None, oslo(2026, 10, 23, 12), OSLO)
    assert planned(found) == [("evening", "Sat 24.10 18:00"), ("lead", "Sun 25.10 01:30")]
    assert found[1].occurrence - found[1].due_at == timedelta(hours=1)


def test_an_hour_before_a_shift_in_the_night_the_clocks_go_forward_is_a_real_hour():
    # 29 March 2026: 02:00 becomes 03:00. A shift at 03:30 (01:30 UTC): one hour before is 01:30 local (00:30 UTC).
    shift = item(starts_at=iso(oslo(2026, 3, 29, 3, 30)), duration=240)
    found = reminders.plan_item(shift, reminders.Settings(evening=None), None, oslo(2026, 3, 28, 12), OSLO)
    assert planned(found) == [("lead", "Sun 29.03 01:30")]
    assert found[0].occurrence - found[0].due_at == timedelta(hours=1)
    [entry] = agenda.occurrences(shift, date(2026, 3, 29), date(2026, 3, 29), OSLO)
    assert entry.ends.strftime("%H:%M") == "07:30" and entry.ends - entry.starts == timedelta(hours=4)


def test_declined_weeks_and_answered_items_get_no_reminders():
    shift = item(starts_at=iso(oslo(2026, 11, 28, 10)), repeat=1)
    declined = frozenset({oslo(2026, 11, 28, 10).astimezone(UTC)})
    found = reminders.plan_item(shift, reminders.Settings(), None, oslo(2026, 11, 27, 12), OSLO, declined)
    assert [p.occurrence.date() for p in found] == [date(2026, 12, 5)] * 2   # the week after (8 days ahead)
    meeting = item(kind="meeting", starts_at=iso(oslo(2026, 11, 25, 10)), answer="not_coming")
    assert reminders.plan_item(meeting, reminders.Settings(), None, oslo(2026, 11, 22, 12), OSLO) == []


def test_a_task_is_remembered_the_evening_before_its_deadline():
    task = item(kind="task", deadline=iso(oslo(2026, 11, 27, 16)), duration=None, title="Skriv om drømmejobben")
    found = reminders.plan_item(task, reminders.Settings(), None, oslo(2026, 11, 22, 12), OSLO)
    assert planned(found) == [("deadline", "Thu 26.11 18:00")]
    assert found[0].useful_until == oslo(2026, 11, 27, 16)
    assert reminders.plan_item(item(kind="task", duration=None), reminders.Settings(), None, oslo(2026, 11, 22, 12), OSLO) == []
    done = item(kind="task", deadline=iso(oslo(2026, 11, 27, 16)), duration=None, answer="done")
    assert reminders.plan_item(done, reminders.Settings(), None, oslo(2026, 11, 22, 12), OSLO) == []


def test_the_check_in_asks_the_evening_before_a_shift_but_not_before_a_meeting():
    chosen = reminders.Settings(checkin=True)
    shift = item(starts_at=iso(oslo(2026, 11, 25, 7)))
    assert planned(reminders.plan_item(shift, chosen, None, oslo(2026, 11, 22, 12), OSLO)) == [
        ("checkin", "Tue 24.11 18:00"), ("lead", "Wed 25.11 06:00")]
    meeting = item(kind="meeting", starts_at=iso(oslo(2026, 11, 25, 10)))
    assert [p.kind for p in reminders.plan_item(meeting, chosen, None, oslo(2026, 11, 22, 12), OSLO)] == ["evening", "lead"]


def test_a_shift_on_a_public_holiday_is_noticed():
    shift = item(starts_at=iso(oslo(2026, 12, 18, 10)), repeat=1)   # Fridays; 25 December is one
    found = reminders.plan_item(shift, reminders.Settings(), None, oslo(2026, 12, 20, 12), OSLO)
    day = found[0].occurrence.date()
    assert day == date(2026, 12, 25)
    assert agenda.norway_holidays(day, day) == {day: ["Christmas Day"]}


# -- rows, claims and the lease ----------------------------------------------------------

@pytest.fixture
def conn(tmp_path):
    db = database.connect(tmp_path / "r.db")
    yield db
    db.close()


def candidate(db, user_id=500):
    if people.get_user(db, 100) is None:
        people.add_user(db, 100, "specialist", "Sara")
    cand_id, code = invitations.invite_candidate(db, 100, "Amina", "so")
    invitations.redeem(db, code, user_id, "Amina")
    people.set_language(db, user_id, "so")
    people.set_onboarding(db, user_id, "done")
    return people.get_candidate(db, cand_id)


def meeting_at(db, cand, start, **more):
    return plan.create(db, cand.id, "meeting", {"meeting_kind": "job_interview", "starts_at": iso(start), "duration_minutes": 60, **more},
                       "test", now=start - timedelta(days=3))


def statuses(db):
    return [tuple(r) for r in db.execute("SELECT kind, status, outcome FROM reminders ORDER BY due_at, id")]


def test_top_up_writes_each_reminder_once_and_a_change_plans_again(conn):
    cand = candidate(conn)
    meeting = meeting_at(conn, cand, oslo(2026, 11, 25, 10))
    now = oslo(2026, 11, 22, 12)
    assert reminders.top_up(conn, now, OSLO) == 1
    assert reminders.top_up(conn, now, OSLO) == 0          # planned: nothing more to do
    assert statuses(conn) == [("evening", "planned", None), ("lead", "planned", None)]
    plan.update(conn, meeting.id, {"starts_at": iso(oslo(2026, 11, 26, 14))})
    reminders.top_up(conn, now, OSLO)
    due = [r[0] for r in conn.execute("SELECT due_at FROM reminders ORDER BY due_at")]
    assert due == [iso(oslo(2026, 11, 25, 18)), iso(oslo(2026, 11, 26, 13))]
    plan.cancel(conn, meeting.id)
    reminders.top_up(conn, now, OSLO)
    assert statuses(conn) == []


def test_settings_and_travel_times_plan_again(conn):
    cand = candidate(conn)
    meeting_at(conn, cand, oslo(2026, 11, 25, 10), place="Storgata 1")
    now = oslo(2026, 11, 22, 12)
    reminders.top_up(conn, now, OSLO)
    reminders.set_travel_minutes(conn, cand.id, "  storgata 1 ", 20)
    reminders.change_settings(conn, cand.id, evening=time(19, 0))
    reminders.top_up(conn, now, OSLO)
    rows = conn.execute("SELECT kind, due_at FROM reminders ORDER BY due_at").fetchall()
    assert rows == [("evening", iso(oslo(2026, 11, 24, 19))), ("leave", iso(oslo(2026, 11, 25, 9, 30)))]
    with pytest.raises(ValueError):
        reminders.change_settings(conn, cand.id, lead_minutes=7)


def test_a_weekly_shift_is_topped_up_as_the_weeks_go_by(conn):
    cand = candidate(conn)
    plan.create(conn, cand.id, "shift", {"starts_at": iso(oslo(2026, 11, 28, 10)), "duration_minutes": 480, "repeat_weeks": 1},
                "test", now=oslo(2026, 11, 20, 12))
    reminders.top_up(conn, oslo(2026, 11, 22, 12), OSLO)
    assert conn.execute("SELECT COUNT(*) FROM reminders").fetchone()[0] == 2     # Saturday 28th
    assert reminders.top_up(conn, oslo(2026, 11, 22, 23), OSLO) == 0              # the same day: nothing to do (once a day)
    reminders.top_up(conn, oslo(2026, 11, 29, 12), OSLO)                          # a week later
    occurrences = [r[0] for r in conn.execute("SELECT DISTINCT occurrence FROM reminders ORDER BY occurrence")]
    assert occurrences == [iso(oslo(2026, 11, 28, 10)), iso(oslo(2026, 12, 5, 10))]


def test_a_claim_takes_each_due_row_once_and_skips_what_is_too_late(conn):
    cand = candidate(conn)
    meeting_at(conn, cand, oslo(2026, 11, 25, 10))
    reminders.top_up(conn, oslo(2026, 11, 22, 12), OSLO)
    assert reminders.claim_due(conn, oslo(2026, 11, 24, 17, 59)) == []
    first = reminders.claim_due(conn, oslo(2026, 11, 24, 18, 0))
    assert [r.kind for r in first] == ["evening"]
    assert reminders.claim_due(conn, oslo(2026, 11, 24, 18, 1)) == []   # claimed: nobody else gets it
    reminders.mark_sent(conn, first[0].id, 77, oslo(2026, 11, 24, 18, 0))
    # The bot is down from 08:30 to 10:05: the "one hour before" is no longer useful.
    assert reminders.claim_due(conn, oslo(2026, 11, 25, 10, 5)) == []
    assert statuses(conn) == [("evening", "sent", None), ("lead", "skipped", "too late")]


def test_a_reminder_missed_while_down_is_sent_on_start_up_if_still_useful(conn):
    cand = candidate(conn)
    meeting_at(conn, cand, oslo(2026, 11, 25, 10))
    reminders.top_up(conn, oslo(2026, 11, 22, 12), OSLO)
    late = reminders.claim_due(conn, oslo(2026, 11, 24, 21, 40))   # down from 17:00 to 21:40: before 22:00
    assert [r.kind for r in late] == ["evening"]


def test_try_again_later_waits_and_an_unreachable_candidate_is_not_claimed(conn):
    cand = candidate(conn)
    meeting_at(conn, cand, oslo(2026, 11, 25, 10))
    reminders.top_up(conn, oslo(2026, 11, 22, 12), OSLO)
    (r,) = reminders.claim_due(conn, oslo(2026, 11, 24, 18))
    reminders.retry_later(conn, r.id, "429", timedelta(seconds=30), oslo(2026, 11, 24, 18))
    assert reminders.claim_due(conn, oslo(2026, 11, 24, 18, 0) + timedelta(seconds=10)) == []
    assert [x.id for x in reminders.claim_due(conn, oslo(2026, 11, 24, 18, 1))] == [r.id]
    reminders.retry_later(conn, r.id, "blocked", timedelta(0), oslo(2026, 11, 24, 18, 1))
    people.set_reachable(conn, cand.user_id, False)
    assert reminders.claim_due(conn, oslo(2026, 11, 24, 18, 2)) == []


def test_the_item_is_checked_again_when_the_reminder_is_due(conn):
    cand = candidate(conn)
    meeting = meeting_at(conn, cand, oslo(2026, 11, 25, 10))
    reminders.top_up(conn, oslo(2026, 11, 22, 12), OSLO)
    (r,) = reminders.claim_due(conn, oslo(2026, 11, 24, 18))
    assert reminders.still_wanted(conn, r, OSLO) == (plan.get(conn, meeting.id), None)
    plan.answer(conn, cand.user_id, meeting.id, "not_coming")
    assert reminders.still_wanted(conn, r, OSLO)[1] == "answered"


def test_one_week_of_a_weekly_shift_can_be_declined(conn):
    cand = candidate(conn)
    shift = plan.create(conn, cand.id, "shift", {"starts_at": iso(oslo(2026, 11, 28, 10)), "repeat_weeks": 1}, "test",
                        now=oslo(2026, 11, 20, 12))
    with pytest.raises(ValueError):
        plan.answer(conn, cand.user_id, shift.id, "not_coming")   # which week?
    this_week = iso(oslo(2026, 11, 28, 10))
    plan.answer(conn, cand.user_id, shift.id, "not_coming", occurrence=this_week)
    assert plan.occurrence_answer(conn, shift.id, this_week) == "not_coming"
    assert plan.get(conn, shift.id).answer is None              # the other weeks stand
    reminders.top_up(conn, oslo(2026, 11, 22, 12), OSLO)
    assert conn.execute("SELECT COUNT(*) FROM reminders").fetchone()[0] == 0   # only this week was in reach
    reminders.top_up(conn, oslo(2026, 11, 29, 12), OSLO)
    assert {r[0] for r in conn.execute("SELECT occurrence FROM reminders")} == {iso(oslo(2026, 12, 5, 10))}


def test_own_reminders(conn):
    cand = candidate(conn)
    now = oslo(2026, 11, 22, 12)
    with pytest.raises(ValueError):
        reminders.add_own(conn, cand.id, now - timedelta(minutes=1), "kjøp busskort", now)
    own = reminders.add_own(conn, cand.id, oslo(2026, 11, 23, 7), "  buy a   bus ticket ", now)
    assert own.text == "buy a bus ticket"
    assert [r.id for r in reminders.upcoming_own(conn, cand.id, now)] == [own.id]
    (claimed,) = reminders.claim_due(conn, oslo(2026, 11, 23, 7, 1))
    assert claimed.kind == "own" and claimed.plan_item_id is None
    assert reminders.delete_own(conn, cand.id, own.id) is False     # being sent: too late to delete


def test_a_live_scheduler_elsewhere_keeps_the_lease_until_it_stops_renewing(conn):
    now = oslo(2026, 11, 24, 18)
    assert lease.hold(conn, "first", now, host="other-machine")
    assert lease.hold(conn, "second", now + timedelta(seconds=5), host="here") is False
    assert lease.hold(conn, "first", now + timedelta(seconds=10), host="other-machine")   # renewed
    assert lease.hold(conn, "second", now + timedelta(seconds=10) + lease.LEASE, host="here") is False
    assert lease.hold(conn, "second", now + timedelta(seconds=11) + lease.LEASE, host="here") is True


def test_the_lease_passes_at_once_when_the_holder_on_this_machine_is_dead(conn):
    cand = candidate(conn)
    meeting_at(conn, cand, oslo(2026, 11, 25, 10))
    reminders.top_up(conn, oslo(2026, 11, 22, 12), OSLO)
    now = oslo(2026, 11, 24, 18)
    assert lease.hold(conn, "killed", now, pid=1_999_999, host="here")
    reminders.claim_due(conn, now)
    assert lease.hold(conn, "restarted", now + timedelta(seconds=1), host="here")   # pid 1999999 is not running
    assert statuses(conn)[0] == ("evening", "planned", "claimed by a stopped scheduler")
    assert [r.kind for r in reminders.claim_due(conn, now + timedelta(seconds=2))] == ["evening"]
    lease.give_up(conn, "restarted")
    assert database.get_meta(conn, lease.KEY) is None


def test_a_meeting_weeks_ahead_is_planned_when_it_comes_within_reach(conn):
    cand = candidate(conn)
    meeting_at(conn, cand, oslo(2026, 12, 10, 10))
    assert reminders.top_up(conn, oslo(2026, 11, 22, 12), OSLO) == 1
    assert statuses(conn) == []                                        # 18 days ahead: not yet
    reminders.top_up(conn, oslo(2026, 12, 3, 12), OSLO)                # a week before
    assert [r.kind for r in reminders.claim_due(conn, oslo(2026, 12, 9, 18, 0))] == ["evening"]


def test_a_reminder_for_a_time_the_clocks_pass_twice_still_goes_out(conn):
    # 25 October 2026: 02:30 happens twice in Oslo. A weekly shift at 02:30 from 18 October.
    cand = candidate(conn)
    plan.create(conn, cand.id, "shift", {"starts_at": iso(oslo(2026, 10, 18, 2, 30)), "repeat_weeks": 1}, "test",
                now=oslo(2026, 10, 10, 12))
    reminders.top_up(conn, oslo(2026, 10, 19, 12), OSLO)
    (r,) = [x for x in reminders.claim_due(conn, oslo(2026, 10, 24, 18, 0)) if x.kind == "evening"]
    assert r.occurrence.date() == date(2026, 10, 25)
    assert reminders.still_wanted(conn, r, OSLO)[1] is None


def test_a_later_setting_does_not_lose_a_reminder_whose_new_time_has_passed(conn):
    cand = candidate(conn)
    meeting_at(conn, cand, oslo(2026, 11, 25, 10))
    reminders.top_up(conn, oslo(2026, 11, 22, 12), OSLO)
    # At 08:30 the candidate asks for two hours before instead of one: 08:00 has passed.
    reminders.change_settings(conn, cand.id, lead_minutes=120)
    reminders.top_up(conn, oslo(2026, 11, 25, 8, 30), OSLO)
    (lead,) = reminders.claim_due(conn, oslo(2026, 11, 25, 8, 30))
    assert (lead.kind, lead.minutes, lead.due_at) == ("lead", 120, oslo(2026, 11, 25, 8, 30))


def test_the_specialist_moving_a_meeting_does_not_send_what_is_past_for_the_new_time(conn):
    cand = candidate(conn)
    meeting = meeting_at(conn, cand, oslo(2026, 11, 25, 10))
    reminders.top_up(conn, oslo(2026, 11, 22, 12), OSLO)
    plan.update(conn, meeting.id, {"starts_at": iso(oslo(2026, 11, 25, 9))}, now=oslo(2026, 11, 25, 8, 30))
    reminders.top_up(conn, oslo(2026, 11, 25, 8, 30), OSLO)     # "Changed in your plan" tells them
    assert reminders.claim_due(conn, oslo(2026, 11, 25, 8, 31)) == []


def test_migration_6_forgets_old_answers_on_a_whole_series_of_shifts(tmp_path):
    old = database.connect(tmp_path / "old.db", migrate_to=5)
    cand = candidate(old)
    shift = plan.create(old, cand.id, "shift", {"starts_at": iso(oslo(2026, 11, 28, 10)), "repeat_weeks": 1}, "test")
    old.execute("UPDATE plan_items SET answer = 'not_coming' WHERE id = ?", [shift.id])
    database.migrate(old)
    assert plan.get(old, shift.id).answer is None
    reminders.top_up(old, oslo(2026, 11, 22, 12), OSLO)
    assert old.execute("SELECT COUNT(*) FROM reminders").fetchone()[0] == 2
    old.close()


def test_the_specialist_sees_shifts_the_candidate_added_only_when_the_candidate_shares(conn):
    from bot import consent

    cand = candidate(conn)
    mine = plan.create(conn, cand.id, "shift", {"starts_at": iso(oslo(2026, 11, 28, 10))}, f"candidate:{cand.user_id}", announce=False)
    theirs = meeting_at(conn, cand, oslo(2026, 11, 25, 10))
    items = plan.for_candidate(conn, cand.id)
    assert [i.id for i in plan.visible_to_specialist(conn, cand.user_id, items)] == [theirs.id]
    consent.record(conn, cand.user_id, "specialist", True, "so")
    assert {i.id for i in plan.visible_to_specialist(conn, cand.user_id, items)} == {theirs.id, mine.id}
    assert conn.execute("SELECT COUNT(*) FROM outbox WHERE ref_id = ?", [mine.id]).fetchone()[0] == 0   # she added it: no message
