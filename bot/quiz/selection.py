"""Which question to ask next, and which five make a mock interview. Pure functions.

``/quiz`` serves due reviews first (oldest due first), then questions the
learner has never seen: from the skill "what next?" last recommended, then
from the current phase (skills being learned or done before the rest), then
from earlier phases. A topic narrows every step to its skills; with nothing
new or due in a topic, the card due soonest is practised early.

Questions about one language's ecosystem (``Question.track``) go only to
learners of that track, next to the general bank; ``/quiz python`` narrows
to one track's questions. A mock interview past week 4 holds at least one
question of the learner's track.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.content.loader import KnowledgeBase
from bot.content.models import Question
from bot.quiz.bank import QuestionBank, fits_track
from bot.roadmap.plan import current_phase
from bot.storage.repository import Progress
from bot.storage.tables import ReviewCard

PickKind = Literal["review", "new", "practice"]
_STATUS_ORDER = {"learning": 0, "done": 1, "not_started": 2, "skipped": 3}
TRACK_QUESTION_FROM_WEEK = 5  # a mock interview holds a track question once week 4 is behind


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


def pick_question(
    bank: QuestionBank,
    progress: Progress,
    cards: Mapping[str, ReviewCard],
    *,
    now: datetime,
    learner_id: int,
    current_skill: str | None,
    topic: Collection[str] | None = None,
    track: str | None = None,
    track_only: bool = False,
) -> Pick | None:
    """The next question for ``/quiz``.

    ``topic``: skill ids to stay within; ``track``: the learner's track (general questions
    and that track's are asked); ``track_only``: only questions of ``track`` (``/quiz go``).
    """

    def allowed(question: Question | None) -> bool:
        return (question is not None and fits_track(question, track)
                and (topic is None or question.skill in topic)
                and (not track_only or question.track == track))

    for card in sorted(cards.values(), key=lambda c: (c.due, c.question_id)):
        if card.due > now:
            break
        question = bank.get(card.question_id)
        if allowed(question):
            return Pick(question, "review")  # type: ignore[arg-type]
    skills = list(topic) if topic is not None else focus_skills(bank.kb, progress, current_skill)
    if track_only and topic is None:
        skills += [s for s in bank.kb.skills if s not in skills]  # later phases too
    for skill in skills:
        fresh = [q for q in bank.for_skill(skill, track) if q.id not in cards and allowed(q)]
        if fresh:
            return Pick(min(fresh, key=lambda q: _spread(learner_id, q.id)), "new")
    if topic is not None or track_only:
        for card in sorted(cards.values(), key=lambda c: (c.due, c.question_id)):
            question = bank.get(card.question_id)
            if allowed(question):
                return Pick(question, "practice")  # type: ignore[arg-type]
    return None


def interview_questions(
    bank: QuestionBank, progress: Progress, *, seed: str, count: int,
    track: str | None = None, week: int = 1,
) -> list[Question]:
    """``count`` questions from the phases reached so far, one per skill where possible, open first.

    Past week 4, a learner with a track gets at least one question about their track's ecosystem.
    """
    kb = bank.kb
    phase = current_phase(kb, progress) or len(kb.phases)
    rng = random.Random(seed)
    pools: list[list[Question]] = []
    reached: list[str] = []
    for number in range(1, phase + 1):
        for skill in kb.skills_in_phase(number):
            if progress.status(skill.id) == "skipped":
                continue
            reached.append(skill.id)
            questions = list(bank.for_skill(skill.id, track))
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
    if track is not None and week >= TRACK_QUESTION_FROM_WEEK and chosen and all(q.track is None for q in chosen):
        own = [q for q in bank.of_track(track) if q.skill in reached] or bank.of_track(track)
        if own:
            chosen[-1] = rng.choice(sorted(own, key=lambda q: (q.kind != "open", q.id))[:8])
    return chosen
