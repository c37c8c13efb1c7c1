"""Which question to ask next, and which five make a mock interview. Pure functions.

``/quiz`` serves due reviews first (oldest due first), then questions the
learner has never seen: from the skill "what next?" last recommended, then
from the current phase (skills being learned or done before the rest), then
from earlier phases. A topic narrows every step to its skills; with nothing
new or due in a topic, the card due soonest is practised early.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from bot.content.loader import KnowledgeBase
from bot.content.models import Question
from bot.quiz.bank import QuestionBank
from bot.roadmap.plan import current_phase
from bot.storage.repository import Progress
from bot.storage.tables import ReviewCard

PickKind = Literal["review", "new", "practice"]
_STATUS_ORDER = {"learning": 0, "done": 1, "not_started": 2, "skipped": 3}


@dataclass(frozen=True)
class Pick:
    """A question to ask and why: a due ``review``, a ``new`` one, or early ``practice``."""

    question: Question
    kind: PickKind


def _spread(learner_id: int, question_id: str) -> int:
    """A stable per-learner order, so study mates do not all get the same question."""
    return zlib.crc32(f"{learner_id}:{question_id}".encode())


def focus_skills(kb: KnowledgeBase, progress: Progress, current_skill: str | None) -> list[str]:
    """Skills to draw new questions from, most relevant first."""
    phase = current_phase(kb, progress) or len(kb.phases)
    ordered: list[str] = []
    if current_skill in kb.skills:
        ordered.append(current_skill)  # type: ignore[arg-type]
    here = sorted(kb.skills_in_phase(phase), key=lambda s: _STATUS_ORDER[progress.status(s.id)])
    ordered += [s.id for s in here if progress.status(s.id) != "skipped"]
    for number in range(phase - 1, 0, -1):
        ordered += [s.id for s in kb.skills_in_phase(number) if progress.status(s.id) != "skipped"]
    return list(dict.fromkeys(ordered))


class ScheduledCard(Protocol):
    """What choosing a question needs of a review card: its question and when it is due."""

    @property
    def question_id(self) -> str: ...

    @property
    def due(self) -> datetime: ...


def pick_question(
    bank: QuestionBank,
    progress: Progress,
    cards: Mapping[str, ReviewCard] | Mapping[str, ScheduledCard],
    *,
    now: datetime,
    learner_id: int,
    current_skill: str | None,
    topic: Collection[str] | None = None,
) -> Pick | None:
    """The next question for ``/quiz`` (``topic``: skill ids to stay within)."""

    def allowed(question: Question | None) -> bool:
        return question is not None and (topic is None or question.skill in topic)

    for card in sorted(cards.values(), key=lambda c: (c.due, c.question_id)):
        if card.due > now:
            break
        question = bank.get(card.question_id)
        if allowed(question):
            return Pick(question, "review")  # type: ignore[arg-type]
    skills = list(topic) if topic is not None else focus_skills(bank.kb, progress, current_skill)
    for skill in skills:
        fresh = [q for q in bank.for_skill(skill) if q.id not in cards]
        if fresh:
            return Pick(min(fresh, key=lambda q: _spread(learner_id, q.id)), "new")
    if topic is not None:
        for card in sorted(cards.values(), key=lambda c: (c.due, c.question_id)):
            question = bank.get(card.question_id)
            if allowed(question):
                return Pick(question, "practice")  # type: ignore[arg-type]
    return None


def interview_questions(
    bank: QuestionBank, progress: Progress, *, seed: str, count: int
) -> list[Question]:
    """``count`` questions from the phases reached so far, one per skill where possible, open first."""
    kb = bank.kb
    phase = current_phase(kb, progress) or len(kb.phases)
    rng = random.Random(seed)
    pools: list[list[Question]] = []
    for number in range(1, phase + 1):
        for skill in kb.skills_in_phase(number):
            if progress.status(skill.id) == "skipped":
                continue
            questions = list(bank.for_skill(skill.id))
            if questions:
                rng.shuffle(questions)
                questions.sort(key=lambda q: q.kind != "open")  # stable: open questions first
                pools.append(questions)
    rng.shuffle(pools)
    chosen: list[Question] = []
    while pools and len(chosen) < count:
        for pool in list(pools):
            if len(chosen) == count:
                break
            chosen.append(pool.pop(0))
            if not pool:
                pools.remove(pool)
    return chosen
