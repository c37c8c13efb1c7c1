"""Push times as pure functions: local times, DST gaps and repeats, quiet hours, parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.localtime import (
    Quiet,
    evening_before_quiet,
    iso_week,
    next_daily,
    next_weekly,
    parse_clock,
    parse_weekday,
)

NEW_YORK = ZoneInfo("America/New_York")
QUIET = Quiet(22 * 60, 7 * 60)


@pytest.mark.parametrize(("text", "minute"), [
    ("19:00", 1140), ("19.00", 1140), ("7pm", 1140), ("7 PM", 1140), ("jam 7 malam", 1140),
    ("pukul 07.30", 450), ("12am", 0), ("12pm", 720), ("0", 0), ("23:59", 1439), ("2 siang", 840),
])
def test_times_of_day_in_both_languages(text: str, minute: int) -> None:
    assert parse_clock(text) == minute


@pytest.mark.parametrize("text", ["25:00", "19:60", "13pm", "", "soon", "19:0", "-1", "7:00:00"])
def test_what_is_not_a_time(text: str) -> None:
    assert parse_clock(text) is None


def test_weekday_names() -> None:
    assert parse_weekday("Friday") == parse_weekday("jumat") == parse_weekday("Jum'at") == 4
    assert parse_weekday("minggu") == parse_weekday("sun") == 6
    assert parse_weekday("someday") is None


def test_a_time_skipped_by_spring_forward_comes_an_hour_later() -> None:
    # 8 March 2026: New York jumps from 02:00 to 03:00.
    at, day = next_daily(datetime(2026, 3, 8, 5, 0, tzinfo=UTC), NEW_YORK, 2 * 60 + 30, None)
    assert day == date(2026, 3, 8)
    assert at.astimezone(NEW_YORK).strftime("%H:%M %Z") == "03:30 EDT"


def test_a_time_repeated_by_fall_back_comes_once_the_first_time() -> None:
    # 1 November 2026: New York repeats 01:00-02:00.
    after = datetime(2026, 11, 1, 4, 0, tzinfo=UTC)
    first, day = next_daily(after, NEW_YORK, 90, None)
    assert day == date(2026, 11, 1) and first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    _second, next_day = next_daily(first, NEW_YORK, 90, None)
    assert next_day == date(2026, 11, 2)  # not 01:30 EST the same night


def test_quiet_hours_move_a_push_to_their_end_and_keep_its_day() -> None:
    jakarta = ZoneInfo("Asia/Jakarta")
    at, day = next_daily(datetime(2026, 3, 2, 0, 0, tzinfo=UTC), jakarta, 23 * 60 + 30, QUIET)
    assert day == date(2026, 3, 2)
    assert at.astimezone(jakarta) == datetime(2026, 3, 3, 7, 0, tzinfo=jakarta)
    at, day = next_daily(datetime(2026, 3, 1, 20, 0, tzinfo=UTC), jakarta, 6 * 60, QUIET)  # 03:00 local
    assert at.astimezone(jakarta) == datetime(2026, 3, 2, 7, 0, tzinfo=jakarta)


def test_weekly_pushes_fall_on_the_chosen_weekday() -> None:
    jakarta = ZoneInfo("Asia/Jakarta")
    at, day = next_weekly(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), jakarta, 4, 18 * 60, QUIET)
    assert day == date(2026, 3, 6) and day.weekday() == 4
    assert at.astimezone(jakarta).hour == 18
    assert iso_week(day) == "2026-W10"


def test_the_evening_reminder_moves_before_quiet_hours() -> None:
    assert evening_before_quiet(20 * 60, QUIET) == 20 * 60
    assert evening_before_quiet(20 * 60, Quiet(19 * 60, 7 * 60)) == 18 * 60
    assert evening_before_quiet(20 * 60, Quiet(10 * 60, 23 * 60)) is None
