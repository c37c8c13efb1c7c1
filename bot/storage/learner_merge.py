"""Joining two learners into one (``/link``): every row of one moves to the other, nothing twice.

- Platform accounts, answers, interviews, group answers and the push ledger
  move over; an answer both have (the same asking) is kept once.
- A skill keeps the furthest status (done > learning > skipped > not
  started); ticked project items and finished phases are the union.
- A question both have seen keeps the card reviewed last, with both
  review counts added up.
- Streak days are the union (an active day beats a frozen one); the caller
  replays the streak over them (``bot.streaks.record.replay_merged``).
- Settings (language, track, timezone, reminders) are the kept learner's.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.push_store import LEARNER_KINDS
from bot.storage.tables import (
    SKILL_STATUSES,
    GroupAnswer,
    GroupMember,
    Identity,
    Interview,
    Learner,
    LinkCode,
    PhaseCompletion,
    ProjectItem,
    PushDelivery,
    PushSchedule,
    QuizAnswer,
    ReviewCard,
    SkillProgress,
    StreakDay,
)

log = logging.getLogger(__name__)

EARLIEST = datetime.min.replace(tzinfo=UTC)


async def merge_learners(session: AsyncSession, keep: Learner, drop: Learner, *, now: datetime) -> None:
    """Move everything of ``drop`` to ``keep`` and delete ``drop`` (inside the caller's transaction).

    The streak days are joined here; the caller replays the streak over them (a rule, not SQL).
    """
    k, d = keep.id, drop.id
    await session.execute(update(Identity).where(Identity.learner_id == d).values(learner_id=k))
    await _skills(session, k, d)
    await _union(session, ProjectItem, ("phase", "item_id"), "checked_at", k, d)
    await _union(session, PhaseCompletion, ("phase",), "completed_at", k, d)
    await _cards(session, k, d)
    await _answers(session, k, d, now)
    await _group_rows(session, k, d)
    await _streak_days(session, k, d)
    await session.execute(delete(LinkCode).where(LinkCode.learner_id.in_([k, d])))
    await _pushes(session, k, d)
    if keep.current_skill is None:
        keep.current_skill = drop.current_skill
    if keep.plan_start is None:
        keep.plan_start = drop.plan_start
    keep.link_failures, keep.link_failed_at = 0, None
    await session.execute(delete(Learner).where(Learner.id == d))
    session.expunge(drop)
    await session.flush()
    log.info("learner %s merged into learner %s", d, k)


async def _rows(session: AsyncSession, table: Any, learner_id: int) -> list[Any]:
    """Every row of ``table`` that belongs to the learner."""
    return list((await session.execute(select(table).where(table.learner_id == learner_id))).scalars())


async def _skills(session: AsyncSession, k: int, d: int) -> None:
    kept = {row.skill_id: row for row in await _rows(session, SkillProgress, k)}
    for row in await _rows(session, SkillProgress, d):
        mine = kept.get(row.skill_id)
        if mine is None:
            session.add(SkillProgress(learner_id=k, skill_id=row.skill_id, status=row.status, source=row.source,
                                      updated_at=row.updated_at))
        elif SKILL_STATUSES.index(row.status) > SKILL_STATUSES.index(mine.status):
            mine.status, mine.source, mine.updated_at = row.status, row.source, row.updated_at
    await session.execute(delete(SkillProgress).where(SkillProgress.learner_id == d))


async def _union(session: AsyncSession, table: Any, key: tuple[str, ...], stamp: str, k: int, d: int) -> None:
    """Rows keyed by ``key`` that only ``d`` has move to ``k`` (a row both have keeps the earlier stamp)."""
    kept = {tuple(getattr(r, c) for c in key): r for r in await _rows(session, table, k)}
    for row in await _rows(session, table, d):
        mine = kept.get(tuple(getattr(row, c) for c in key))
        if mine is None:
            session.add(table(learner_id=k, **{c: getattr(row, c) for c in (*key, stamp)}))
        elif getattr(row, stamp) < getattr(mine, stamp):
            setattr(mine, stamp, getattr(row, stamp))
    await session.execute(delete(table).where(table.learner_id == d))


async def _cards(session: AsyncSession, k: int, d: int) -> None:
    kept = {card.question_id: card for card in await _rows(session, ReviewCard, k)}
    columns = ("skill_id", "state", "step", "stability", "difficulty", "due", "last_review")
    for card in await _rows(session, ReviewCard, d):
        mine = kept.get(card.question_id)
        if mine is None:
            session.add(ReviewCard(learner_id=k, question_id=card.question_id, reviews=card.reviews,
                                   **{c: getattr(card, c) for c in columns}))
            continue
        if (card.last_review or EARLIEST) > (mine.last_review or EARLIEST):
            for column in columns:
                setattr(mine, column, getattr(card, column))
        mine.reviews += card.reviews
    await session.execute(delete(ReviewCard).where(ReviewCard.learner_id == d))


async def _answers(session: AsyncSession, k: int, d: int, now: datetime) -> None:
    open_kept = (await session.execute(
        select(Interview.id).where(Interview.learner_id == k, Interview.finished_at.is_(None)))).first()
    if open_kept is not None:
        await session.execute(update(Interview).where(Interview.learner_id == d, Interview.finished_at.is_(None))
                              .values(finished_at=now))
    await session.execute(update(Interview).where(Interview.learner_id == d).values(learner_id=k))
    kept = {(a.question_id, a.asked_at) for a in await _rows(session, QuizAnswer, k)}
    twice = [a.id for a in await _rows(session, QuizAnswer, d) if (a.question_id, a.asked_at) in kept]
    if twice:
        await session.execute(delete(QuizAnswer).where(QuizAnswer.id.in_(twice)))
    await session.execute(update(QuizAnswer).where(QuizAnswer.learner_id == d).values(learner_id=k))


async def _group_rows(session: AsyncSession, k: int, d: int) -> None:
    answered = {a.quiz_id for a in await _rows(session, GroupAnswer, k)}
    await session.execute(delete(GroupAnswer).where(GroupAnswer.learner_id == d, GroupAnswer.quiz_id.in_(answered)))
    await session.execute(update(GroupAnswer).where(GroupAnswer.learner_id == d).values(learner_id=k))
    groups = {m.group_id for m in await _rows(session, GroupMember, k)}
    await session.execute(delete(GroupMember).where(GroupMember.learner_id == d, GroupMember.group_id.in_(groups)))
    await session.execute(update(GroupMember).where(GroupMember.learner_id == d).values(learner_id=k))


async def _streak_days(session: AsyncSession, k: int, d: int) -> None:
    """The union of both learners' streak days, on ``k`` (an active day beats a frozen one)."""
    days: dict[date, str] = {}
    for row in [*await _rows(session, StreakDay, k), *await _rows(session, StreakDay, d)]:
        if days.get(row.day) != "active":
            days[row.day] = row.kind
        session.expunge(row)  # the rows are written anew below
    await session.execute(delete(StreakDay).where(StreakDay.learner_id.in_([k, d])))
    if days:
        await session.execute(insert(StreakDay), [{"learner_id": k, "day": day, "kind": kind}
                                                  for day, kind in sorted(days.items())])


async def _pushes(session: AsyncSession, k: int, d: int) -> None:
    """Drop the merged learner's schedule; its ledger rows move over, so nothing is sent twice."""
    kinds = list(LEARNER_KINDS)
    await session.execute(delete(PushSchedule).where(PushSchedule.kind.in_(kinds), PushSchedule.subject == str(d)))
    kept = {(row.kind, row.period) for row in (await session.execute(
        select(PushDelivery).where(PushDelivery.kind.in_(kinds), PushDelivery.subject == str(k)))).scalars()}
    for row in (await session.execute(
            select(PushDelivery).where(PushDelivery.kind.in_(kinds), PushDelivery.subject == str(d)))).scalars():
        if (row.kind, row.period) in kept:
            await session.delete(row)
        else:
            row.subject = str(k)
