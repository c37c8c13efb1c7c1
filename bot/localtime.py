"""Local time, as pure functions: timezones, times of day, weekdays, quiet hours, occurrences.

Times of day are stored as minutes after local midnight (19:00 -> 1140).
An occurrence is a local date plus a time of day in the learner's IANA
timezone, converted to UTC with ``zoneinfo`` so daylight saving time is
right: a time that does not exist on a spring-forward day comes an hour
later, a time that happens twice on a fall-back day comes the first time.
Quiet hours move a push to the end of the quiet period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60
SEARCH_DAYS = 16  # enough for a weekly push plus quiet hours that cross midnight

WEEKDAYS = {
    "monday": 0, "mon": 0, "senin": 0, "sen": 0,
    "tuesday": 1, "tue": 1, "tues": 1, "selasa": 1, "sel": 1,
    "wednesday": 2, "wed": 2, "rabu": 2, "rab": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "kamis": 3, "kam": 3,
    "friday": 4, "fri": 4, "jumat": 4, "jum'at": 4, "jum": 4,
    "saturday": 5, "sat": 5, "sabtu": 5, "sab": 5,
    "sunday": 6, "sun": 6, "minggu": 6, "ahad": 6, "min": 6,
}
_CLOCK = re.compile(r"^(?:pukul|jam|at)?\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|pagi|siang|sore|malam)?$")


def zone(name: str) -> ZoneInfo:
    """The IANA timezone ``name`` (UTC if the stored name is no longer valid)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class Quiet:
    """Quiet hours: no push from ``start`` to ``end`` (minutes of the day; may cross midnight)."""

    start: int
    end: int

    def contains(self, minute: int) -> bool:
        """True when ``minute`` (of the day) is inside the quiet hours."""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end


def parse_clock(text: str) -> int | None:
    """Minutes of the day from "19:00", "19.00", "7pm", "jam 7 malam", "07"; ``None`` if not a time."""
    match = _CLOCK.match(text.strip().lower())
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = match.group(3)
    if suffix is not None:
        if not 1 <= hour <= 12:
            return None
        if suffix in {"pm", "sore", "malam"} and hour != 12:
            hour += 12
        elif suffix == "siang" and hour < 6:
            hour += 12
        elif suffix in {"am", "pagi"} and hour == 12:
            hour = 0
    if hour > 23 or minute > 59:
        return None
    return hour * 60 + minute


def parse_weekday(text: str) -> int | None:
    """0 (Monday) to 6 (Sunday) from an English or Indonesian day name; ``None`` if unknown."""
    return WEEKDAYS.get(text.strip().lower().rstrip("."))


def clock_text(minute: int) -> str:
    """``1140`` -> ``"19:00"``."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def occurrence(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of ``minute`` on local ``day`` in ``tz`` (DST-correct, see the module doc)."""
    # fold=0: a skipped time is read with the offset before the gap (so it lands after it),
    # a repeated time is its first occurrence.
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz).astimezone(UTC)


def out_of_quiet(day: date, minute: int, quiet: Quiet | None) -> tuple[date, int]:
    """Move a local (day, minute) inside quiet hours to the end of those quiet hours."""
    if quiet is None or not quiet.contains(minute):
        return day, minute
    if quiet.start > quiet.end and minute >= quiet.start:
        return day + timedelta(days=1), quiet.end
    return day, quiet.end


def next_daily(after: datetime, tz: ZoneInfo, minute: int, quiet: Quiet | None) -> tuple[datetime, date]:
    """The first daily occurrence strictly after ``after``: (UTC instant, the day it belongs to)."""
    start = after.astimezone(tz).date() - timedelta(days=1)
    for offset in range(SEARCH_DAYS):
        day = start + timedelta(days=offset)
        when = occurrence(*out_of_quiet(day, minute, quiet), tz)
        if when > after:
            return when, day
    raise AssertionError("a daily time always occurs within two days")


def next_weekly(after: datetime, tz: ZoneInfo, weekday: int, minute: int,
                quiet: Quiet | None) -> tuple[datetime, date]:
    """The first weekly occurrence (``weekday`` 0 = Monday) strictly after ``after``."""
    start = after.astimezone(tz).date() - timedelta(days=1)
    for offset in range(SEARCH_DAYS):
        day = start + timedelta(days=offset)
        if day.weekday() != weekday:
            continue
        when = occurrence(*out_of_quiet(day, minute, quiet), tz)
        if when > after:
            return when, day
    raise AssertionError("a weekly time always occurs within two weeks")


def evening_before_quiet(minute: int, quiet: Quiet | None) -> int | None:
    """An evening reminder time, moved before quiet hours; ``None`` when quiet covers the evening."""
    if quiet is None or not quiet.contains(minute):
        return minute
    earlier = quiet.start - 60
    if earlier >= 12 * 60 and not quiet.contains(earlier):
        return earlier
    return None


def iso_week(day: date) -> str:
    """``2026-W10``: the ISO week a day belongs to (the period of a weekly push)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
