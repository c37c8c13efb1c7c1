"""Streaks through the chat: day boundary, freezes, timezone moves, skills finished."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from chat import Chat
from sqlalchemy import select

from bot.engine import Engine
from bot.storage.tables import StreakDay

# 2026-03-02 20:00 in Jakarta (UTC+7): a Monday evening
EVENING = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


def _calendar_rows(chat: Chat) -> list[tuple[str, str]]:
    """The /streak calendar's rows, oldest first: (the row's first date, its marks)."""
    lines = chat.text.split("):\n")[1].splitlines()[:3]
    return [(line[:6].strip(), line[7:]) for line in lines]


def _calendar(chat: Chat) -> str:
    """The 30 marks of the /streak calendar, oldest first."""
    return "".join(marks for _, marks in _calendar_rows(chat))


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
    assert "none right now" in chat.text and "longest: 1" in chat.text
    assert "Your 1-day streak ended (last day: 2 Mar)" in chat.text
    await _answer_one(chat)
    assert "Your 1-day streak ended; today is day 1 of a new one" in chat.text


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


# --- dates, sign-up and what the learner is told (issue 15) ----------------

DONT_KNOW = {"en": "I don't know", "id": "Tidak tahu"}
# 2026-05-20 20:00 in Jakarta: late May, so the calendar's rows show a month name that differs in Indonesian
MAY_EVENING = datetime(2026, 5, 20, 13, 0, tzinfo=UTC)

TOLD = {
    "en": {
        "earned": "❄️ You earned a streak freeze (1 held).",
        "used": "❄️ A freeze covered yesterday",
        "day": "🔥 Streak: day {n}.",
        "ended": "Your 7-day streak ended; today is day 1 of a new one.",
        "broken": "Your 1-day streak ended (last day: 20 May). Answer one question or finish a skill today",
        "rows": [("23 Apr", " " * 10), ("3 May", " " * 10), ("13 May", " " * 7 + "■·○")],
        "legend": "blank: before you started",
    },
    "id": {
        "earned": "❄️ Kamu dapat satu freeze streak (sekarang punya 1).",
        "used": "❄️ Satu freeze dipakai untuk kemarin",
        "day": "🔥 Streak: hari ke-{n}.",
        "ended": "Streak 7 hari kamu terputus; hari ini jadi hari pertama streak yang baru.",
        "broken": "Streak 1 hari kamu terputus (hari terakhir: 20 Mei). Jawab satu pertanyaan atau selesaikan satu skill",
        "rows": [("23 Apr", " " * 10), ("3 Mei", " " * 10), ("13 Mei", " " * 7 + "■·○")],
        "legend": "kosong: sebelum kamu mulai",
    },
}


async def _answer_in(chat: Chat, lang: str) -> None:
    await chat.say("/quiz")
    await chat.press(DONT_KNOW[lang])


async def _seven_days(chat: Chat, lang: str) -> None:
    """Onboard and answer on seven days in a row; the clock ends on the seventh day."""
    await chat.onboard(lang=lang)
    for day in range(1, 8):
        await _answer_in(chat, lang)
        if day == 6:
            assert "❄️" not in chat.text
        if day < 7:
            chat.wait(days=1)


@pytest.mark.parametrize("lang", ["en", "id"])
async def test_the_calendar_has_dates_and_nothing_missed_before_sign_up(engine: Engine, lang: str) -> None:
    told = TOLD[lang]
    chat = Chat(engine, now=MAY_EVENING)
    await chat.onboard(lang=lang)
    await _answer_in(chat, lang)
    chat.wait(days=2)  # 21 May missed, no freeze: the streak ended
    await chat.say("/streak")
    assert _calendar_rows(chat) == told["rows"]
    assert told["legend"] in chat.text and told["broken"] in chat.text


@pytest.mark.parametrize("lang", ["en", "id"])
async def test_a_freeze_earned_on_day_seven_is_told(engine: Engine, lang: str) -> None:
    told = TOLD[lang]
    chat = Chat(engine, now=EVENING)
    await _seven_days(chat, lang)
    assert told["day"].format(n=7) in chat.text and told["earned"] in chat.text


@pytest.mark.parametrize("lang", ["en", "id"])
async def test_a_freeze_used_after_a_one_day_gap_is_told(engine: Engine, lang: str) -> None:
    told = TOLD[lang]
    chat = Chat(engine, now=EVENING)
    await _seven_days(chat, lang)
    chat.wait(days=2)  # one day missed entirely
    await _answer_in(chat, lang)
    assert told["used"] in chat.text and told["day"].format(n=8) in chat.text
    assert told["ended"] not in chat.text
    chat.wait(days=1)
    await _answer_in(chat, lang)  # the next day in a row: nothing more to tell
    assert told["day"].format(n=9) in chat.text and "❄️" not in chat.text


@pytest.mark.parametrize("lang", ["en", "id"])
async def test_a_streak_ended_after_a_longer_gap_is_told(engine: Engine, lang: str) -> None:
    told = TOLD[lang]
    chat = Chat(engine, now=EVENING)
    await _seven_days(chat, lang)
    chat.wait(days=3)  # two days missed, one freeze held
    await _answer_in(chat, lang)
    assert told["ended"] in chat.text and "❄️" not in chat.text
    await chat.say("/streak")
    assert told["day"].format(n=1).removesuffix(".") + " ·" in chat.text
