"""Where a streak is counted: a learner's day of activity, timezone moves, account merges, and a
study group's streak (days with enough members answering).

The rules are pure functions in ``bot.streaks.rules``; this module reads the
learner's stored streak, applies them, writes the result (the learner's
streak fields and their calendar days) and says when the streak reminder's
time changed, so the push schedule follows at once.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, timedelta

from bot.localtime import zone
from bot.pushes.kinds import STREAK_RISK, reschedule
from bot.storage.repository import Repository
from bot.storage.tables import Learner, StudyGroup
from bot.streaks.rules import (
    DayCounted,
    Streak,
    current_length,
    day_counted,
    record_activity,
    shift_after_timezone_change,
    streak_day,
)

log = logging.getLogger(__name__)

GROUP_LOOKBACK_DAYS = 400  # a group streak longer than this reads as this long


def learner_day(learner: Learner, now: datetime) -> date:
    """The learner's current streak day (their timezone, the 04:00 boundary, their shift)."""
    return streak_day(now, zone(learner.timezone), shift=learner.streak_shift)


def stored_streak(learner: Learner, days: dict[date, str] | None = None) -> Streak:
    """The learner's streak as stored (with the given calendar days, if any)."""
    days = days or {}
    return Streak(
        current=learner.streak_current,
        longest=learner.streak_longest,
        freezes=learner.streak_freezes,
        last_day=learner.streak_last_day,
        active=frozenset(d for d, kind in days.items() if kind == "active"),
        frozen=frozenset(d for d, kind in days.items() if kind == "frozen"),
    )


def first_day(learner: Learner) -> date:
    """The learner's first streak day: the day they signed up, in their timezone."""
    return learner_day(learner, learner.created_at)


def current_streak(learner: Learner, now: datetime) -> int:
    """The length of the learner's streak at ``now`` (0 when it is broken)."""
    return current_length(stored_streak(learner), learner_day(learner, now))


def _store(learner: Learner, streak: Streak) -> None:
    learner.streak_current, learner.streak_longest = streak.current, streak.longest
    learner.streak_freezes, learner.streak_last_day = streak.freezes, streak.last_day


async def count_activity(repo: Repository, learner: Learner, now: datetime) -> DayCounted | None:
    """Count today for the streak: the new length and what happened (a freeze earned or used, a
    streak that ended), or ``None`` if today already counted."""
    before = stored_streak(learner)
    after = record_activity(before, learner_day(learner, now))
    if after is before:
        return None
    _store(learner, after)
    new_days = {day: "frozen" for day in after.frozen - before.frozen}
    if after.last_day is not None:
        new_days[after.last_day] = "active"
    await repo.quiz.add_streak_days(learner.id, new_days)
    await reschedule(repo.pushes, learner, now, [STREAK_RISK])  # today is safe: the reminder moves on
    return day_counted(before, after)


def shift_after_move(learner: Learner, now: datetime, new_zone: str) -> int:
    """The streak shift that keeps today's streak day when the learner moves to ``new_zone`` at ``now``,
    so the streak neither breaks nor grows (0 when there is no live streak to keep)."""
    today = streak_day(now, zone(new_zone), shift=learner.streak_shift)
    if current_length(stored_streak(learner), today) == 0:
        return 0
    return shift_after_timezone_change(now, zone(learner.timezone), zone(new_zone), shift=learner.streak_shift)


async def replay_merged(repo: Repository, keep: Learner, longest: int) -> None:
    """After two learners were merged: replay the streak over the union of their days.

    A day done on both platforms counts once; the longest streak is the best of the
    replay and the two learners' own (``longest``).
    """
    days = await repo.quiz.streak_days(keep.id, date.min)
    streak = Streak()
    for day in sorted(d for d, kind in days.items() if kind == "active"):
        streak = record_activity(streak, day)
    _store(keep, replace(streak, longest=max(streak.longest, longest)))
    await repo.quiz.add_streak_days(keep.id, {day: "frozen" for day in streak.frozen if day not in days})
    log.debug("streak replayed for learner %s over %d day(s)", keep.id, len(days))


async def group_streak(repo: Repository, group: StudyGroup, today: date) -> int:
    """Days in a row (up to today, or yesterday while today is still open) with enough members answering."""
    counts = await repo.groups.answering_members(group.id, today - timedelta(days=GROUP_LOOKBACK_DAYS))
    good = {day for day, members in counts.items() if members >= group.streak_members}
    day = today if today in good else today - timedelta(days=1)
    length = 0
    while day in good:
        length += 1
        day -= timedelta(days=1)
    return length
