"""`jalur pushes tick` and the scheduler in `jalur run`, through the real Telegram adapter
against the fake Bot API: each due push is sent once, however often the pass runs."""

from __future__ import annotations

import asyncio
import re
import subprocess
from pathlib import Path

import aiohttp
from chat import Chat, telegram_learners_with_a_due_quiz
from fake_telegram import TOKEN, FakeTelegram
from sqlalchemy import select
from test_cli import jalur_here
from test_operations import free_port, get
from test_telegram import JALUR

from bot.engine import Engine
from bot.storage.tables import Identity, PushDelivery

ANI, EKO = 5001, 5002


def _jalur(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*JALUR, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


async def _telegram_learners(engine: Engine, *users: int) -> None:
    for user in users:
        await Chat(engine, str(user), platform="telegram").onboard()


async def test_tick_twice_for_the_same_minute_sends_each_push_once(
        engine: Engine, database_url: str, fresh_env: dict[str, str], fake_telegram: FakeTelegram) -> None:
    await _telegram_learners(engine, ANI, EKO)
    fake_telegram.blocked_chats.add(EKO)
    env = {**fresh_env, "JALUR_TELEGRAM_TOKEN": TOKEN, "JALUR_TELEGRAM_API_URL": fake_telegram.api_url,
           "JALUR_DATABASE_URL": database_url}
    preview = await asyncio.to_thread(_jalur, env, "pushes", "tick", "--now", "2026-03-02T19:00+07:00", "--dry-run")
    assert preview.returncode == 0, preview.stderr
    assert "daily_quiz 2026-03-02 to telegram user 5001: ☀️ Your daily question" in preview.stdout
    assert "nothing sent or recorded" in preview.stdout and not fake_telegram.sent()

    first = await asyncio.to_thread(_jalur, env, "pushes", "tick", "--now", "2026-03-02T19:00+07:00")
    assert first.returncode == 0, first.stderr
    assert "sent 1 (daily_quiz 1)" in first.stdout and "skipped 1 (daily_quiz 1)" in first.stdout
    assert len(fake_telegram.sent(ANI)) == 1 and "Your daily question" in fake_telegram.sent(ANI)[0].text
    answerable = fake_telegram.sent(ANI)[0].buttons or (fake_telegram.polls(ANI) and fake_telegram.polls(ANI)[0].buttons)
    assert answerable, "the daily quiz comes with answer buttons (a choice question as a quiz poll)"

    again = await asyncio.to_thread(_jalur, env, "pushes", "tick", "--now", "2026-03-02T19:00+07:00")
    assert again.returncode == 0, again.stderr
    assert "nothing due" in again.stdout
    assert len(fake_telegram.sent(ANI)) == 1
    async with engine.db.transaction() as session:
        identity = (await session.execute(select(Identity).where(Identity.external_id == str(EKO)))).scalar_one()
        assert identity.unreachable_since is not None
        statuses = sorted((await session.execute(select(PushDelivery.status))).scalars())
    assert statuses == ["sent", "skipped"]


async def test_tick_rejects_a_bad_time_and_waits_without_a_platform(
        engine: Engine, database_url: str, fresh_env: dict[str, str]) -> None:
    await _telegram_learners(engine, ANI)
    env = {**fresh_env, "JALUR_DATABASE_URL": database_url}
    bad = await asyncio.to_thread(jalur_here, "pushes", "tick", "--now", "tomorrow evening", env=env, cwd=Path.cwd())
    assert bad.returncode == 2 and "not an ISO 8601 time" in bad.stderr
    waiting = await asyncio.to_thread(jalur_here, "pushes", "tick", "--now", "2026-03-02T19:00+07:00", env=env,
                                      cwd=Path.cwd())
    assert waiting.returncode == 0, waiting.stderr
    assert "no chat platform is configured" in waiting.stderr and "waiting 1" in waiting.stdout
    async with engine.db.transaction() as session:
        assert (await session.execute(select(PushDelivery.status))).scalar_one() == "retry"


async def _passes_done(port: int, count: int, timeout: float = 60) -> None:
    """Wait until `jalur run` has finished ``count`` push passes (its pass-duration histogram says)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            _, metrics = await get(f"http://127.0.0.1:{port}/metrics")
        except aiohttp.ClientError:
            metrics = ""  # not serving yet
        done = re.search(r"^jalur_scheduler_pass_seconds_count (\S+)$", metrics, re.M)
        if done and float(done.group(1)) >= count:
            return
        assert loop.time() < deadline, f"fewer than {count} push passes finished"
        await asyncio.sleep(0.2)


async def test_jalur_run_delivers_due_pushes_from_its_scheduler(
        engine: Engine, database_url: str, fresh_env: dict[str, str], fake_telegram: FakeTelegram, tmp_path: Path) -> None:
    await telegram_learners_with_a_due_quiz(engine, [ANI])
    port = free_port()
    env = {**fresh_env, "JALUR_TELEGRAM_TOKEN": TOKEN, "JALUR_TELEGRAM_API_URL": fake_telegram.api_url,
           "JALUR_DATABASE_URL": database_url, "JALUR_PUSH_INTERVAL": "5", "JALUR_LOG_LEVEL": "INFO",
           "JALUR_METRICS_PORT": str(port)}
    process = await asyncio.create_subprocess_exec(*JALUR, "run", env=env, cwd=tmp_path,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake_telegram.wait_for(lambda: fake_telegram.sent(ANI), timeout=60)
        await _passes_done(port, 2)  # the pass that sent it and one more (passes never overlap)
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert len(fake_telegram.sent(ANI)) == 1 and "Your daily question" in fake_telegram.sent(ANI)[0].text
    log = stderr.decode()
    assert "Traceback" not in log, log
    assert "push pass: sent 1 (daily_quiz 1)" in log
