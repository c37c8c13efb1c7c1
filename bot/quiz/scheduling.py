"""FSRS spaced repetition (the ``fsrs`` package) over Jalur's review cards.

Reviews are scheduled in whole days: a chat quiz is answered once or twice a
day, so the short learning steps of flashcard apps (1 and 10 minutes) are
off, and so is interval fuzzing, which keeps schedules reproducible.

A verdict maps to a rating (correct: Good, partial: Hard, incorrect: Again);
after an open question the learner may replace it with their own rating.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler, State

from bot.storage.tables import ReviewCard

log = logging.getLogger(__name__)

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)

RATING_FOR_VERDICT = {"correct": Rating.Good, "partial": Rating.Hard, "incorrect": Rating.Again}
RATINGS = {1: Rating.Again, 2: Rating.Hard, 3: Rating.Good, 4: Rating.Easy}


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def to_card(row: ReviewCard | None, now: datetime) -> Card:
    """The fsrs card for a stored row (a new card when there is none)."""
    if row is None:
        return Card(card_id=0, due=_utc(now))
    return Card(
        card_id=0,
        state=State(row.state),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=_utc(row.due),
        last_review=_utc(row.last_review) if row.last_review else None,
    )


def card_json(card: Card) -> str:
    """A card as JSON (kept with an answer so a self-rating can redo the review)."""
    return card.to_json()


def card_from_json(text: str) -> Card:
    """The inverse of ``card_json``."""
    return Card.from_json(text)


def review(card: Card, rating: Rating, now: datetime) -> Card:
    """The card after a review with ``rating`` at ``now``."""
    reviewed, _ = SCHEDULER.review_card(card, rating, review_datetime=_utc(now))
    return reviewed


def store(card: Card, row: ReviewCard) -> None:
    """Copy a card's memory state into its row."""
    row.state = int(card.state)
    row.step = card.step
    row.stability = card.stability
    row.difficulty = card.difficulty
    row.due = card.due
    row.last_review = card.last_review


def retrievability(row: ReviewCard, now: datetime) -> float:
    """The estimated chance (0..1) that the learner recalls the answer at ``now``."""
    return float(SCHEDULER.get_card_retrievability(to_card(row, now), current_datetime=_utc(now)))

