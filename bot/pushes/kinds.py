"""The kinds of push, and when each is next due: a learner's daily quiz, weekly nudge and
streak reminder; a study group's daily group quiz and weekly leaderboard.

A push's *period* names the occurrence (the local day of a daily quiz, the
ISO week of a weekly nudge, the streak day of a streak reminder): the ledger
holds one row per (kind, subject, period), so an occurrence is sent once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.localtime import Quiet, evening_before_quiet, iso_week, next_daily, next_weekly, occurrence, zone
from bot.storage.group_store import GroupStore
from bot.storage.push_store import (
    DAILY_QUIZ,
    GROUP_KINDS,
    GROUP_QUIZ,
    GROUP_WEEKLY,
    LEARNER_KINDS,
    STREAK_RISK,
    WEEKLY_NUDGE,
    PushStore,
)
from bot.storage.tables import Learner, StudyGroup

GROUP_WEEKLY_MINUTE = 9 * 60  # Monday 09:00 in the group's timezone: last week's leaderboard

STREAK_RISK_MINUTE = 20 * 60
STREAK_RISK_MIN_DAYS = 3
# A push later than this after its time is dropped ("expired"): no quiz at 03:00 after an outage.
FRESH_FOR = {DAILY_QUIZ: timedelta(hours=3), WEEKLY_NUDGE: timedelta(hours=12), STREAK_RISK: timedelta(hours=3),
             GROUP_QUIZ: timedelta(hours=3), GROUP_WEEKLY: timedelta(hours=12)}


@dataclass(frozen=True)
class Due:
    """The next occurrence of a push: when (UTC) and its period key."""

    at: datetime
    period: str


def learner_quiet(learner: Learner) -> Quiet | None:
    """The learner's quiet hours, or ``None`` when they turned them off."""
    if learner.quiet_start is None or learner.quiet_end is None:
        return None
    return Quiet(learner.quiet_start, learner.quiet_end)


def wants(kind: str, learner: Learner) -> bool:
    """True when the learner receives this kind of push at all (set up, not paused, not turned off)."""
    if learner.onboarding_step is not None or learner.pushes_paused:
        return False
    if kind == DAILY_QUIZ:
        return learner.quiz_minute is not None
    if kind == WEEKLY_NUDGE:
        return learner.nudge_minute is not None
    return kind == STREAK_RISK and learner.streak_reminder


def next_push_due(kind: str, learner: Learner, after: datetime) -> Due | None:
    """The first occurrence of ``kind`` for ``learner`` strictly after ``after``; ``None`` if none."""
    if not wants(kind, learner):
        return None
    tz, quiet = zone(learner.timezone), learner_quiet(learner)
    if kind == DAILY_QUIZ:
        assert learner.quiz_minute is not None
        at, day = next_daily(after, tz, learner.quiz_minute, quiet)
        return Due(at, day.isoformat())
    if kind == WEEKLY_NUDGE:
        assert learner.nudge_minute is not None
        at, day = next_weekly(after, tz, learner.nudge_weekday, learner.nudge_minute, quiet)
        return Due(at, iso_week(day))
    return _streak_risk(learner, after, tz, quiet)


def _streak_risk(learner: Learner, after: datetime, tz: ZoneInfo, quiet: Quiet | None) -> Due | None:
    """The evening of the streak day after the last active one, for a streak worth keeping."""
    if learner.streak_current < STREAK_RISK_MIN_DAYS or learner.streak_last_day is None:
        return None
    minute = evening_before_quiet(STREAK_RISK_MINUTE, quiet)
    if minute is None:
        return None
    day = learner.streak_last_day + timedelta(days=1)
    at = occurrence(day + timedelta(days=learner.streak_shift), minute, tz)
    return Due(at, day.isoformat()) if at > after else None


# What each kind's next time depends on: when none of it changed, its schedule stays as it is
# (so an answer given just as the daily quiz falls due does not push that quiz to tomorrow).
_COMMON = ("onboarding_step", "pushes_paused", "timezone", "quiet_start", "quiet_end")
INPUTS = {
    DAILY_QUIZ: (*_COMMON, "quiz_minute"),
    WEEKLY_NUDGE: (*_COMMON, "nudge_weekday", "nudge_minute"),
    STREAK_RISK: (*_COMMON, "streak_reminder", "streak_current", "streak_last_day", "streak_shift"),
}


SETTABLE = frozenset({"onboarding_step", "pushes_paused", "timezone", "quiet_start", "quiet_end", "quiz_minute",
                      "nudge_weekday", "nudge_minute", "streak_reminder", "streak_shift"})


def schedule_inputs(learner: Learner) -> dict[str, tuple[object, ...]]:
    """A snapshot, per kind, of the learner fields its schedule depends on."""
    return {kind: tuple(getattr(learner, name) for name in names) for kind, names in INPUTS.items()}


async def reschedule(store: PushStore, learner: Learner, now: datetime, kinds: Iterable[str] = LEARNER_KINDS) -> None:
    """Write the next due time of each of ``kinds`` for the learner (or drop it when there is none)."""
    for kind in kinds:
        due = next_push_due(kind, learner, now)
        await store.set_due(kind, str(learner.id), due.at if due else None, due.period if due else None)


def changed_kinds(before: dict[str, tuple[object, ...]], learner: Learner) -> list[str]:
    """The kinds whose inputs differ between ``before`` and the learner now."""
    after = schedule_inputs(learner)
    return [kind for kind in LEARNER_KINDS if before.get(kind) != after[kind]]


async def set_and_reschedule(store: PushStore, learner: Learner, now: datetime, **fields: object) -> None:
    """Change the learner's push settings (``quiz_minute=1200``, ``pushes_paused=True``, a timezone,
    the end of setup) and move the pushes whose time depends on them, in the caller's transaction.

    A push whose inputs did not change keeps its due time, so a setting saved just as the
    daily quiz falls due does not push that quiz to tomorrow.
    """
    unknown = set(fields) - SETTABLE
    if unknown:
        raise ValueError(f"not a push setting: {sorted(unknown)}")
    before = schedule_inputs(learner)
    for name, value in fields.items():
        setattr(learner, name, value)
    changed = changed_kinds(before, learner)
    if changed:
        await reschedule(store, learner, now, changed)


def group_wants(kind: str, group: StudyGroup) -> bool:
    """True when the group gets this kind of post: a channel that works and the daily quiz on."""
    return (kind in GROUP_KINDS and group.channel_id is not None and group.channel_problem_since is None
            and group.quiz_minute is not None)


def next_group_due(kind: str, group: StudyGroup, after: datetime) -> Due | None:
    """The first post of ``kind`` for ``group`` strictly after ``after``; ``None`` if none."""
    if not group_wants(kind, group):
        return None
    tz = zone(group.timezone)
    if kind == GROUP_QUIZ:
        assert group.quiz_minute is not None
        at, day = next_daily(after, tz, group.quiz_minute, None)
        return Due(at, day.isoformat())
    at, day = next_weekly(after, tz, 0, GROUP_WEEKLY_MINUTE, None)
    return Due(at, iso_week(day))


async def reschedule_group(store: PushStore, group: StudyGroup, now: datetime) -> None:
    """Write the next due time of the group's posts (or drop them when there are none)."""
    for kind in GROUP_KINDS:
        due = next_group_due(kind, group, now)
        await store.set_due(kind, str(group.id), due.at if due else None, due.period if due else None)


async def pause_group(groups: GroupStore, store: PushStore, group_id: int, *, now: datetime) -> None:
    """A group's channel refused a post for good: mark it and drop its posts from the schedule
    (they come back when an admin runs /setup again)."""
    await groups.mark_channel_problem(group_id, now=now)
    for kind in GROUP_KINDS:
        await store.set_due(kind, str(group_id), None, None)
