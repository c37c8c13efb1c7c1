"""An operator's terminal: the real ``jalur`` command, one clear line and a non-zero exit for every
error, never a token, a secret or a traceback; and a quiet exit when the reader of its output leaves."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest
from fake_telegram import FakeTelegram
from test_console_errors import JALUR
from test_operations import free_port

REJECTED = "987654321:AAH-this-token-was-revoked-long-ago-xyz"  # a token the fake Bot API does not know


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("jalur: error:")]


async def _jalur(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    """``jalur ARGS`` as a process, without blocking the loop that serves the fake Bot API."""
    process = await asyncio.create_subprocess_exec(*JALUR, *args, env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


@pytest.mark.parametrize("command", [["run"], ["pushes", "tick"]])
async def test_a_rejected_telegram_token_is_one_line_without_the_token(
        command: list[str], fresh_env: dict[str, str], tmp_path: Path) -> None:
    fake = FakeTelegram()
    await fake.start()
    try:
        env = {**fresh_env, "JALUR_TELEGRAM_TOKEN": REJECTED, "JALUR_TELEGRAM_API_URL": fake.api_url,
               "JALUR_DATABASE_URL": str(tmp_path / "jalur.db"), "JALUR_METRICS_PORT": "0"}
        code, stdout, stderr = await _jalur(*command, env=env, cwd=tmp_path)
    finally:
        await fake.stop()
    assert code == 1, stderr
    assert _errors(stderr) == [stderr.strip().splitlines()[-1]]
    assert "Telegram" in _errors(stderr)[0] and "rejected" in _errors(stderr)[0]
    assert "AAH-this-token" not in stdout + stderr and "Traceback" not in stderr


def test_pushes_tick_with_an_unreachable_bot_api_is_one_line(fresh_env: dict[str, str], tmp_path: Path) -> None:
    env = {**fresh_env, "JALUR_TELEGRAM_TOKEN": REJECTED, "JALUR_DATABASE_URL": str(tmp_path / "jalur.db"),
           "JALUR_TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}/bot"}  # nobody listens there
    result = subprocess.run([*JALUR, "pushes", "tick"], capture_output=True, text=True, env=env, cwd=tmp_path,
                            timeout=120, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == _errors(result.stderr), result.stderr
    assert "Telegram could not start" in result.stderr and "Traceback" not in result.stderr
    assert "AAH-this-token" not in result.stderr


def test_a_closed_pipe_ends_the_chat_quietly(fresh_env: dict[str, str], tmp_path: Path) -> None:
    typed = tmp_path / "typed.txt"
    typed.write_text("/help\n" * 300, encoding="utf-8")  # far more output than a pipe holds
    with typed.open("rb") as stdin:
        process = subprocess.Popen([*JALUR, "chat", "--user", "pipe", "--db", str(tmp_path / "j.db")], stdin=stdin,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=fresh_env, cwd=tmp_path)
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()  # `| head -1`
        process.stdout.close()
        stderr = process.stderr.read()
        code = process.wait(timeout=120)
    assert first.startswith(b"> /help")
    assert stderr == b""  # no BrokenPipeError, no "Exception ignored"
    assert code == 141  # like any tool a closed pipe ends (128 + SIGPIPE)
