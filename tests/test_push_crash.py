"""The crash window: `jalur pushes tick` killed with SIGKILL in the middle of a pass, then a later
tick. Nobody is left without their quiz, and only the pushes in flight at the kill (at most
JALUR_PUSH_CONCURRENCY) go out twice."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fake_telegram import TOKEN, FakeTelegram
from sqlalchemy import insert, select
from test_telegram import JALUR

from bot.storage.database import Database
from bot.storage.tables import Identity, Learner, PushDelivery, PushSchedule

LEARNERS = 120
CONCURRENCY = 4
DUE = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 19:00 in Jakarta


@pytest.fixture
async def slow_fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(send_delay=0.02)  # each message takes 20 ms: the pass lasts a second or so
    await server.start()
    yield server
    await server.stop()


async def _due_learners(db: Database, count: int) -> list[int]:
    """``count`` Telegram learners whose daily quiz is due at DUE."""
    created = DUE - timedelta(days=7)
    chats = [9000 + n for n in range(count)]
    async with db.transaction() as session:
        await session.execute(insert(Learner), [
            {"id": n + 1, "language": "en", "track": "python", "timezone": "Asia/Jakarta", "onboarding_step": None,
             "plan_start": date(2026, 2, 23), "created_at": created, "updated_at": created} for n in range(count)])
        await session.execute(insert(Identity), [
            {"platform": "telegram", "external_id": str(chat), "learner_id": n + 1, "created_at": created}
            for n, chat in enumerate(chats)])
        await session.execute(insert(PushSchedule), [
            {"kind": "daily_quiz", "subject": str(n + 1), "due_at": DUE, "period": "2026-03-02"} for n in range(count)])
    return chats


async def _tick(env: dict[str, str], at: datetime) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(*JALUR, "pushes", "tick", "--now", at.isoformat(), env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def test_kill_9_mid_pass_repeats_at_most_the_pushes_in_flight_and_loses_none(
        db: Database, database_url: str, fresh_env: dict[str, str], slow_fake: FakeTelegram) -> None:
    fake = slow_fake
    chats = await _due_learners(db, LEARNERS)
    env = {**fresh_env, "JALUR_TELEGRAM_TOKEN": TOKEN, "JALUR_TELEGRAM_API_URL": fake.api_url,
           "JALUR_DATABASE_URL": database_url, "JALUR_PUSH_CONCURRENCY": str(CONCURRENCY),
           "JALUR_TELEGRAM_RATE": "1000", "JALUR_TELEGRAM_QUIZ_POLLS": "false"}  # one message per push

    first = await _tick(env, DUE)
    await fake.wait_for(lambda: len(fake.sent()) >= LEARNERS // 3, timeout=60)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    assert first.returncode == -signal.SIGKILL
    at_kill = len(fake.sent())
    assert at_kill < LEARNERS, "the pass ended before the kill"

    second = await _tick(env, DUE + timedelta(minutes=6))  # after the killed pass's 5-minute lease
    _, err = await second.communicate()
    assert second.returncode == 0, err.decode()

    per_chat = Counter(int(call.params["chat_id"]) for call in fake.sent())
    assert set(per_chat) == set(chats)  # nobody lost their quiz
    twice = sum(n - 1 for n in per_chat.values())
    assert twice <= CONCURRENCY, f"{twice} learners got the quiz twice"
    async with db.transaction() as session:
        statuses = Counter((await session.execute(select(PushDelivery.status))).scalars())
    assert statuses == {"sent": LEARNERS}
