"""Queries for the quiz: review cards, answers, interviews, streak days and packs.

Like ``Repository``, one ``QuizStore`` works inside one transaction's session,
and the same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import NamedTuple

from sqlalchemy import BindParameter, bindparam, case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.tables import Interview, PackQuestion, QuizAnswer, ReviewCard, StreakDay

log = logging.getLogger(__name__)


class CardDue(NamedTuple):
    """A review card as choosing a question sees it: its question and when it is due."""

    question_id: str
    due: datetime


# What ``prime`` reads for a push batch, built once (an IN list of literal ids costs more to build than to run).
_IDS: BindParameter[int] = bindparam("ids", expanding=True)
CARDS_CHUNK = 25  # learners whose cards are read per query (reading 1,000 cards held the event loop ~8 ms)
_CARDS = select(ReviewCard.learner_id, ReviewCard.question_id, ReviewCard.due).where(ReviewCard.learner_id.in_(_IDS))
_OPEN_INTERVIEWS = (select(Interview).where(Interview.learner_id.in_(_IDS), Interview.finished_at.is_(None))
                    .order_by(Interview.id))
_LATEST_ASKINGS = (select(QuizAnswer.learner_id, func.max(QuizAnswer.asked_at))
                   .where(QuizAnswer.learner_id.in_(_IDS)).group_by(QuizAnswer.learner_id))


@dataclass(frozen=True)
class SkillTally:
    """How a learner did on one skill: answers given and how many were correct."""

    skill_id: str
    answers: int
    correct: int
    partial: int
    score: float = 0.0  # the sum of the answers' scores (0..1 each)


@dataclass(frozen=True)
class PackSummary:
    """A loaded question pack: its name, question count and when it was added."""

    name: str
    questions: int
    added_at: datetime


class QuizStore:
    """Quiz queries and writes for one transaction's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._primed_cards: dict[int, dict[str, CardDue]] = {}
        self._primed_interviews: dict[int, Interview | None] = {}
        self._primed_asked: dict[int, datetime | None] = {}  # a primed learner's latest answered asking

    async def prime(self, learner_ids: Iterable[int]) -> None:
        """Read many learners' cards, open interviews and latest askings in three queries (a push batch).

        Each learner's next ``due_dates`` and ``open_interview`` call returns what
        was read here, once; later calls read the database again.
        """
        ids = sorted(set(learner_ids))
        if not ids:
            return
        cards: dict[int, dict[str, CardDue]] = {i: {} for i in ids}
        for start in range(0, len(ids), CARDS_CHUNK):  # the event loop runs between chunks
            rows = await self.session.execute(_CARDS, {"ids": ids[start:start + CARDS_CHUNK]})
            for learner_id, question_id, due in rows:
                cards[learner_id][question_id] = CardDue(question_id, due)
        interviews: dict[int, Interview | None] = dict.fromkeys(ids)
        open_interviews = await self.session.execute(_OPEN_INTERVIEWS, {"ids": ids})
        for interview in open_interviews.scalars():
            interviews[interview.learner_id] = interview
        self._primed_cards.update(cards)
        self._primed_interviews.update(interviews)
        asked: dict[int, datetime | None] = dict.fromkeys(ids)
        latest = await self.session.execute(_LATEST_ASKINGS, {"ids": ids})
        asked.update({learner_id: at for learner_id, at in latest})
        self._primed_asked.update(asked)

    def asked_before(self, learner_id: int, moment: datetime) -> bool:
        """True when ``prime`` found that every answered asking of the learner is older than ``moment``
        (so nothing needs to be read to key a new asking at ``moment``)."""
        if learner_id not in self._primed_asked:
            return False
        latest = self._primed_asked[learner_id]
        return latest is None or _aware(latest) < moment

    # --- review cards ---------------------------------------------------------

    async def card(self, learner_id: int, question_id: str) -> ReviewCard | None:
        """The learner's card for one question, if they have seen it."""
        return await self.session.get(ReviewCard, (learner_id, question_id))

    async def due_dates(self, learner_id: int) -> dict[str, CardDue]:
        """When each of the learner's cards is due, by question id (read by ``prime`` for a push batch)."""
        if learner_id in self._primed_cards:
            return self._primed_cards.pop(learner_id)
        rows = await self.session.execute(select(ReviewCard.question_id, ReviewCard.due)
                                          .where(ReviewCard.learner_id == learner_id))
        return {question_id: CardDue(question_id, due) for question_id, due in rows}

    async def cards(self, learner_id: int) -> dict[str, ReviewCard]:
        """Every card of the learner, by question id."""
        rows = await self.session.execute(select(ReviewCard).where(ReviewCard.learner_id == learner_id))
        return {card.question_id: card for card in rows.scalars()}

    async def save_card(self, card: ReviewCard) -> None:
        """Insert or update a card."""
        self.session.add(card)
        await self.session.flush()

    # --- answers --------------------------------------------------------------

    async def add_answer(self, answer: QuizAnswer) -> None:
        """Store one graded answer (IntegrityError if the same asking was answered)."""
        self.session.add(answer)
        await self.session.flush()

    async def last_ratings(self, learner_id: int) -> dict[str, int]:
        """The FSRS rating of the learner's latest answer to each question, by question id."""
        stmt = (
            select(QuizAnswer.question_id, QuizAnswer.rating)
            .where(QuizAnswer.learner_id == learner_id)
            .order_by(QuizAnswer.answered_at, QuizAnswer.id)
        )
        return {question_id: rating for question_id, rating in await self.session.execute(stmt)}

    async def latest_asking(self, learner_id: int, question_id: str) -> datetime | None:
        """When the learner's latest answered asking of a question was asked (``None``: never answered)."""
        stmt = (
            select(QuizAnswer.asked_at)
            .where(QuizAnswer.learner_id == learner_id, QuizAnswer.question_id == question_id)
            .order_by(QuizAnswer.asked_at.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def last_answer(self, learner_id: int, question_id: str) -> QuizAnswer | None:
        """The learner's most recent answer to a question."""
        stmt = (
            select(QuizAnswer)
            .where(QuizAnswer.learner_id == learner_id, QuizAnswer.question_id == question_id)
            .order_by(QuizAnswer.answered_at.desc(), QuizAnswer.id.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def disputes(self, pack: str | None = None, limit: int = 1000) -> list[tuple[QuizAnswer, str | None]]:
        """Disputed answers, newest first, each with the pack of its question (``None``: built-in)."""
        stmt = (
            select(QuizAnswer, PackQuestion.pack)
            .outerjoin(PackQuestion, PackQuestion.question_id == QuizAnswer.question_id)
            .where(QuizAnswer.disputed_at.is_not(None))
            .order_by(QuizAnswer.disputed_at.desc(), QuizAnswer.id.desc())
            .limit(limit)
        )
        if pack is not None:
            stmt = stmt.where(PackQuestion.pack == pack)
        return [(row[0], row[1]) for row in (await self.session.execute(stmt)).all()]

    async def tallies(self, learner_id: int) -> list[SkillTally]:
        """Answers, correct and partly correct answers, and the sum of scores per skill."""
        stmt = (
            select(
                QuizAnswer.skill_id,
                func.count(),
                func.sum(case((QuizAnswer.verdict == "correct", 1), else_=0)),
                func.sum(case((QuizAnswer.verdict == "partial", 1), else_=0)),
                func.sum(QuizAnswer.score),
            )
            .where(QuizAnswer.learner_id == learner_id)
            .group_by(QuizAnswer.skill_id)
        )
        return [
            SkillTally(skill, int(total), int(correct or 0), int(partial or 0), float(score or 0))
            for skill, total, correct, partial, score in await self.session.execute(stmt)
        ]

    async def answer_log(self, learner_id: int, since: datetime) -> list[tuple[datetime, str, float]]:
        """When each answer since ``since`` was given, its verdict and score, oldest first (the dashboard's
        heatmap and accuracy chart; three small columns, so a year of heavy use stays cheap)."""
        stmt = (
            select(QuizAnswer.answered_at, QuizAnswer.verdict, QuizAnswer.score)
            .where(QuizAnswer.learner_id == learner_id, QuizAnswer.answered_at >= since)
            .order_by(QuizAnswer.answered_at)
        )
        return [(at, verdict, float(score)) for at, verdict, score in await self.session.execute(stmt)]

    # --- interviews -----------------------------------------------------------

    async def open_interview(self, learner_id: int) -> Interview | None:
        """The learner's unfinished mock interview, if any."""
        if learner_id in self._primed_interviews:
            return self._primed_interviews.pop(learner_id)
        stmt = (
            select(Interview)
            .where(Interview.learner_id == learner_id, Interview.finished_at.is_(None))
            .order_by(Interview.id.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def start_interview(self, learner_id: int, question_ids: list[str], now: datetime) -> Interview:
        """Start a mock interview with these questions."""
        interview = Interview(
            learner_id=learner_id, question_ids=",".join(question_ids), position=0, started_at=now
        )
        self.session.add(interview)
        await self.session.flush()
        return interview

    async def interview_answers(self, interview_id: int) -> list[QuizAnswer]:
        """The answers given in one interview, in order."""
        stmt = select(QuizAnswer).where(QuizAnswer.interview_id == interview_id).order_by(QuizAnswer.id)
        return list((await self.session.execute(stmt)).scalars())

    # --- streak days ----------------------------------------------------------

    async def streak_days(self, learner_id: int, since: date) -> dict[date, str]:
        """Active and frozen streak days from ``since`` on."""
        stmt = select(StreakDay).where(StreakDay.learner_id == learner_id, StreakDay.day >= since)
        return {row.day: row.kind for row in (await self.session.execute(stmt)).scalars()}

    async def add_streak_days(self, learner_id: int, days: dict[date, str]) -> None:
        """Record streak days (a day already stored keeps its first kind)."""
        for day, kind in days.items():
            if await self.session.get(StreakDay, (learner_id, day)) is None:
                self.session.add(StreakDay(learner_id=learner_id, day=day, kind=kind))
        await self.session.flush()

    # --- question packs -------------------------------------------------------

    async def pack_stamp(self) -> tuple[int, datetime | None]:
        """A cheap fingerprint of the loaded packs: question count and latest change."""
        count, latest = (
            await self.session.execute(select(func.count(), func.max(PackQuestion.added_at)))
        ).one()
        return int(count), latest

    async def pack_rows(self) -> list[PackQuestion]:
        """Every pack question row."""
        return list((await self.session.execute(select(PackQuestion))).scalars())

    async def packs(self) -> list[PackSummary]:
        """The loaded packs with their sizes."""
        stmt = (
            select(PackQuestion.pack, func.count(), func.max(PackQuestion.added_at))
            .group_by(PackQuestion.pack)
            .order_by(PackQuestion.pack)
        )
        return [PackSummary(name, int(count), added) for name, count, added in await self.session.execute(stmt)]

    async def pack_owners(self, question_ids: Iterable[str]) -> dict[str, str]:
        """Which pack already holds each of these question ids."""
        ids = list(question_ids)
        if not ids:
            return {}
        stmt = select(PackQuestion.question_id, PackQuestion.pack).where(PackQuestion.question_id.in_(ids))
        return {qid: pack for qid, pack in await self.session.execute(stmt)}

    async def replace_pack(self, name: str, rows: list[PackQuestion]) -> int:
        """Replace every question of pack ``name`` with ``rows``; returns how many were removed."""
        removed = await self.remove_pack(name)
        self.session.add_all(rows)
        await self.session.flush()
        return removed

    async def remove_pack(self, name: str) -> int:
        """Remove a pack's questions (learners' cards stay, unused); returns how many."""
        result = await self.session.execute(delete(PackQuestion).where(PackQuestion.pack == name))
        await self.session.flush()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # --- account --------------------------------------------------------------

    async def delete_learner_rows(self, learner_id: int) -> None:
        """Delete the learner's quiz rows (answers before interviews: they refer to them)."""
        for table in (QuizAnswer, Interview, ReviewCard, StreakDay):
            await self.session.execute(delete(table).where(table.learner_id == learner_id))


def _aware(moment: datetime) -> datetime:
    """A naive time from an aggregate (SQLite gives MAX() back as stored, without the UTC type) as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
