"""Streaks in the database: counting a day of activity, /streak, and timezone moves.

The rules themselves are pure functions in ``bot.features.streaks``; this
module loads and stores the learner's streak around them.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.context import Context
from bot.conversation import Button, Reply, rows
from bot.features.streaks import (
    CALENDAR_DAYS,
    MAX_FREEZES,
    Streak,
    at_risk,
    calendar,
    current_length,
    record_activity,
    shift_after_timezone_change,
    streak_day,
)

log = logging.getLogger(__name__)

CALENDAR_ROW = 10


def learner_day(ctx: Context) -> date:
    """The learner's current streak day (their timezone, the 04:00 boundary, their shift)."""
    return streak_day(ctx.now, ctx.tz(), shift=ctx.learner.streak_shift)


def stored_streak(ctx: Context, days: dict[date, str] | None = None) -> Streak:
    """The learner's streak as stored (with the given calendar days, if any)."""
    learner = ctx.learner
    days = days or {}
    return Streak(
        current=learner.streak_current,
        longest=learner.streak_longest,
        freezes=learner.streak_freezes,
        last_day=learner.streak_last_day,
        active=frozenset(d for d, kind in days.items() if kind == "active"),
        frozen=frozenset(d for d, kind in days.items() if kind == "frozen"),
    )


async def count_activity(ctx: Context) -> int | None:
    """Count today for the streak; the new length, or ``None`` if today already counted."""
    before = stored_streak(ctx)
    after = record_activity(before, learner_day(ctx))
    if after is before:
        return None
    learner = ctx.learner
    learner.streak_current, learner.streak_longest = after.current, after.longest
    learner.streak_freezes, learner.streak_last_day = after.freezes, after.last_day
    new_days = {day: "frozen" for day in after.frozen - before.frozen}
    if after.last_day is not None:
        new_days[after.last_day] = "active"
    await ctx.repo.quiz.add_streak_days(learner.id, new_days)
    return after.current


def current_streak(ctx: Context) -> int:
    """The length of the learner's streak today (0 when it is broken)."""
    return current_length(stored_streak(ctx), learner_day(ctx))


def timezone_changed(ctx: Context, old: ZoneInfo, new: ZoneInfo) -> None:
    """Keep today's streak day when the learner moves, so the streak neither breaks nor grows."""
    learner = ctx.learner
    alive = current_length(stored_streak(ctx), learner_day(ctx)) > 0
    if not alive:
        learner.streak_shift = 0
        return
    learner.streak_shift = shift_after_timezone_change(ctx.now, old, new, shift=learner.streak_shift)


def streak_line(ctx: Context, length: int | None) -> str | None:
    """"Streak: day 3" after an activity that counted a new day."""
    if length is None:
        return None
    return ctx.t("streak.counted", days=length)


async def cmd_streak(ctx: Context, args: str) -> list[Reply]:
    """The current and longest streak, freezes held, and the last 30 days."""
    today = learner_day(ctx)
    days = await ctx.repo.quiz.streak_days(ctx.learner.id, today - timedelta(days=CALENDAR_DAYS - 1))
    streak = stored_streak(ctx, days)
    length = current_length(streak, today)
    quiz_button = Button(ctx.t("button.quiz"), "/quiz")
    if streak.longest == 0:
        return [Reply(ctx.t("streak.none"), rows(quiz_button))]
    marks = calendar(streak, today)
    grid = "\n".join(f"`{marks[i:i + CALENDAR_ROW]}`" for i in range(0, len(marks), CALENDAR_ROW))
    lines = [
        ctx.t("streak.summary" if length else "streak.summary_broken", current=length,
              longest=streak.longest, freezes=streak.freezes, max_freezes=MAX_FREEZES),
        "",
        ctx.t("streak.calendar_heading", days=CALENDAR_DAYS),
        grid,
        ctx.t("streak.legend"),
    ]
    if at_risk(streak, today):
        lines += ["", ctx.t("streak.at_risk")]
    elif length == 0:
        lines += ["", ctx.t("streak.broken")]
    else:
        lines += ["", ctx.t("streak.safe_today")]
    return [Reply("\n".join(lines), rows(quiz_button))]
