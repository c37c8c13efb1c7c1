"""A study group's weekly leaderboard and its group streak.

Points come from group quiz answers (correct 3, partial 1, wrong 0) given
during the group's week, Monday 00:00 to Monday 00:00 in the group's
timezone. A day counts for the *group streak* when at least
``streak_members`` members answered a group quiz posted that day.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

from bot.conversation import Button, Reply, rows
from bot.features.context import Context, GroupContext
from bot.features.study_groups import group_or_problem
from bot.localtime import occurrence, zone
from bot.markup import escape
from bot.storage.group_store import Standing
from bot.storage.repository import Repository
from bot.storage.tables import StudyGroup
from bot.streaks.record import group_streak

log = logging.getLogger(__name__)

TOP = 10
MEDALS = ("🥇", "🥈", "🥉")

Say = Callable[..., str]  # a message key and its parameters -> the text in one language


def week_start(day: date) -> date:
    """The Monday of the week ``day`` is in."""
    return day - timedelta(days=day.weekday())


def _standing_line(t: Say, rank: int, standing: Standing) -> str:
    mark = MEDALS[rank - 1] if rank <= len(MEDALS) else f"{rank}."
    name = escape(standing.name) if standing.name else t("leaderboard.someone")
    return t("leaderboard.line", mark=mark, name=name, points=standing.points, answers=standing.answers,
             correct=standing.correct)


async def week_standings(repo: Repository, group: StudyGroup, monday: date) -> list[Standing]:
    """Every member who answered in the group's week starting ``monday``, best first."""
    tz = zone(group.timezone)
    start, end = occurrence(monday, 0, tz), occurrence(monday + timedelta(days=7), 0, tz)
    return await repo.groups.standings(group.id, start, end)


async def board_lines(t: Say, repo: Repository, group: StudyGroup, monday: date, *,
                      me: int | None = None) -> list[str] | None:
    """The week's ranking starting ``monday`` (``None`` when nobody answered that week)."""
    standings = await week_standings(repo, group, monday)
    if not standings:
        return None
    lines = [_standing_line(t, rank, s) for rank, s in enumerate(standings[:TOP], start=1)]
    mine = next((rank for rank, s in enumerate(standings, start=1) if s.learner_id == me), None)
    if mine is not None and mine > TOP:
        lines += ["…", _standing_line(t, mine, standings[mine - 1])]
    return lines


def streak_text(t: Say, group: StudyGroup, days: int) -> str:
    """"Group streak: 4 days (3+ members answering)"."""
    key = "leaderboard.streak" if days else "leaderboard.no_streak"
    return t(key, days=days, members=group.streak_members)


async def cmd_leaderboard(ctx: Context, args: str) -> list[Reply]:
    """This week's ranking in the server the command came from, and the group streak."""
    group, problem = await group_or_problem(ctx)
    if group is None:
        return problem
    t: Say = partial(ctx.texts, ctx.lang)
    today = ctx.now.astimezone(zone(group.timezone)).date()
    monday = week_start(today)
    lines = [t("leaderboard.title", start=monday.isoformat())]
    board = await board_lines(t, ctx.repo, group, monday, me=ctx.learner.id)
    lines += board if board is not None else [t("leaderboard.empty")]
    lines += ["", streak_text(t, group, await group_streak(ctx.repo, group, today)), t("leaderboard.points")]
    return [Reply("\n".join(lines), rows(Button(ctx.t("button.quiz"), "/quiz"),
                                         Button(ctx.t("button.next"), "/next")), card=True)]


async def weekly_post(gctx: GroupContext, period: str) -> list[Reply] | None:
    """Monday's post in the group's channel: the final ranking of the week before ``period``
    (an ISO week such as ``2026-W10``); nothing when nobody answered."""
    group = gctx.group
    t: Say = partial(gctx.texts, group.language)
    today = gctx.local_today()
    year, _, week = period.partition("-W")
    monday = date.fromisocalendar(int(year), int(week), 1) - timedelta(days=7)
    board = await board_lines(t, gctx.repo, group, monday)
    if board is None:
        return None
    lines = [t("leaderboard.weekly_title", start=monday.isoformat()), *board, "",
             streak_text(t, group, await group_streak(gctx.repo, group, today)), t("leaderboard.points")]
    return [Reply("\n".join(lines), rows(Button(t("button.leaderboard"), "/leaderboard")),
                  channel=group.channel_id, card=True)]
