"""Onboarding read as conversations: language, track, placement, timezone."""

from __future__ import annotations

from chat import Chat
from sqlalchemy import select

from bot.engine import Engine
from bot.storage.tables import Learner


async def test_a_new_learner_is_set_up_by_buttons(chat: Chat) -> None:
    await chat.say("/start")
    assert "Welcome to Jalur" in chat.text and "Selamat datang di Jalur" in chat.text

    await chat.press("English")
    assert "Pick **one** track" in chat.replies[-1].text
    assert [b.payload for b in chat.buttons] == [
        "/track go", "/track python", "/track node", "/track java", "/track php"
    ]

    await chat.press("Python")
    assert "Track: Python" in chat.text
    assert "What do you already know?" in chat.text

    await chat.press("starting fresh")
    assert "week 1" in chat.text
    assert "Which timezone" in chat.text

    await chat.press("WITA")
    assert "Asia/Makassar" in chat.text
    assert "All set" in chat.text and "week 1 of 40" in chat.text and "phase 1" in chat.text


async def test_every_step_can_be_typed_with_typos(chat: Chat) -> None:
    await chat.say("/start")
    await chat.say("bahasa indonesia")
    assert "Pilih **satu** track" in chat.replies[-1].text
    await chat.say("golang")
    assert "Track: Go" in chat.text
    await chat.say("git, sql dan linux, kubernetes-ish stuff")
    assert "Git Workflow" in chat.text and "SQL" in chat.text and "Linux" in chat.text
    assert "kubernetes-ish stuff" in chat.text  # named as not recognised
    await chat.say("jakarta")
    assert "Asia/Jakarta" in chat.text and "Beres" in chat.text

    await chat.say("/next")
    # git, sql and linux are known, so the first open core skill is the main language
    assert "Bahasa Utama" in chat.text


async def test_placement_by_level_starts_later_in_the_plan(chat: Chat) -> None:
    await chat.onboard(level=2)
    assert "phase 3" in chat.text and "week 19 of 40" in chat.text
    await chat.say("/progress")
    assert "Week 19 of 40" in chat.text
    assert "On schedule" in chat.text
    await chat.say("/next")
    assert "Next: Redis" in chat.text


async def test_commands_wait_until_setup_is_finished(chat: Chat) -> None:
    await chat.say("/start")
    await chat.press("English")
    await chat.say("/next")
    assert "Answer this first" in chat.text
    assert any(b.payload.startswith("/track ") for b in chat.buttons)
    await chat.say("/start")
    assert "finish setting you up" in chat.text


async def test_a_wrong_answer_repeats_the_question(chat: Chat) -> None:
    await chat.say("/start")
    await chat.press("English")
    await chat.say("cobol")
    assert "don't know a track called \"cobol\"" in chat.text
    await chat.send_payload("/track go")
    await chat.say("/level 9")
    assert "number from 0" in chat.text
    await chat.say("quantum basket weaving")
    assert "couldn't match" in chat.text
    await chat.say("/level 0")
    await chat.say("Atlantis/Underwater")
    assert "not a timezone I know" in chat.text and "kept `Asia/Jakarta`" in chat.replies[0].text
    await chat.say("UTC+7")
    assert "All set" in chat.text


async def test_language_hint_picks_the_first_language(engine: Engine) -> None:
    budi = Chat(engine, "budi", language_hint="id")
    await budi.say("/start")
    await budi.say("/next")
    assert "Jawab ini dulu" in budi.text


async def test_returning_learner_is_welcomed_back(chat: Chat, engine: Engine) -> None:
    await chat.onboard()
    await chat.say("/start")
    assert "Welcome back" in chat.text
    async with engine.db.transaction() as session:
        learners = (await session.execute(select(Learner))).scalars().all()
    assert len(learners) == 1 and learners[0].onboarding_step is None
