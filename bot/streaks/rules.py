"""Streak rules: pure functions over a given time, in the learner's own timezone.

- A *streak day* runs from the day boundary (default 04:00 local) to the next,
  so a night owl answering at 01:30 still counts for the evening before.
- A day counts when the learner answers a question or finishes a skill.
- One freeze is earned for every 7 days in a row; at most 2 are held. A missed
  day is covered by a freeze automatically when the learner comes back.
- A timezone change never breaks or inflates a streak: the learner keeps a
  ``shift`` (in days) chosen so the streak day at the moment of the change is
  the same under the old and the new timezone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_BOUNDARY = time(4, 0)
FREEZE_EVERY = 7
MAX_FREEZES = 2
CALENDAR_DAYS = 30


def streak_day(now: datetime, tz: ZoneInfo, *, boundary: time = DEFAULT_BOUNDARY, shift: int = 0) -> date:
    """The streak day ``now`` belongs to for a learner in ``tz``."""
    local = now.astimezone(tz)
    moved = local - timedelta(hours=boundary.hour, minutes=boundary.minute)
    return moved.date() - timedelta(days=shift)


def shift_after_timezone_change(
    now: datetime, old: ZoneInfo, new: ZoneInfo, *, shift: int = 0, boundary: time = DEFAULT_BOUNDARY
) -> int:
    """The shift that keeps today's streak day unchanged when the timezone changes at ``now``."""
    before = streak_day(now, old, boundary=boundary, shift=shift)
    after = streak_day(now, new, boundary=boundary)
    return (after - before).days


@dataclass(frozen=True)
class Streak:
    """A learner's streak: active days, days saved by freezes, and freezes held."""

    current: int = 0
    longest: int = 0
    freezes: int = 0
    last_day: date | None = None
    active: frozenset[date] = frozenset()
    frozen: frozenset[date] = frozenset()


def record_activity(streak: Streak, day: date) -> Streak:
    """Count activity on ``day``; the same day twice (or an earlier day) changes nothing."""
    last = streak.last_day
    if last is not None and day <= last:
        return streak
    current, freezes, frozen = streak.current, streak.freezes, set(streak.frozen)
    if last is None:
        current = 1
    else:
        missed = (day - last).days - 1
        if missed == 0:
            current += 1
        elif missed <= freezes:
            freezes -= missed
            frozen.update(last + timedelta(days=i) for i in range(1, missed + 1))
            current += 1
        else:
            current = 1
    if current % FREEZE_EVERY == 0:
        freezes = min(MAX_FREEZES, freezes + 1)
    return replace(
        streak,
        current=current,
        longest=max(streak.longest, current),
        freezes=freezes,
        last_day=day,
        active=streak.active | {day},
        frozen=frozenset(frozen),
    )


@dataclass(frozen=True)
class DayCounted:
    """What counting a new day did: the streak's length now, freezes held, a freeze earned,
    freezes used for missed days, and the length of a streak that ended (0 when none did)."""

    length: int
    freezes: int
    earned: bool = False
    used: int = 0
    ended: int = 0


def day_counted(before: Streak, after: Streak) -> DayCounted:
    """What ``record_activity`` did in going from ``before`` to ``after`` (a new day counted)."""
    used = len(after.frozen - before.frozen)
    ended = before.current if before.last_day is not None and after.current == 1 else 0
    return DayCounted(length=after.current, freezes=after.freezes,
                      earned=after.freezes > before.freezes - used, used=used, ended=ended)


def current_length(streak: Streak, today: date) -> int:
    """The streak as it stands on ``today``: kept while the missed days fit the freezes."""
    if streak.last_day is None:
        return 0
    missed = (today - streak.last_day).days - 1
    return streak.current if missed <= streak.freezes else 0


def at_risk(streak: Streak, today: date) -> bool:
    """True when the streak is alive but has no activity yet today."""
    return current_length(streak, today) > 0 and streak.last_day != today


BEFORE_START = " "  # a day before the learner's first day: neither done nor missed


def calendar(streak: Streak, today: date, days: int = CALENDAR_DAYS, *, first_day: date | None = None) -> str:
    """The last ``days`` days as a line of marks: ■ active, ❄ frozen, · missed, ○ today pending,
    and a blank for a day before ``first_day`` (the learner's first streak day) that has no activity."""
    marks = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        if day in streak.active:
            marks.append("■")
        elif day in streak.frozen:
            marks.append("❄")
        elif day == today:
            marks.append("○")
        elif first_day is not None and day < first_day:
            marks.append(BEFORE_START)
        else:
            marks.append("·")
    return "".join(marks)
