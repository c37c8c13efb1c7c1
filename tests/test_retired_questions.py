"""A question that leaves the bank (merged into another, rewritten under a new id) breaks nothing
for learners who answered it: its review card, its last answer and a pending ask are ignored."""

from __future__ import annotations

from chat import Chat
from sqlalchemy import select, update

from bot.engine import Engine
from bot.storage.tables import Learner, QuizAnswer, ReviewCard

RETIRED = "too-many-connections"  # a phase-4 question rewritten for issue 18


def _question_id(chat: Chat) -> str:
    return chat.replies[-1].text.splitlines()[0].split("`")[1]


async def test_a_learner_whose_cards_name_a_retired_question_keeps_learning(chat: Chat, engine: Engine) -> None:
    assert engine.bank.get(RETIRED) is None
    await chat.onboard()
    await chat.say("/quiz cap-theorem")
    await chat.press("I don't know")
    await chat.say("/quiz sql-injection-prevention")
    await chat.press("I don't know")
    async with engine.db.transaction() as session:
        await session.execute(update(ReviewCard).where(ReviewCard.question_id == "cap-theorem")
                              .values(question_id=RETIRED))
        await session.execute(update(QuizAnswer).where(QuizAnswer.question_id == "cap-theorem")
                              .values(question_id=RETIRED))
        await session.execute(update(Learner).values(quiz_question="slow-query-10m-rows", quiz_asked_at=chat.now))

    await chat.say("A pooler like PgBouncer in transaction mode.")  # the pending ask is gone: no crash
    chat.wait(days=2)
    for command in ("/stats", "/next", f"/rate {RETIRED} 3", f"/dispute {RETIRED}", f"/quiz {RETIRED}"):
        await chat.say(command)
        assert "something went wrong" not in chat.text, command
    await chat.say("/quiz")
    assert "Review" in chat.text and _question_id(chat) == "sql-injection-prevention"
    async with engine.db.transaction() as session:
        kept = (await session.execute(select(ReviewCard.question_id))).scalars().all()
    assert sorted(kept) == sorted([RETIRED, "sql-injection-prevention"])  # nothing stored is lost
