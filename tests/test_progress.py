"""/progress: bars per phase, the week of the plan, ahead of or behind schedule."""

from __future__ import annotations

from datetime import date

from chat import Chat

from bot.content.loader import KnowledgeBase
from bot.roadmap.plan import schedule, week_in_plan
from bot.storage.repository import Progress


async def test_progress_reflects_done_skills_and_the_week(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("/progress")
    assert "Week 1 of 40" in chat.text and "On schedule" in chat.text
    assert "Phase 1 (weeks 1-8): 0/5 skills, project ⬜ ← you are here" in chat.text

    await chat.say("/done main-language")
    await chat.say("/done git-workflow")
    await chat.say("/progress")
    assert "Phase 1 (weeks 1-8): 2/5 skills" in chat.text
    assert "ahead of schedule" in chat.text
    assert "`▓▓▓░░░░░░░`" in chat.replies[0].text  # 2 of 6 steps (5 skills + project)


async def test_falling_behind_shows_up_as_weeks(chat: Chat) -> None:
    await chat.onboard()
    chat.wait(weeks=6)
    await chat.say("/progress")
    assert "Week 7 of 40" in chat.text
    assert "About 6 weeks behind" in chat.text


async def test_the_week_follows_the_learners_timezone(chat: Chat) -> None:
    await chat.onboard(timezone="Pacific/Kiritimati")  # UTC+14: already the next day
    chat.wait(days=6, hours=9)  # Sunday 11:00 UTC is Monday 01:00 in Kiritimati
    await chat.say("/progress")
    assert "Week 2 of 40" in chat.text


async def test_progress_survives_a_new_engine(chat: Chat, engine) -> None:  # type: ignore[no-untyped-def]
    from bot.engine import Engine

    await chat.onboard()
    await chat.say("/done sql-deep")
    again = Chat(Engine(engine.db, engine.kb, engine.settings), chat.user, now=chat.now)
    await again.say("/progress")
    assert "1/5 skills" in again.text


def test_week_in_plan() -> None:
    start = date(2026, 1, 5)
    assert week_in_plan(start, start) == 1
    assert week_in_plan(start, date(2026, 1, 11)) == 1
    assert week_in_plan(start, date(2026, 1, 12)) == 2
    assert week_in_plan(start, date(2026, 10, 12)) == 41


def test_schedule_status(kb: KnowledgeBase) -> None:
    start = date(2026, 1, 5)
    nothing = Progress()
    assert schedule(kb, nothing, start, start).status == "on_track"
    assert schedule(kb, nothing, start, date(2026, 2, 16)).status == "behind"
    phase1 = Progress(statuses={s.id: "done" for s in kb.skills_in_phase(1, core=True)},
                      completed_phases=frozenset({1}))
    at_week_9 = schedule(kb, phase1, start, date(2026, 3, 2))
    assert at_week_9.week == 9 and at_week_9.status == "on_track"
    early = schedule(kb, phase1, start, date(2026, 1, 19))
    assert early.status == "ahead" and round(early.weeks_ahead) == 6
