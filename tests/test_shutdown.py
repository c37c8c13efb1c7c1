"""The grace bounds everything: after SIGTERM, `jalur run` and `jalur pushes tick` exit within
JALUR_SHUTDOWN_GRACE + 2 s even while Telegram never answers a sendMessage; real processes."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from chat import telegram_learners_with_a_due_quiz
from fake_telegram import TOKEN, FakeTelegram
from sqlalchemy import func, select
from test_console_errors import JALUR
from test_operations import _env, _wait_ready, free_port, jalur_run

from bot.engine import Engine
from bot.storage.tables import PushDelivery

GRACE = 2
BOUND = GRACE + 2  # what the process promises, by its own clock
LOOSE = BOUND + 6  # what the test allows from outside, on a loaded machine (it used to take 19-20 s)


class HangingTelegram(FakeTelegram):
    """A Bot API whose sendMessage never answers (within any test's patience); counts what arrived."""

    arrived: int = 0

    async def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "sendMessage":
            self.arrived += 1
            await asyncio.sleep(600)
        return await super().handle(method, params)


async def _hanging() -> HangingTelegram:
    fake = HangingTelegram()
    await fake.start()
    return fake


async def _stop(process: asyncio.subprocess.Process) -> tuple[float, str]:
    """SIGTERM, then the seconds until the process exited (seen from outside) and its standard error."""
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    return time.monotonic() - sent, stderr.decode()


def _seconds_after_signal(stderr: str) -> float:
    found = re.findall(r"(\d+\.\d) s after the stop signal", stderr)
    assert found, stderr[-3000:]
    return float(found[-1])


async def test_jalur_run_stops_within_the_grace_while_a_reply_hangs(
        engine: Engine, database_url: str, fresh_env: dict[str, str], tmp_path: Path) -> None:
    fake = await _hanging()
    port = free_port()
    env = _env(fresh_env, fake, database_url, port, JALUR_SHUTDOWN_GRACE=str(GRACE), JALUR_PUSHES="false")
    try:
        async with jalur_run(env, tmp_path) as process:
            await _wait_ready(port, process)
            fake.say(4242, "/start")
            await fake.wait_for(lambda: fake.arrived >= 1, timeout=60)  # the reply is stuck in sendMessage
            took, stderr = await _stop(process)
    finally:
        await fake.stop()
    assert process.returncode == 0, stderr[-3000:]
    assert took < LOOSE, f"{took:.1f} s after SIGTERM"
    assert "cut off" in stderr  # it said what it did not finish
    assert _seconds_after_signal(stderr) <= BOUND
    assert TOKEN not in stderr


async def test_pushes_tick_stops_within_the_grace_while_sends_hang(
        engine: Engine, database_url: str, fresh_env: dict[str, str], tmp_path: Path) -> None:
    learners = [7100 + n for n in range(6)]
    await telegram_learners_with_a_due_quiz(engine, learners)
    fake = await _hanging()
    env = {**fresh_env, "JALUR_TELEGRAM_TOKEN": TOKEN, "JALUR_TELEGRAM_API_URL": fake.api_url,
           "JALUR_DATABASE_URL": database_url, "JALUR_SHUTDOWN_GRACE": str(GRACE), "JALUR_LOG_LEVEL": "INFO",
           "JALUR_PUSH_CONCURRENCY": "2"}
    try:
        process = await asyncio.create_subprocess_exec(*JALUR, "pushes", "tick", env=env, cwd=tmp_path,
                                                       stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            await fake.wait_for(lambda: fake.arrived >= 2, timeout=60)
            took, stderr = await _stop(process)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    finally:
        await fake.stop()
    assert process.returncode == 128 + signal.SIGTERM, stderr[-3000:]
    assert took < LOOSE, f"{took:.1f} s after SIGTERM"
    assert _seconds_after_signal(stderr) <= BOUND
    errors = [line for line in stderr.splitlines() if line.startswith("jalur: error:")]
    assert len(errors) == 1 and "stopped by SIGTERM" in errors[0] and "Traceback" not in stderr
    async with engine.db.transaction() as session:
        sent = await session.scalar(select(func.count()).select_from(PushDelivery)
                                    .where(PushDelivery.status == "sent"))
    assert sent == 0  # nothing Telegram never accepted is recorded as sent: it goes out after its lease


def test_a_stuck_process_is_ended_by_the_watchdog(tmp_path: Path) -> None:
    """The last resort: even an event loop that never comes back ends grace + 1.5 s after the signal."""
    script = (
        "import asyncio, logging, sys, time\n"
        "from bot.shutdown import StopSignal\n"
        "logging.basicConfig(stream=sys.stderr, level=logging.INFO)\n"
        "async def main():\n"
        "    stop = StopSignal(0.5)\n"
        "    stop.install()\n"
        "    print('ready', flush=True)\n"
        "    await stop.event.wait()\n"
        "    time.sleep(60)  # a loop that is stuck: no task can run, nothing can be cancelled\n"
        "asyncio.run(main())\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=Path(__file__).parents[1], text=True)
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert time.monotonic() - sent < 0.5 + 1.5 + 6
    assert "forced stop: still running 2.0 s after SIGTERM" in stderr
