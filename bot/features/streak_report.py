"""/streak: the learner's current and longest streak, freezes held and the last 30 days.

Streaks are counted in ``bot.streaks.record`` (the rules are in ``bot.streaks.rules``);
this module only shows them.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.features.context import Context
from bot.conversation import Button, Reply, rows
from bot.streaks.record import learner_day, stored_streak
from bot.streaks.rules import CALENDAR_DAYS, MAX_FREEZES, at_risk, calendar, current_length

log = logging.getLogger(__name__)

CALENDAR_ROW = 10


def streak_line(ctx: Context, length: int | None) -> str | None:
    """"Streak: day 3" after an activity that counted a new day."""
    if length is None:
        return None
    return ctx.t("streak.counted", days=length)


async def cmd_streak(ctx: Context, args: str) -> list[Reply]:
    """The current and longest streak, freezes held, and the last 30 days."""
    today = learner_day(ctx.learner, ctx.now)
    days = await ctx.repo.quiz.streak_days(ctx.learner.id, today - timedelta(days=CALENDAR_DAYS - 1))
    streak = stored_streak(ctx.learner, days)
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
