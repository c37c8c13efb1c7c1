"""Learners with a known history for the dashboard tests: answers on known days through the engine,
and a heavy learner with 10,000 answers written straight into the tables."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chat import START, Chat

from bot.engine import Engine
from bot.quiz.answers import DONT_KNOW
from bot.storage.tables import Learner, QuizAnswer, ReviewCard, StreakDay

# Thursday 5 March 2026, 20:00 in Jakarta: the moment the known history is looked at.
LOOK_AT = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)
# Answers per streak day of the known history: Monday 3, Tuesday 2, Wednesday none, Thursday 1.
KNOWN_COUNTS = {"2026-03-02": 3, "2026-03-03": 2, "2026-03-04": 0, "2026-03-05": 1}


@dataclass
class Known:
    """A learner with the known history, and what it is made of."""

    chat: Chat
    done_skill: str
    first_skill: str  # three questions answered right on Monday, one of them again on Thursday
    second_skill: str  # one right and one "I don't know" on Tuesday


def _choice_questions(engine: Engine, skill: str) -> list[str]:
    return sorted(q.id for q in engine.bank.questions.values() if q.skill == skill and q.kind == "choice")


async def _answer(chat: Chat, question_id: str, *, right: bool) -> None:
    await chat.say(f"/quiz {question_id}")
    asked = next(r for r in chat.replies if r.expects is not None)
    assert asked.expects is not None and asked.expects.question == question_id, chat.text
    question = chat.engine.bank.get(question_id)
    assert question is not None and question.answer is not None
    await chat.send_payload(asked.expects.payload(str(question.answer + 1) if right else DONT_KNOW))


async def known_history(engine: Engine, *, user: str = "ani", lang: str = "en", platform: str = "test") -> Known:
    """Onboard on Monday 2 March 2026 (Jakarta), answer on Monday, Tuesday and Thursday, mark a skill done."""
    chat = Chat(engine, user, platform=platform, now=START)
    await chat.onboard(lang=lang)
    phase_one = [s.id for s in engine.kb.skills_in_phase(1, core=True)]
    first, second = [s for s in phase_one[1:] if len(_choice_questions(engine, s)) >= 3][:2]
    a, b = _choice_questions(engine, first), _choice_questions(engine, second)
    for question in a[:3]:
        await _answer(chat, question, right=True)
    await chat.say(f"/done {phase_one[0]}")
    chat.wait(days=1)
    await _answer(chat, b[0], right=True)
    await _answer(chat, b[1], right=False)
    chat.wait(days=2)
    await _answer(chat, a[0], right=True)
    chat.now = LOOK_AT
    return Known(chat=chat, done_skill=phase_one[0], first_skill=first, second_skill=second)


async def heavy_learner(engine: Engine, now: datetime, *, answers: int = 10_000, user: str = "heavy") -> int:
    """A learner who answered ``answers`` questions over the last 400 days, with a card per question."""
    chat = Chat(engine, user, now=now - timedelta(days=400))
    await chat.onboard()
    rng = random.Random(19)
    questions = sorted(engine.bank.questions.values(), key=lambda q: q.id)
    async with engine.db.transaction() as session:
        learner = (await session.execute(
            Learner.__table__.select().order_by(Learner.id.desc()).limit(1))).first()
        assert learner is not None
        learner_id = learner.id
        days: set[datetime] = set()
        for i in range(answers):
            question = questions[i % len(questions)]
            at = now - timedelta(days=400) + timedelta(seconds=rng.randrange(400 * 86400))
            verdict = rng.choice(["correct", "correct", "partial", "incorrect"])
            session.add(QuizAnswer(learner_id=learner_id, question_id=question.id, skill_id=question.skill,
                                   asked_at=at - timedelta(seconds=i % 50 + 1), answered_at=at, verdict=verdict,
                                   score={"correct": 1.0, "partial": 0.5, "incorrect": 0.0}[verdict],
                                   rating={"correct": 3, "partial": 2, "incorrect": 1}[verdict]))
            days.add(at.replace(hour=0, minute=0, second=0, microsecond=0))
        for question in questions:
            session.add(ReviewCard(learner_id=learner_id, question_id=question.id, skill_id=question.skill, state=2,
                                   step=None, stability=rng.uniform(1, 60), difficulty=rng.uniform(1, 9),
                                   due=now + timedelta(days=rng.randrange(-3, 20)),
                                   last_review=now - timedelta(days=rng.randrange(1, 30)), reviews=5))
        for day in sorted(days):
            session.add(StreakDay(learner_id=learner_id, day=day.date(), kind="active"))
    return learner_id
