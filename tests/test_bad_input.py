"""Bad input gets a helpful reply, never a crash, and stored progress is untouched."""

from __future__ import annotations

import pytest
from chat import Chat

from bot.content.loader import KnowledgeBase
from bot.engine import Engine
from bot.settings import Settings
from bot.storage.database import Database


async def _progress_snapshot(chat: Chat) -> str:
    await chat.say("/progress")
    return chat.text


@pytest.fixture
async def learner(chat: Chat) -> Chat:
    """A set-up learner with two skills done."""
    await chat.onboard()
    await chat.say("/done main-language")
    await chat.say("/done git-workflow")
    return chat


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "empty message"),
        ("   \n\t  ", "empty message"),
        ("x" * 10_000, "10000 characters long"),
        (bytes([0, 1, 2, 0xFF, 0xFE, 0x80, 0x7F]).decode("utf-8", errors="replace"), "empty message"),
        (bytes(range(0, 256, 7)).decode("utf-8", errors="replace"), "not sure what you mean"),
        ("🙂🔥🚀", "I understand words"),
        ("?!...", "I understand words"),
        ("/frobnicate", "I don't know the command /frobnicate"),
        ("/", "That command is empty"),
        ("/nxet", "/next"),
        ("I like turtles", "not sure what you mean"),
        ("/done \x00junk\x00", "don't know a skill"),
        ("/check 9 nope", "/check PHASE ITEM"),
        ("/check 1 nope", "not a must-have"),
        ("/project_done banana", "Which phase?"),
        ("/lang klingon", "not \"klingon\""),
        ("/tz " + "x" * 500, "not a timezone I know"),
        ("/another no-such-skill", "don't know a skill"),
    ],
)
async def test_bad_input_gets_a_helpful_reply_and_keeps_progress(
    learner: Chat, message: str, expected: str
) -> None:
    before = await _progress_snapshot(learner)
    await learner.say(message)
    assert expected in learner.text
    assert "went wrong" not in learner.text
    assert await _progress_snapshot(learner) == before


async def test_tampered_button_payloads_are_refused_politely(learner: Chat) -> None:
    before = await _progress_snapshot(learner)
    for payload in ("/done ../../etc/passwd", "/done ' OR 1=1 --", "/skip 🙂", "/level -1",
                    "/check 1 real-problem extra words", "/track <script>"):
        await learner.send_payload(payload)
        assert "went wrong" not in learner.text, payload
    assert await _progress_snapshot(learner) == before


async def test_learner_text_cannot_break_formatting(learner: Chat) -> None:
    await learner.say("/done *bold_and`code[x](y)")
    reply = learner.replies[0].text
    assert "\\*bold\\_and\\`code\\[x\\](y)" in reply
    assert "*bold_and`code[x](y)" in learner.text


async def test_each_user_is_separate(engine: Engine, learner: Chat) -> None:
    other = Chat(engine, "budi")
    await other.onboard()
    await other.say("/progress")
    assert "0/5 skills" in other.text
    await learner.say("/progress")
    assert "2/5 skills" in learner.text


async def test_an_unreachable_database_becomes_an_apology(
    engine: Engine, learner: Chat, kb: KnowledgeBase, settings: Settings
) -> None:
    unreachable = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        cut_off = Chat(Engine(unreachable, kb, settings), learner.user)
        await cut_off.say("/done sql-deep")
        assert "something went wrong on my side" in cut_off.text
    finally:
        await unreachable.close()
    await learner.say("/progress")
    assert "2/5 skills" in learner.text


async def test_simultaneous_first_messages_create_one_learner(engine: Engine) -> None:
    import asyncio

    from sqlalchemy import func, select

    from bot.storage.tables import Identity

    twins = [Chat(engine, "kembar") for _ in range(4)]
    await asyncio.gather(*(twin.say("/start") for twin in twins))
    for twin in twins:
        assert "Welcome to Jalur" in twin.text
    async with engine.db.transaction() as session:
        count = (await session.execute(select(func.count()).select_from(Identity))).scalar_one()
    assert count == 1
