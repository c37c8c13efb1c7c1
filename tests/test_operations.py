"""Operations: the health and metrics endpoints, structured logs without secrets, and a
`jalur run` that stops gracefully on SIGTERM, also in the middle of a push pass."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import signal
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from chat import Chat, telegram_learners_with_a_due_quiz
from fake_telegram import TOKEN, FakeTelegram
from pydantic import SecretStr
from sqlalchemy import func, select
from test_telegram import JALUR

from bot.engine import Engine
from bot.health import OpsServer
from bot.logs import ACCESS_LOGGER, configure_logging
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import PushDelivery

SECRET_WORDS = "hunter2-xyzzy-plugh"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def test_liveness_readiness_and_metrics(engine: Engine) -> None:
    port = free_port()
    engine.health.expect("telegram")
    server = OpsServer(engine.db, engine.health, listen="127.0.0.1", port=port)
    await server.start()
    base = f"http://127.0.0.1:{port}"
    try:
        assert (await get(f"{base}/healthz"))[0] == 200
        status, body = await get(f"{base}/readyz")
        assert status == 503 and json.loads(body)["platforms"] == {"telegram": False}
        assert json.loads(body)["database"] == "ok"
        engine.health.up("telegram")
        status, body = await get(f"{base}/readyz")
        assert status == 200 and json.loads(body)["status"] == "ready"
        platform = f"metrics-{uuid.uuid4().hex[:8]}"  # the counters are per process: a label of its own
        chat = Chat(engine, "ops", platform=platform)
        await chat.onboard()
        await chat.say("/quiz n-plus-one")
        await chat.press("I don't know")
        status, metrics = await get(f"{base}/metrics")
        assert status == 200
        assert f'jalur_messages_handled_total{{command="quiz",platform="{platform}"}} 1.0' in metrics
        assert f'jalur_messages_handled_total{{command="answer",platform="{platform}"}} 1.0' in metrics
        assert f'jalur_handler_seconds_count{{command="start",platform="{platform}"}} 1.0' in metrics
        assert 'jalur_quiz_answers_total{verdict="incorrect"}' in metrics
        assert 'jalur_platform_connected{platform="telegram"} 1.0' in metrics
        engine.health.stopping = True
        assert (await get(f"{base}/readyz"))[0] == 503
    finally:
        await server.stop()


async def test_readiness_names_an_unreachable_database() -> None:
    port = free_port()
    db = Database("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    from bot.platform_status import PlatformHealth

    server = OpsServer(db, PlatformHealth(), listen="127.0.0.1", port=port)
    await server.start()
    try:
        status, body = await get(f"http://127.0.0.1:{port}/readyz")
        assert status == 503 and json.loads(body)["database"] != "ok"
        assert (await get(f"http://127.0.0.1:{port}/healthz"))[0] == 200
    finally:
        await server.stop()
        await db.close()


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging changes levels process-wide: put them back after the test."""
    names = ("", "bot", "adapters", ACCESS_LOGGER)
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("restore_logging")
def test_logs_are_json_lines_with_fields_and_no_secrets() -> None:
    settings = Settings(_env_file=None, telegram_token=SecretStr("987654321:AAE-secret-telegram-token-value"),
                        discord_token=SecretStr("discord.secret.token.value"), log_level="DEBUG",
                        database_url="postgresql+asyncpg://jalur:pg-pass-123@db/jalur")
    stream = io.StringIO()
    handler = configure_logging(settings, access=True, stream=stream)
    try:
        log = logging.getLogger("bot.test")
        log.info("calling https://api.telegram.org/bot987654321:AAE-secret-telegram-token-value/getMe")
        log.warning("discord token %s and database %s", "discord.secret.token.value",
                    "postgresql://jalur:pg-pass-123@db/jalur")
        logging.getLogger("discord.http").warning(
            "POST https://discord.com/api/v10/interactions/123/aW50ZXJhY3Rpb246MTIzOnNlY3JldA/callback 429")
        try:
            raise RuntimeError("token 987654321:AAE-secret-telegram-token-value refused")
        except RuntimeError:
            log.exception("a failure")
        logging.getLogger(ACCESS_LOGGER).info("update handled", extra={"learner": 7, "platform": "telegram",
                                                                      "command": "quiz", "latency_ms": 12.5})
    finally:
        logging.getLogger().removeHandler(handler)
    output = stream.getvalue()
    lines = [json.loads(line) for line in output.splitlines()]
    assert len(lines) == 5
    for secret in ("AAE-secret-telegram-token-value", "discord.secret.token.value", "pg-pass-123",
                   "aW50ZXJhY3Rpb246MTIzOnNlY3JldA"):
        assert secret not in output
    assert "***" in lines[0]["message"] and "interactions/123/***" in lines[2]["message"]
    assert "RuntimeError" in lines[3]["exception"]
    access = lines[4]
    assert (access["logger"], access["learner"], access["command"], access["latency_ms"]) == (ACCESS_LOGGER, 7,
                                                                                            "quiz", 12.5)


@pytest.mark.usefixtures("restore_logging")
def test_logs_on_a_terminal_are_readable_text() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    handler = configure_logging(Settings(_env_file=None, log_level="INFO"), access=True, stream=stream)
    try:
        logging.getLogger(ACCESS_LOGGER).info("update handled", extra={"platform": "discord", "command": "next"})
    finally:
        logging.getLogger().removeHandler(handler)
    line = stream.getvalue().strip()
    assert line.endswith("INFO bot.access: update handled platform=discord command=next")


def _env(fresh_env: dict[str, str], fake_telegram: FakeTelegram, database_url: str, port: int, **extra: str) -> dict[str, str]:
    return {**fresh_env, "JALUR_TELEGRAM_TOKEN": TOKEN, "JALUR_TELEGRAM_API_URL": fake_telegram.api_url,
            "JALUR_DATABASE_URL": database_url, "JALUR_METRICS_PORT": str(port), "JALUR_LOG_LEVEL": "DEBUG",
            "JALUR_PUSH_INTERVAL": "5", **extra}


@asynccontextmanager
async def jalur_run(env: dict[str, str], cwd: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """`jalur run` as a subprocess; killed at the end if the test did not stop it."""
    process = await asyncio.create_subprocess_exec(*JALUR, "run", env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def stop_with_sigterm(process: asyncio.subprocess.Process) -> str:
    """Send SIGTERM and wait for the exit; standard error."""
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    return stderr.decode()


async def _wait_ready(port: int, process: asyncio.subprocess.Process, timeout: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        assert process.returncode is None, "jalur run exited early"
        try:
            if (await get(f"http://127.0.0.1:{port}/readyz"))[0] == 200:
                return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.3)
    raise AssertionError("jalur run never became ready")


async def _wait_not_ready(port: int, timeout: float = 60) -> None:
    """Wait until /readyz answers 503 (it must, while the server still answers)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            status, _ = await get(f"http://127.0.0.1:{port}/readyz")
        except aiohttp.ClientError as exc:
            raise AssertionError(f"jalur run stopped answering before /readyz said 503: {exc!r}") from exc
        if status == 503:
            return
        assert asyncio.get_running_loop().time() < deadline, "/readyz never said 503"
        await asyncio.sleep(0.05)


async def test_jalur_run_reports_health_logs_each_update_and_stops_on_sigterm(
        engine: Engine, database_url: str, fresh_env: dict[str, str], fake_telegram: FakeTelegram, tmp_path: Path) -> None:
    port = free_port()
    async with jalur_run(_env(fresh_env, fake_telegram, database_url, port), tmp_path) as process:
        await _wait_ready(port, process)
        await fake_telegram.reply_to(lambda: fake_telegram.say(4242, "/start"), 4242)
        await fake_telegram.reply_to(lambda: fake_telegram.say(4242, f"my password is {SECRET_WORDS}"), 4242)
        _status, metrics = await get(f"http://127.0.0.1:{port}/metrics")
        assert 'jalur_messages_handled_total{command="start",platform="telegram"} 1.0' in metrics
        assert 'jalur_platform_connected{platform="telegram"} 1.0' in metrics
        text = await stop_with_sigterm(process)
    assert process.returncode == 0, text
    records = [json.loads(line) for line in text.splitlines()]  # every line is JSON (not a terminal)
    handled = [r for r in records if r["logger"] == ACCESS_LOGGER]
    assert [r["command"] for r in handled] == ["start", "onboarding"]
    assert all(r["platform"] == "telegram" and isinstance(r["learner"], int) and r["latency_ms"] >= 0
               for r in handled)
    assert TOKEN not in text and SECRET_WORDS not in text
    assert any("stopped cleanly" in r["message"] for r in records)


async def test_sigterm_during_a_push_pass_loses_nothing(
        engine: Engine, database_url: str, fresh_env: dict[str, str], fake_telegram: FakeTelegram, tmp_path: Path) -> None:
    learners = [6000 + n for n in range(24)]
    await telegram_learners_with_a_due_quiz(engine, learners)
    fake_telegram.send_delay = 0.25  # a slow Telegram: 24 pushes two at a time take about 3 s
    port = free_port()
    env = _env(fresh_env, fake_telegram, database_url, port, JALUR_PUSH_CONCURRENCY="2")
    async with jalur_run(env, tmp_path) as process:
        await fake_telegram.wait_for(lambda: len(fake_telegram.methods("sendMessage")) >= 3, timeout=60)
        stopping = asyncio.create_task(stop_with_sigterm(process))  # in the middle of the pass
        await _wait_not_ready(port)  # not ready while stopping
        stderr = await stopping
    assert process.returncode == 0, stderr
    chats = [int(call.params["chat_id"]) for call in fake_telegram.methods("sendMessage")]
    assert sorted(chats) == learners  # everyone claimed got their quiz, once
    async with engine.db.transaction() as session:
        statuses = dict((await session.execute(
            select(PushDelivery.status, func.count()).where(PushDelivery.kind == "daily_quiz")
            .group_by(PushDelivery.status))).all())
    assert statuses == {"sent": len(learners)}  # nothing claimed and left half-done
