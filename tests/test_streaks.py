"""Streak rules with fixed clocks: the 04:00 day boundary, midnight, DST, freezes, timezone changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.streaks.rules import (
    MAX_FREEZES,
    DayCounted,
    Streak,
    at_risk,
    calendar,
    current_length,
    day_counted,
    record_activity,
    shift_after_timezone_change,
    streak_day,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def days_in_a_row(start: date, count: int, streak: Streak | None = None) -> Streak:
    streak = streak or Streak()
    for i in range(count):
        streak = record_activity(streak, start + timedelta(days=i))
    return streak


def test_night_owls_count_for_the_evening_before() -> None:
    evening = datetime(2026, 5, 4, 23, 30, tzinfo=JAKARTA)
    after_midnight = datetime(2026, 5, 5, 1, 30, tzinfo=JAKARTA)
    after_boundary = datetime(2026, 5, 5, 4, 0, tzinfo=JAKARTA)
    assert streak_day(evening, JAKARTA) == streak_day(after_midnight, JAKARTA) == date(2026, 5, 4)
    assert streak_day(after_boundary, JAKARTA) == date(2026, 5, 5)


def test_the_boundary_follows_dst() -> None:
    # Berlin springs forward on 2026-03-29: 04:00 local is 02:00 UTC after the change
    just_before = datetime(2026, 3, 29, 1, 59, tzinfo=UTC)  # 03:59 CEST
    just_after = datetime(2026, 3, 29, 2, 0, tzinfo=UTC)    # 04:00 CEST
    assert streak_day(just_before, BERLIN) == date(2026, 3, 28)
    assert streak_day(just_after, BERLIN) == date(2026, 3, 29)
    # New York falls back on 2026-11-01: 04:00 EST is 09:00 UTC
    assert streak_day(datetime(2026, 11, 1, 8, 59, tzinfo=UTC), NEW_YORK) == date(2026, 10, 31)
    assert streak_day(datetime(2026, 11, 1, 9, 0, tzinfo=UTC), NEW_YORK) == date(2026, 11, 1)


def test_consecutive_days_grow_and_the_same_day_counts_once() -> None:
    streak = days_in_a_row(date(2026, 5, 1), 3)
    again = record_activity(streak, date(2026, 5, 3))
    assert again == streak and streak.current == 3 and streak.longest == 3


def test_a_freeze_is_earned_every_seven_days_up_to_two() -> None:
    streak = days_in_a_row(date(2026, 5, 1), 6)
    assert streak.freezes == 0
    streak = record_activity(streak, date(2026, 5, 7))
    assert streak.freezes == 1
    streak = days_in_a_row(date(2026, 5, 8), 21, streak)
    assert streak.current == 28 and streak.freezes == MAX_FREEZES


def test_a_missed_day_uses_a_freeze() -> None:
    streak = days_in_a_row(date(2026, 5, 1), 7)  # one freeze
    assert current_length(streak, date(2026, 5, 9)) == 7  # 8 May missed, covered
    streak = record_activity(streak, date(2026, 5, 9))
    assert streak.current == 8 and streak.freezes == 0
    assert date(2026, 5, 8) in streak.frozen


def test_too_many_missed_days_restart_the_streak() -> None:
    streak = days_in_a_row(date(2026, 5, 1), 7)
    assert current_length(streak, date(2026, 5, 10)) == 0
    streak = record_activity(streak, date(2026, 5, 10))
    assert streak.current == 1 and streak.longest == 7


def test_at_risk_and_calendar() -> None:
    streak = days_in_a_row(date(2026, 5, 1), 3)
    assert at_risk(streak, date(2026, 5, 4))
    assert not at_risk(streak, date(2026, 5, 3))
    line = calendar(streak, date(2026, 5, 4), days=6)
    assert line == "··■■■○"
    # days before the learner's first day are blank, not missed
    assert calendar(streak, date(2026, 5, 4), days=6, first_day=date(2026, 4, 30)) == " ·■■■○"


def test_what_a_counted_day_did() -> None:
    fourteen = days_in_a_row(date(2026, 5, 1), 14)  # two freezes
    assert day_counted(days_in_a_row(date(2026, 5, 1), 13), fourteen) == DayCounted(length=14, freezes=2, earned=True)
    back = record_activity(fourteen, date(2026, 5, 17))  # 15 and 16 May missed
    assert day_counted(fourteen, back) == DayCounted(length=15, freezes=0, used=2)
    twenty = days_in_a_row(date(2026, 5, 15), 6, fourteen)  # day 21 with two freezes held: none more to earn
    assert day_counted(twenty, record_activity(twenty, date(2026, 5, 21))) == DayCounted(length=21, freezes=2)
    ended = record_activity(fourteen, date(2026, 5, 18))  # three days missed, two freezes: they are kept
    assert day_counted(fourteen, ended) == DayCounted(length=1, freezes=2, ended=14)


def test_a_timezone_change_neither_breaks_nor_inflates() -> None:
    # active in Jakarta on 1 and 2 May; on 2 May at 20:00 Jakarta the learner moves to New York
    streak = days_in_a_row(date(2026, 5, 1), 2)
    moment = datetime(2026, 5, 2, 20, 0, tzinfo=JAKARTA)
    shift = shift_after_timezone_change(moment, JAKARTA, NEW_YORK)
    assert streak_day(moment, NEW_YORK, shift=shift) == date(2026, 5, 2)
    # an hour later (still 2 May in the learner's streak days): no extra day
    later = moment + timedelta(hours=1)
    assert record_activity(streak, streak_day(later, NEW_YORK, shift=shift)).current == 2
    # the next New York day after the boundary counts as the next streak day
    next_day = datetime(2026, 5, 3, 9, 0, tzinfo=NEW_YORK)
    assert record_activity(streak, streak_day(next_day, NEW_YORK, shift=shift)).current == 3

    # moving east across the date line does not add a day either
    east = ZoneInfo("Pacific/Kiritimati")  # 23:00 in Jakarta is already 06:00 next day there
    late = datetime(2026, 5, 2, 23, 0, tzinfo=JAKARTA)
    shift_east = shift_after_timezone_change(late, JAKARTA, east)
    assert shift_east == 1
    assert streak_day(late + timedelta(minutes=5), east, shift=shift_east) == date(2026, 5, 2)
    assert record_activity(streak, streak_day(late, east, shift=shift_east)).current == 2
