"""The candidate's next two weeks: plan items laid out by day (weekly shifts repeated on
their weeks, at the same wall-clock time across daylight-saving changes), Norway's public
holidays marked (the `holidays` package), and the plan as an iCalendar file (the
`icalendar` package) for the phone's calendar. No Telegram here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import icalendar

from bot.i18n import N_
from bot.plan import PlanItem

DAYS = 14
DEFAULT_MINUTES = 60
#: Norway's public holidays as the `holidays` package names them in English -> a catalog
#: message, so each is shown in the candidate's language next to its Norwegian name.
HOLIDAY_NAMES = {
    "New Year's Day": N_("New Year's Day"),
    "Maundy Thursday": N_("Maundy Thursday"),
    "Good Friday": N_("Good Friday"),
    "Easter Sunday": N_("Easter Sunday"),
    "Easter Monday": N_("Easter Monday"),
    "Labor Day": N_("Labour Day (1 May)"),
    "Ascension Day": N_("Ascension Day"),
    "Constitution Day": N_("Constitution Day (17 May)"),
    "Pentecost": N_("Whit Sunday"),
    "Pentecost Monday": N_("Whit Monday"),
    "Christmas Day": N_("Christmas Day"),
    "Second Day of Christmas": N_("Boxing Day (26 December)"),
}


@dataclass(frozen=True)
class Entry:
    item: PlanItem
    starts: datetime | None   # this occurrence (local time); None for a task without a time
    ends: datetime | None = None


@dataclass
class Day:
    day: date
    holidays: list[str] = field(default_factory=list)  # keys of HOLIDAY_NAMES
    entries: list[Entry] = field(default_factory=list)


@lru_cache(maxsize=256)
def norway_holidays(start: date, end: date) -> dict[date, list[str]]:
    """Norway's public holidays from `start` to `end` (both included), by their English name
    (a key of HOLIDAY_NAMES; the catalogs give the Norwegian and every other language). A
    day can have two (17 May can be Whit Monday too); plain Sundays are not listed. Cached:
    every reminder asks about its day; do not change what it returns."""
    found = holidays.country_holidays("NO", years=range(start.year, end.year + 1), language="en_US")
    return {d: found.get_list(d) for d in sorted(found) if start <= d <= end}


def occurrences(item: PlanItem, start: date, end: date, tz: ZoneInfo) -> list[Entry]:
    """When the item happens from `start` to `end` (local dates, both included). A weekly
    shift keeps its wall-clock time, so 10:00 stays 10:00 after a daylight-saving change."""
    minutes = timedelta(minutes=item.duration_minutes or DEFAULT_MINUTES)
    if item.kind == "task":
        if item.deadline is None:
            return []
        due = datetime.fromisoformat(item.deadline).astimezone(tz)
        return [Entry(item, due)] if start <= due.date() <= end else []
    if item.starts_at is None:
        return []
    first = datetime.fromisoformat(item.starts_at).astimezone(tz)
    if not item.repeat_weeks:
        return [Entry(item, first, _after(first, minutes, tz))] if start <= first.date() <= end else []
    found = []
    step = timedelta(weeks=item.repeat_weeks)
    skip = max(0, (start - first.date()).days // step.days)
    day = first.date() + skip * step
    while day <= end:
        if day >= start:
            moment = datetime.combine(day, first.time().replace(tzinfo=None), tz)
            found.append(Entry(item, moment, _after(moment, minutes, tz)))
        day += step
    return found


def ends(item: PlanItem, starts: datetime, tz: ZoneInfo) -> datetime:
    """When the occurrence that starts at `starts` ends."""
    return _after(starts.astimezone(tz), timedelta(minutes=item.duration_minutes or DEFAULT_MINUTES), tz)


def _after(moment: datetime, length: timedelta, tz: ZoneInfo) -> datetime:
    """`moment + length` in real time (an 8-hour night shift is 8 hours when the clocks change)."""
    return (moment.astimezone(timezone.utc) + length).astimezone(tz)


def happens_at(item: PlanItem, moment: datetime, tz: ZoneInfo) -> bool:
    """Whether `item` (a meeting or shift) starts at `moment`, compared in UTC: a local
    time in the night the clocks change could otherwise never be equal."""
    day = moment.astimezone(tz).date()
    return any(e.starts.astimezone(timezone.utc) == moment.astimezone(timezone.utc) for e in occurrences(item, day, day, tz))


def next_occurrence(item: PlanItem, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The first start of `item` not yet over at `now` (a weekly shift's coming week)."""
    first_day = datetime.fromisoformat(item.starts_at).astimezone(tz).date() if item.starts_at else None
    today = max(now.astimezone(tz).date(), first_day or date.min)
    step = 7 * (item.repeat_weeks or 1)
    for entry in occurrences(item, today, today + timedelta(days=step), tz):
        if (entry.ends or entry.starts) >= now:
            return entry.starts
    return None


def two_weeks(items: list[PlanItem], now: datetime, tz: ZoneInfo, days: int = DAYS) -> list[Day]:
    """The days from today with something on them (an item, or a public holiday), in order."""
    today = now.astimezone(tz).date()
    end = today + timedelta(days=days - 1)
    by_day: dict[date, Day] = {d: Day(d, holidays=h) for d, h in norway_holidays(today, end).items()}
    for item in items:
        if item.status != "active":
            continue
        for entry in occurrences(item, today, end, tz):
            if entry.ends is not None and entry.ends < now:
                continue  # over already today
            by_day.setdefault(entry.starts.date(), Day(entry.starts.date())).entries.append(entry)
    for day in by_day.values():
        day.entries.sort(key=lambda e: e.starts)
    return [by_day[d] for d in sorted(by_day)]


def calendar_file(items: list[PlanItem], what: dict[int, str], tz: ZoneInfo, now: datetime) -> bytes:
    """An iCalendar file with each active meeting, shift (weekly ones with their RRULE) and
    task deadline. `what` names each item (in the candidate's language) by its id."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Jobbvenn//plan//NO")
    calendar.add("version", "2.0")
    calendar.add("x-wr-timezone", str(tz))
    for item in items:
        if item.status != "active":
            continue
        moment = item.deadline if item.kind == "task" else item.starts_at
        if moment is None:
            continue
        starts = datetime.fromisoformat(moment).astimezone(tz)
        event = icalendar.Event()
        event.add("uid", f"plan-{item.id}@jobbvenn")
        event.add("dtstamp", now)
        event.add("summary", " · ".join(x for x in (what[item.id], item.title) if x))
        event.add("dtstart", starts)
        event.add("dtend", starts + timedelta(minutes=15 if item.kind == "task" else item.duration_minutes or DEFAULT_MINUTES))
        if item.repeat_weeks:
            event.add("rrule", {"freq": "weekly", "interval": item.repeat_weeks})
        if item.place:
            event.add("location", item.place)
        if item.latitude is not None and item.longitude is not None:
            event.add("geo", (item.latitude, item.longitude))
        details = [x for x in (item.bring and f"🎒 {item.bring}", item.participants and f"👥 {item.participants}") if x]
        if details:
            event.add("description", "\n".join(details))
        alarm = icalendar.Alarm()  # the phone reminds too, an hour before
        alarm.add("action", "DISPLAY")
        alarm.add("description", event["summary"])
        alarm.add("trigger", timedelta(hours=-1))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz)
