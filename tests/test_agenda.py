"""My plan's two weeks: weekly shifts on their weeks and at their wall-clock time across
daylight-saving changes, Norway's public holidays, and the plan as an iCalendar file."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar

from bot import agenda
from bot.plan import PlanItem

OSLO = ZoneInfo("Europe/Oslo")


def item(id=1, kind="shift", starts_at=None, duration=480, repeat=None, deadline=None, title=None, status="active", **more):
    values = dict(
        id=id, candidate_id=1, kind=kind, meeting_kind=None, title=title, starts_at=starts_at, duration_minutes=duration,
        repeat_weeks=repeat, deadline=deadline, place=None, latitude=None, longitude=None, bring=None, participants=None,
        status=status, answer=None, answered_at=None, created_by="test", created_at="", updated_at="",
    )
    values.update(more)
    return PlanItem(**values)


def test_every_other_saturday_keeps_ten_oclock_across_the_change_to_summer_time():
    # Saturday 21 March 2026, 10:00 in Oslo (winter time, UTC+1); clocks go forward on 29 March.
    shift = item(starts_at="2026-03-21T09:00:00+00:00", repeat=2)
    found = agenda.occurrences(shift, date(2026, 3, 20), date(2026, 4, 20), OSLO)
    assert [e.starts.date() for e in found] == [date(2026, 3, 21), date(2026, 4, 4), date(2026, 4, 18)]
    assert {e.starts.strftime("%H:%M") for e in found} == {"10:00"}
    assert found[1].starts.utcoffset() == timedelta(hours=2)       # summer time now: 08:00 UTC
    assert [e.ends.strftime("%H:%M") for e in found] == ["18:00"] * 3


def test_a_window_far_after_the_first_shift_starts_on_the_right_week():
    shift = item(starts_at="2026-01-03T09:00:00+00:00", repeat=2)   # Saturday 3 January
    found = agenda.occurrences(shift, date(2026, 11, 22), date(2026, 12, 5), OSLO)
    assert [e.starts.date() for e in found] == [date(2026, 12, 5)]  # 48 weeks after 3 January (28 Nov is 47: off week)


def test_one_off_items_and_tasks_fall_on_their_day_and_outside_items_do_not():
    meeting = item(id=2, kind="meeting", starts_at="2026-11-24T09:00:00+00:00", duration=60)
    task = item(id=3, kind="task", starts_at=None, deadline="2026-11-27T14:00:00+00:00", duration=None)
    later = item(id=4, kind="meeting", starts_at="2027-01-10T09:00:00+00:00")
    undated = item(id=5, kind="task", starts_at=None, duration=None)
    days = agenda.two_weeks([meeting, task, later, undated], datetime(2026, 11, 22, 8, tzinfo=timezone.utc), OSLO)
    assert [(d.day, [e.item.id for e in d.entries]) for d in days] == [(date(2026, 11, 24), [2]), (date(2026, 11, 27), [3])]


def test_public_holidays_are_marked_even_on_an_empty_day():
    days = agenda.two_weeks([], datetime(2026, 12, 20, 8, tzinfo=timezone.utc), OSLO)
    assert [(d.day, d.holidays) for d in days] == [
        (date(2026, 12, 25), ["Christmas Day"]), (date(2026, 12, 26), ["Second Day of Christmas"]),
        (date(2027, 1, 1), ["New Year's Day"]),
    ]
    spring = agenda.norway_holidays(date(2027, 3, 20), date(2027, 5, 31))
    assert sorted(spring[date(2027, 5, 17)]) == ["Constitution Day", "Pentecost Monday"]  # two on one day
    assert date(2027, 3, 28) in spring and date(2027, 3, 21) not in spring  # Easter Sunday; a plain Sunday is not


def test_every_holiday_name_the_package_gives_has_a_catalog_message():
    names = {h for year in range(2026, 2036) for day in agenda.norway_holidays(date(year, 1, 1), date(year, 12, 31)).values() for h in day}
    assert names == set(agenda.HOLIDAY_NAMES)


def test_a_shift_that_ended_today_is_not_listed():
    shift = item(starts_at="2026-11-22T07:00:00+00:00", duration=120)
    assert agenda.two_weeks([shift], datetime(2026, 11, 22, 12, tzinfo=timezone.utc), OSLO) == []


def test_the_calendar_file_has_each_item_with_its_repeat_place_and_alarm():
    shift = item(id=7, starts_at="2026-03-21T09:00:00+00:00", repeat=2, title="Kassa", place="Rema 1000 Storgata",
                 latitude=59.91, longitude=10.75, bring="Arbeidsklær")
    task = item(id=8, kind="task", starts_at=None, deadline="2026-03-25T11:00:00+00:00", duration=None, title="Skriv CV")
    cancelled = item(id=9, kind="meeting", starts_at="2026-03-22T09:00:00+00:00", status="cancelled")
    data = agenda.calendar_file([shift, task, cancelled], {7: "Work shift", 8: "Task", 9: "Meeting"}, OSLO,
                                datetime(2026, 3, 1, tzinfo=timezone.utc))
    calendar = icalendar.Calendar.from_ical(data)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"plan-7@jobbvenn", "plan-8@jobbvenn"}
    shift_event = events["plan-7@jobbvenn"]
    assert str(shift_event["summary"]) == "Work shift · Kassa" and str(shift_event["location"]) == "Rema 1000 Storgata"
    assert shift_event["rrule"]["FREQ"] == ["WEEKLY"] and shift_event["rrule"]["INTERVAL"] == [2]
    start = shift_event.decoded("dtstart")
    assert start.astimezone(OSLO).strftime("%Y-%m-%d %H:%M") == "2026-03-21 10:00"
    assert shift_event.decoded("dtend") - start == timedelta(hours=8)
    assert "Arbeidsklær" in str(shift_event["description"])
    assert [a.decoded("trigger") for a in shift_event.walk("VALARM")] == [timedelta(hours=-1)]
