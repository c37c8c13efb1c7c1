"""Queries for study groups: their settings, group quizzes, members' answers and the leaderboard.

Like ``Repository``, one ``GroupStore`` works inside one transaction's session,
and the same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.tables import GroupAnswer, GroupMember, GroupQuiz, StudyGroup

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Standing:
    """One member's line on a leaderboard."""

    learner_id: int
    name: str
    points: int
    answers: int
    correct: int


class GroupStore:
    """Study-group queries and writes for one transaction's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- groups -----------------------------------------------------------------

    async def find(self, platform: str, external_id: str) -> StudyGroup | None:
        """The group of a platform's server or chat, if it was ever set up."""
        stmt = select(StudyGroup).where(StudyGroup.platform == platform, StudyGroup.external_id == external_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_id(self, ids: Iterable[int]) -> dict[int, StudyGroup]:
        """Groups by id (missing ids are simply absent)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = await self.session.execute(select(StudyGroup).where(StudyGroup.id.in_(wanted)))
        return {group.id: group for group in rows.scalars()}

    async def memberships(self, learner_id: int) -> list[tuple[StudyGroup, str]]:
        """The groups a learner was seen in, with the name each knows them by (oldest group first)."""
        stmt = (
            select(StudyGroup, GroupMember.display_name)
            .join(GroupMember, GroupMember.group_id == StudyGroup.id)
            .where(GroupMember.learner_id == learner_id)
            .order_by(StudyGroup.id)
        )
        return [(group, name) for group, name in await self.session.execute(stmt)]

    async def add(self, group: StudyGroup) -> None:
        """Store a new group (IntegrityError if another process just did)."""
        self.session.add(group)
        await self.session.flush()

    async def mark_channel_problem(self, group_id: int, *, now: datetime) -> None:
        """Posting in the group's channel failed for good: stop posting until /setup runs again."""
        await self.session.execute(
            update(StudyGroup).where(StudyGroup.id == group_id, StudyGroup.channel_problem_since.is_(None))
            .values(channel_problem_since=now)
        )

    # --- group quizzes ------------------------------------------------------------

    async def quiz(self, quiz_id: int) -> GroupQuiz | None:
        """A group quiz by id."""
        return await self.session.get(GroupQuiz, quiz_id)

    async def quiz_in_slot(self, group_id: int, slot: str) -> GroupQuiz | None:
        """The quiz already posted (or composed) for a slot, such as ``daily:2026-03-02``."""
        stmt = select(GroupQuiz).where(GroupQuiz.group_id == group_id, GroupQuiz.slot == slot)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def add_quiz(self, quiz: GroupQuiz) -> None:
        """Store a new group quiz."""
        self.session.add(quiz)
        await self.session.flush()

    async def last_posted(self, group_id: int) -> dict[str, datetime]:
        """When each question was last posted in the group."""
        stmt = (select(GroupQuiz.question_id, func.max(GroupQuiz.posted_at))
                .where(GroupQuiz.group_id == group_id).group_by(GroupQuiz.question_id))
        return {question: posted for question, posted in await self.session.execute(stmt)}

    async def set_message(self, quiz_id: int, channel_id: str, message_id: str) -> None:
        """Remember the channel message a group quiz was posted as."""
        await self.session.execute(update(GroupQuiz).where(GroupQuiz.id == quiz_id)
                                   .values(channel_id=channel_id, message_id=message_id))

    async def to_close(self, now: datetime, limit: int) -> list[GroupQuiz]:
        """Posted group quizzes whose time is up and whose post was not closed yet, oldest first."""
        stmt = (select(GroupQuiz)
                .where(GroupQuiz.closes_at <= now, GroupQuiz.closed_at.is_(None), GroupQuiz.message_id.is_not(None))
                .order_by(GroupQuiz.closes_at).limit(limit))
        return list((await self.session.execute(stmt)).scalars())

    async def claim_close(self, quiz_id: int, *, now: datetime) -> bool:
        """Mark a quiz's post closed; True only for the one caller (of any process) that did it."""
        result = await self.session.execute(
            update(GroupQuiz).where(GroupQuiz.id == quiz_id, GroupQuiz.closed_at.is_(None)).values(closed_at=now))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def reopen_close(self, quiz_id: int) -> None:
        """The closing edit did not get through: the next pass tries again."""
        await self.session.execute(update(GroupQuiz).where(GroupQuiz.id == quiz_id).values(closed_at=None))

    async def results(self, quiz_id: int) -> list[tuple[str, str]]:
        """Who answered a group quiz (the name the group knows them by) and their verdict, in order of answering."""
        stmt = (select(func.coalesce(GroupMember.display_name, ""), GroupAnswer.verdict)
                .join(GroupMember, (GroupMember.group_id == GroupAnswer.group_id)
                      & (GroupMember.learner_id == GroupAnswer.learner_id), isouter=True)
                .where(GroupAnswer.quiz_id == quiz_id)
                .order_by(GroupAnswer.answered_at, GroupAnswer.learner_id))
        return [(name, verdict) for name, verdict in await self.session.execute(stmt)]

    # --- answers and members ----------------------------------------------------------

    async def answer(self, quiz_id: int, learner_id: int) -> GroupAnswer | None:
        """A member's answer to a group quiz, if they gave one."""
        return await self.session.get(GroupAnswer, (quiz_id, learner_id))

    async def add_answer(self, answer: GroupAnswer) -> None:
        """Store a member's answer (IntegrityError if they answered already)."""
        self.session.add(answer)
        await self.session.flush()

    async def answer_count(self, quiz_id: int) -> int:
        """How many members answered a group quiz."""
        stmt = select(func.count()).select_from(GroupAnswer).where(GroupAnswer.quiz_id == quiz_id)
        return int((await self.session.execute(stmt)).scalar_one())

    async def touch_member(self, group_id: int, learner_id: int, name: str, *, now: datetime) -> None:
        """Remember a member and the name the group knows them by."""
        member = await self.session.get(GroupMember, (group_id, learner_id))
        if member is None:
            self.session.add(GroupMember(group_id=group_id, learner_id=learner_id, display_name=name, last_seen=now))
        else:
            member.display_name, member.last_seen = name, now
        await self.session.flush()

    async def standings(self, group_id: int, start: datetime, end: datetime) -> list[Standing]:
        """Every member who answered between ``start`` and ``end``, best first.

        Points decide; more correct answers, then the earlier first answer, break ties.
        """
        correct = func.sum(case((GroupAnswer.verdict == "correct", 1), else_=0))
        stmt = (
            select(GroupAnswer.learner_id, func.coalesce(GroupMember.display_name, ""),
                   func.sum(GroupAnswer.points), func.count(), correct)
            .join(GroupMember, (GroupMember.group_id == GroupAnswer.group_id)
                  & (GroupMember.learner_id == GroupAnswer.learner_id), isouter=True)
            .where(GroupAnswer.group_id == group_id, GroupAnswer.answered_at >= start, GroupAnswer.answered_at < end)
            .group_by(GroupAnswer.learner_id, GroupMember.display_name)
            .order_by(func.sum(GroupAnswer.points).desc(), correct.desc(), func.min(GroupAnswer.answered_at))
        )
        return [Standing(learner, name, int(points or 0), int(count), int(right or 0))
                for learner, name, points, count, right in await self.session.execute(stmt)]

    async def answering_members(self, group_id: int, since: date) -> dict[date, int]:
        """For each day (the group's local date of posting) since ``since``: members who answered."""
        stmt = (
            select(GroupQuiz.day, func.count(func.distinct(GroupAnswer.learner_id)))
            .join(GroupAnswer, GroupAnswer.quiz_id == GroupQuiz.id)
            .where(GroupQuiz.group_id == group_id, GroupQuiz.day >= since)
            .group_by(GroupQuiz.day)
        )
        return {day: int(count) for day, count in await self.session.execute(stmt)}

    async def delete_learner_rows(self, learner_id: int) -> None:
        """Forget a learner's group answers and memberships (a learner deleting their data)."""
        for table in (GroupAnswer, GroupMember):
            await self.session.execute(delete(table).where(table.learner_id == learner_id))
