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
from functools import lru_cache
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
_CLOCK = re.compile(
    r"^(?:(?:pukul|pkl|jam|at|around|about|sekitar|kira-kira)\.?\s*)*"
    r"(setengah\s*)?"
    r"(?:(\d{1,2})(?:[:.h](\d{2}))?|(\d{3,4})|([a-z]+(?: belas)?))"
    r"\s*(a\.?m\.?|p\.?m\.?|pagi|siang|sore|petang|malam|o'?clock)?$"
)
_ETC_OFFSET = re.compile(r"^Etc/GMT([+-])(\d{1,2})$")
_ZONE_SUFFIX = re.compile(r"\s*\b(wib|wita|wit)\.?$")  # "19.00 WIB": Indonesia's three zones
INDONESIAN_ZONES = {"wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura"}
# Hours written as Indonesian or English words ("setengah delapan", "eight pm").
HOUR_WORDS = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9, "sepuluh": 10, "sebelas": 11, "dua belas": 12,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "noon": 12, "midnight": 0,
}
EVENING = frozenset({"pm", "sore", "petang", "malam"})


@lru_cache(maxsize=1024)  # ZoneInfo keeps only 8 zones strongly: a pass over learners of many zones read files
def zone(name: str) -> ZoneInfo:
    """The IANA timezone ``name`` (UTC if the stored name is no longer valid)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def zone_label(name: str) -> str:
    """A timezone as a person reads it: ``Etc/GMT-9`` -> ``UTC+9`` (IANA's sign is inverted)."""
    match = _ETC_OFFSET.match(name)
    if match is None:
        return name
    sign, hours = match.groups()
    return f"UTC{'-' if sign == '+' else '+'}{hours}"


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
    """Minutes of the day from a time as people write it; ``None`` if not a time.

    "19:00", "19.00", "0700", "7pm", "8:30 p.m.", "jam 20", "pukul 19.00 WIB",
    "jam 8 malam", "8 pagi", "jam 12 malam" (midnight), and "setengah 8 malam"
    (19:30: in Indonesian "setengah 8" is half an hour before eight).
    """
    cleaned = _ZONE_SUFFIX.sub("", " ".join(text.strip().lower().split()))
    match = _CLOCK.match(cleaned)
    if match is None:
        return None
    half, digits_hour, digits_minute, packed, word, suffix = match.groups()
    if packed is not None:  # "0700", "730"
        hour, minute = int(packed[:-2]), int(packed[-2:])
    elif word is not None:
        if word not in HOUR_WORDS:
            return None
        hour, minute = HOUR_WORDS[word], 0
    else:
        hour, minute = int(digits_hour), int(digits_minute or 0)
    if suffix is not None:
        shifted = _with_suffix(hour, suffix.replace(".", "").replace("'", ""))
        if shifted is None:
            return None
        hour = shifted
    if hour > 23 or minute > 59:
        return None
    total = hour * 60 + minute
    if half is not None:
        if minute:  # "setengah 8.15" means nothing
            return None
        total = (total - 30) % MINUTES_PER_DAY
    return total


def clock_zone(text: str) -> str | None:
    """The IANA zone a time names with WIB, WITA or WIT ("19.00 WIB" -> Asia/Jakarta); else ``None``."""
    match = _ZONE_SUFFIX.search(" ".join(text.strip().lower().split()))
    return INDONESIAN_ZONES[match.group(1)] if match else None


def shift_clock(minute: int, from_zone: str, to_zone: str, now: datetime) -> tuple[int, int]:
    """A time of day in ``from_zone`` as (minute of the day, days later) in ``to_zone``, on today's offsets.

    "19.00 WIB" for a learner in Makassar is (20:00, 0); "23.00 WIB" in Jayapura is (01:00, 1).
    """
    source = zone(from_zone)
    today = now.astimezone(source).date()
    moment = datetime.combine(today, time(minute // 60, minute % 60), tzinfo=source).astimezone(zone(to_zone))
    return moment.hour * 60 + moment.minute, (moment.date() - today).days


def _with_suffix(hour: int, suffix: str) -> int | None:
    """A 12-hour ``hour`` read with "pm", "pagi", "malam"...; ``None`` when they disagree."""
    if suffix == "oclock":
        return hour if hour <= 12 else None
    if 12 < hour <= 23:  # "19.00 malam" says it twice; "13pm" and "19 pagi" say nothing
        return hour if suffix in EVENING - {"pm"} else None
    if not 1 <= hour <= 12:
        return None
    if suffix == "malam":  # "jam 12 malam" is midnight, "jam 2 malam" is 02:00, "jam 8 malam" 20:00
        return 0 if hour == 12 else hour if hour < 5 else hour + 12
    if suffix in EVENING:
        return hour if hour == 12 else hour + 12
    if suffix == "siang":  # "jam 11 siang" is 11:00, "jam 2 siang" 14:00
        return hour if hour >= 10 else hour + 12
    return 0 if hour == 12 else hour  # am, pagi


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
