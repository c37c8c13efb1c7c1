"""Where an answer is graded and scheduled: "I don't know", a choice or free text becomes a
``Grade`` (``bot.quiz.grader``), is stored, and moves the question's FSRS card on
(``bot.quiz.scheduling``). The conversations around it live in ``bot/features/``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.content.models import Question
from bot.intents import normalize
from bot.metrics import QUIZ_ANSWERS
from bot.quiz.grader import Grade, choice_index, grade, grade_choice
from bot.quiz.scheduling import RATING_FOR_VERDICT, card_json, review, store, to_card
from bot.storage.repository import Repository
from bot.storage.tables import Learner, QuizAnswer, ReviewCard

log = logging.getLogger(__name__)

DONT_KNOW = "?"  # what the "I don't know" button answers
DONT_KNOW_WORDS = frozenset({
    "?", "idk", "i dont know", "i don t know", "dont know", "no idea", "pass",
    "tidak tahu", "tidak tau", "gak tahu", "gak tau", "nggak tahu", "nggak tau", "ga tau", "gatau",
    "ngga tau", "belum tahu", "entah", "lewat",
})
SAME_INSTANT = timedelta(microseconds=1)  # apart two askings of one question at one fixed time
MAX_KEPT_ANSWER = 5000  # characters of an open answer kept for disputes
LONG_ANSWER_CHARS = 1000  # longer answers are graded in a worker thread


async def asking_time(repo: Repository, learner: Learner, question: Question, now: datetime) -> datetime:
    """When an asking of ``question`` made ``now`` is keyed: ``now``, or a microsecond after an
    answered asking at the same instant (a fixed clock, as in ``jalur chat --now``), so asking
    again is a new asking while answering one asking twice stays "already answered"."""
    if repo.quiz.asked_before(learner.id, now):  # a push batch read this for every learner at once
        return now
    latest = await repo.quiz.latest_asking(learner.id, question.id)
    if latest is not None and latest >= now:
        return latest + SAME_INSTANT
    return now


async def record_review(repo: Repository, learner: Learner, question: Question, result: Grade, *, now: datetime,
                        asked_at: datetime, interview_id: int | None = None,
                        answer_text: str | None = None) -> ReviewCard:
    """Store a graded answer and move the question's FSRS card on; the card after the review.

    The answer is keyed by ``asked_at``: the same asking answered twice raises IntegrityError.
    ``asked_at`` comes from ``asking_time`` when the question was asked.
    """
    quiz = repo.quiz
    row = await quiz.card(learner.id, question.id)
    before = to_card(row, now)
    after = review(before, RATING_FOR_VERDICT[result.verdict], now)
    if row is None:
        row = ReviewCard(learner_id=learner.id, question_id=question.id, reviews=0)
    row.skill_id = question.skill
    store(after, row)
    row.reviews += 1
    await quiz.save_card(row)
    await quiz.add_answer(QuizAnswer(
        learner_id=learner.id, question_id=question.id, skill_id=question.skill, asked_at=asked_at,
        answered_at=now, verdict=result.verdict, score=result.score,
        rating=int(RATING_FOR_VERDICT[result.verdict]), self_rated=False, card_before=card_json(before),
        interview_id=interview_id,
        answer_text=answer_text[:MAX_KEPT_ANSWER] if question.kind == "open" and answer_text else None,
        concepts_hit=",".join(result.hit) if question.kind == "open" else None,
    ))
    QUIZ_ANSWERS.labels(result.verdict).inc()
    return row


async def grade_off_loop(question: Question, text: str) -> Grade | None:
    """``grade_text``, in a worker thread for a long answer so other learners' messages keep flowing."""
    if len(text) > LONG_ANSWER_CHARS:
        return await asyncio.to_thread(grade_text, question, text)
    return grade_text(question, text)


def grade_text(question: Question, text: str) -> Grade | None:
    """Grade an answer ("I don't know" included); ``None`` for a choice that names no option."""
    if text == DONT_KNOW or normalize(text) in DONT_KNOW_WORDS:
        missed = tuple(c.id for c in question.rubric) or ("answer",)
        return Grade("incorrect", 0.0, (), missed)
    if question.kind == "choice":
        if choice_index(question, text) is None:
            return None
        return grade_choice(question, text)
    return grade(question, text)
