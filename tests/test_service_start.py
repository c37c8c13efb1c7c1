"""`jalur run` starts its push scheduler once the platforms can send: a Telegram that is slow to
answer at start does not put off the pushes already due (a push for a platform not connected yet
waits a minute)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from chat import telegram_learners_with_a_due_quiz
from fake_telegram import TOKEN, FakeTelegram
from test_console_errors import JALUR
from test_operations import free_port

from bot.engine import Engine
from bot.pushes.delivery import NOT_RUNNING_RETRY

LEARNER = 5301


class SlowStartTelegram(FakeTelegram):
    """A Bot API that takes 1 s for each of its two calls that register the command menu, so the bot connects late."""

    async def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "setMyCommands":
            await asyncio.sleep(1.0)
        return await super().handle(method, params)


async def test_pushes_due_at_start_wait_for_the_platform_not_a_minute(
        engine: Engine, database_url: str, fresh_env: dict[str, str], tmp_path: Path) -> None:
    await telegram_learners_with_a_due_quiz(engine, [LEARNER])
    fake = SlowStartTelegram()
    await fake.start()
    env = {**fresh_env, "JALUR_TELEGRAM_TOKEN": TOKEN, "JALUR_TELEGRAM_API_URL": fake.api_url,
           "JALUR_DATABASE_URL": database_url, "JALUR_PUSH_INTERVAL": "5", "JALUR_METRICS_PORT": str(free_port())}
    process = await asyncio.create_subprocess_exec(*JALUR, "run", env=env, cwd=tmp_path,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_for(lambda: fake.methods("getMe"), timeout=60)
        started = asyncio.get_running_loop().time()
        await fake.wait_for(lambda: fake.sent(LEARNER), timeout=NOT_RUNNING_RETRY.total_seconds() + 30)
        took = asyncio.get_running_loop().time() - started
    finally:
        process.terminate()
        await asyncio.wait_for(process.communicate(), timeout=60)
        await fake.stop()
    assert "Your daily question" in fake.sent(LEARNER)[0].text
    assert took < NOT_RUNNING_RETRY.total_seconds() - 15, f"{took:.0f} s: put off as if Telegram were not running"
