"""Streaks through the chat: day boundary, freezes, timezone moves, skills finished."""

from __future__ import annotations

from datetime import UTC, datetime

from chat import Chat
from sqlalchemy import select

from bot.engine import Engine
from bot.storage.tables import StreakDay

# 2026-03-02 20:00 in Jakarta (UTC+7): a Monday evening
EVENING = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


def _calendar(chat: Chat) -> str:
    """The 30 marks of the /streak calendar, oldest first."""
    lines = chat.text.split("(oldest first):\n")[1].splitlines()[:3]
    return "".join(line.strip() for line in lines)


async def _answer_one(chat: Chat) -> None:
    await chat.say("/quiz")
    await chat.press("I don't know")


async def _days(engine: Engine) -> dict[str, str]:
    async with engine.db.transaction() as session:
        rows = (await session.execute(select(StreakDay).order_by(StreakDay.day))).scalars()
        return {row.day.isoformat(): row.kind for row in rows}


async def test_night_owls_count_for_the_evening_before(engine: Engine) -> None:
    chat = Chat(engine, now=EVENING)
    await chat.onboard()
    await _answer_one(chat)
    assert "Streak: day 1" in chat.text
    chat.wait(hours=7, minutes=30)  # 03:30 next morning in Jakarta: still Monday's streak day
    await _answer_one(chat)
    assert "Streak" not in chat.text
    chat.wait(hours=1)  # 04:30: Tuesday
    await _answer_one(chat)
    assert "Streak: day 2" in chat.text
    assert await _days(engine) == {"2026-03-02": "active", "2026-03-03": "active"}


async def test_a_missed_day_breaks_the_streak_without_a_freeze(engine: Engine) -> None:
    chat = Chat(engine, now=EVENING)
    await chat.onboard()
    await _answer_one(chat)
    chat.wait(days=2)
    await chat.say("/streak")
    assert "none right now" in chat.text and "longest: 1" in chat.text and "Your streak ended" in chat.text
    await _answer_one(chat)
    assert "Streak: day 1" in chat.text


async def test_seven_days_earn_a_freeze_that_covers_a_missed_day(engine: Engine) -> None:
    chat = Chat(engine, now=EVENING)
    await chat.onboard()
    for _ in range(7):
        await _answer_one(chat)
        chat.wait(days=1)
    await chat.say("/streak")
    assert "day 7" in chat.text and "freezes: 1/2" in chat.text
    assert "Nothing yet today" in chat.text and "○" in chat.text
    chat.wait(days=1)  # a day missed entirely
    await _answer_one(chat)
    assert "Streak: day 8" in chat.text
    await chat.say("/streak")
    assert "day 8" in chat.text and "freezes: 0/2" in chat.text and _calendar(chat).endswith("■■■■■■■❄■")
    assert "Today counts already" in chat.text
    days = await _days(engine)
    assert list(days.values()).count("frozen") == 1 and len(days) == 9


async def test_a_timezone_change_neither_breaks_nor_inflates_the_streak(engine: Engine) -> None:
    chat = Chat(engine, now=EVENING)
    await chat.onboard()
    await _answer_one(chat)  # Monday in Jakarta
    await chat.say("/tz America/Los_Angeles")  # it is Monday 05:00 there too
    await _answer_one(chat)
    assert "Streak" not in chat.text  # same streak day: not counted twice
    chat.wait(hours=20)  # Tuesday 01:00 in Los Angeles: before the boundary
    await _answer_one(chat)
    assert "Streak" not in chat.text
    chat.wait(hours=4)  # Tuesday 05:00 in Los Angeles
    await _answer_one(chat)
    assert "Streak: day 2" in chat.text

    await chat.say("/tz Asia/Tokyo")  # flying west to east: Wednesday 21:00 in Tokyo
    await _answer_one(chat)
    assert "Streak" not in chat.text  # still the day that already counted
    chat.wait(hours=8)  # Thursday 05:00 in Tokyo
    await _answer_one(chat)
    assert "Streak: day 3" in chat.text
    await chat.say("/streak")
    assert "day 3" in chat.text and _calendar(chat).endswith("■■■")


async def test_finishing_a_skill_counts_for_the_streak(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("/streak")
    assert "No streak yet" in chat.text
    await chat.say("/done main-language")
    assert "Streak: day 1" in chat.text
    await chat.say("/skip git-workflow")
    assert "Streak" not in chat.text
