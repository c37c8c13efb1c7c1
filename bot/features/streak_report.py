"""/streak: the learner's current and longest streak, freezes held and the last 30 days.

Streaks are counted in ``bot.streaks.record`` (the rules are in ``bot.streaks.rules``);
this module only shows them.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.streaks.record import first_day, learner_day, stored_streak
from bot.streaks.rules import CALENDAR_DAYS, MAX_FREEZES, DayCounted, at_risk, calendar, current_length

log = logging.getLogger(__name__)

CALENDAR_ROW = 10


def streak_line(ctx: Context, counted: DayCounted | None) -> str | None:
    """"Streak: day 3" after an activity that counted a new day, with what happened on the way:
    a streak that ended, freezes used for missed days, a freeze earned."""
    if counted is None:
        return None
    lines = []
    if counted.ended:
        lines.append(ctx.t("streak.ended_new", ended=counted.ended))
    else:
        if counted.used == 1:
            lines.append(ctx.t("streak.freeze_used_one"))
        elif counted.used:
            lines.append(ctx.t("streak.freeze_used_many", used=counted.used))
        lines.append(ctx.t("streak.counted", days=counted.length))
    if counted.earned:
        lines.append(ctx.t("streak.freeze_earned", freezes=counted.freezes))
    return "\n".join(lines)


def short_date(ctx: Context, day: date) -> str:
    """"3 Mar" / "3 Mei": a day and the short month name in the learner's language."""
    return f"{day.day} {ctx.t(f'month.{day.month}')}"


def _grid(ctx: Context, marks: str, first: date) -> str:
    """The calendar's marks in rows, each starting with its first day's date (``first`` is the oldest day)."""
    rows_ = []
    for i in range(0, len(marks), CALENDAR_ROW):
        label = short_date(ctx, first + timedelta(days=i)).rjust(6)
        rows_.append(f"`{label} {marks[i:i + CALENDAR_ROW]}`")
    return "\n".join(rows_)


async def cmd_streak(ctx: Context, args: str) -> list[Reply]:
    """The current and longest streak, freezes held, and the last 30 days."""
    today = learner_day(ctx.learner, ctx.now)
    days = await ctx.repo.quiz.streak_days(ctx.learner.id, today - timedelta(days=CALENDAR_DAYS - 1))
    streak = stored_streak(ctx.learner, days)
    length = current_length(streak, today)
    quiz_button = Button(ctx.t("button.quiz"), "/quiz")
    if streak.longest == 0:
        return [Reply(ctx.t("streak.none"), rows(quiz_button))]
    start = min([first_day(ctx.learner), *days])  # a merged account may have days before this one's sign-up
    marks = calendar(streak, today, first_day=start)
    grid = _grid(ctx, marks, today - timedelta(days=CALENDAR_DAYS - 1))
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
        last = streak.last_day or today
        lines += ["", ctx.t("streak.broken", days=streak.current, date=short_date(ctx, last))]
    else:
        lines += ["", ctx.t("streak.safe_today")]
    return [Reply("\n".join(lines), rows(quiz_button))]
