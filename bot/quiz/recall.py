"""Estimated recall per skill (FSRS retrievability), for /stats and "what next?"."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.quiz.bank import QuestionBank
from bot.quiz.scheduling import retrievability
from bot.storage.tables import ReviewCard

log = logging.getLogger(__name__)

WEAK_RECALL = 0.8
MISSED_RATING = 1  # FSRS "Again": the learner did not know the answer


@dataclass(frozen=True)
class SkillRecall:
    """The estimated recall of a skill's reviewed questions.

    ``recall`` is FSRS's mean retrievability over every card, and it is high just after
    any review, a missed one too (the answer was just shown). ``recalled`` is the mean
    over the cards whose last answer was not missed (``None`` when every one was), and
    ``missed`` counts the cards whose last answer was: what a learner should be shown.
    """

    skill_id: str
    recall: float
    cards: int
    recalled: float | None = None
    missed: int = 0


def recall_by_skill(bank: QuestionBank, cards: Mapping[str, ReviewCard], now: datetime,
                    last_ratings: Mapping[str, int] | None = None) -> dict[str, SkillRecall]:
    """Recall per skill over the cards whose question is still in the bank.

    ``last_ratings`` (the rating of each question's latest answer) tells missed cards apart.
    """
    ratings = last_ratings or {}
    values: dict[str, list[tuple[float, bool]]] = {}
    for card in cards.values():
        question = bank.get(card.question_id)
        if question is not None:
            missed = ratings.get(card.question_id) == MISSED_RATING
            values.setdefault(question.skill, []).append((retrievability(card, now), missed))
    return {skill: _skill_recall(skill, v) for skill, v in values.items()}


def _skill_recall(skill: str, values: list[tuple[float, bool]]) -> SkillRecall:
    kept = [r for r, missed in values if not missed]
    return SkillRecall(skill, sum(r for r, _ in values) / len(values), len(values),
                       sum(kept) / len(kept) if kept else None, len(values) - len(kept))


def weakest_skill(recalls: Mapping[str, SkillRecall]) -> SkillRecall | None:
    """The skill with the lowest recall, if it is below ``WEAK_RECALL``."""
    weak = [r for r in recalls.values() if r.recall < WEAK_RECALL]
    return min(weak, key=lambda r: (r.recall, r.skill_id)) if weak else None


def next_review_due(bank: QuestionBank, cards: Mapping[str, ReviewCard]) -> datetime | None:
    """When the soonest review is due (``None`` without cards)."""
    return min((c.due for c in cards.values() if bank.get(c.question_id) is not None), default=None)


def due_count(bank: QuestionBank, cards: Mapping[str, ReviewCard], now: datetime) -> int:
    """How many reviews are due now."""
    return sum(1 for c in cards.values() if c.due <= now and bank.get(c.question_id) is not None)
