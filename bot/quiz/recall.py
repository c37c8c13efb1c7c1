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


@dataclass(frozen=True)
class SkillRecall:
    """The mean estimated recall of a skill's reviewed questions."""

    skill_id: str
    recall: float
    cards: int


def recall_by_skill(bank: QuestionBank, cards: Mapping[str, ReviewCard], now: datetime) -> dict[str, SkillRecall]:
    """Mean retrievability per skill over the cards whose question is still in the bank."""
    values: dict[str, list[float]] = {}
    for card in cards.values():
        question = bank.get(card.question_id)
        if question is not None:
            values.setdefault(question.skill, []).append(retrievability(card, now))
    return {skill: SkillRecall(skill, sum(v) / len(v), len(v)) for skill, v in values.items()}


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
