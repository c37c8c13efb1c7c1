"""Telegram's webhook in a real `jalur run`: the secret is checked before the body is read, bodies
over 1 MB get 413, and an update delivered twice, to two processes on one database, is answered once."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from fake_telegram import FakeTelegram
from test_operations import _env, _wait_ready, free_port, jalur_run

from bot.engine import Engine

SECRET = "hook-s3cret_value"
PATH = "/hooks/telegram"
LEARNER = 5150
MB = 1024 * 1024
HELP = "/reminders"  # in the reply to /help


@asynccontextmanager
async def webhook_process(fresh_env: dict[str, str], fake_telegram: FakeTelegram, database_url: str,
                          cwd: Path) -> AsyncIterator[tuple[asyncio.subprocess.Process, int]]:
    """`jalur run` in webhook mode, ready; its process and webhook port."""
    port, health = free_port(), free_port()
    env = _env(fresh_env, fake_telegram, database_url, health, JALUR_PUSHES="false", JALUR_LOG_LEVEL="INFO",
               JALUR_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}{PATH}", JALUR_TELEGRAM_WEBHOOK_SECRET=SECRET,
               JALUR_TELEGRAM_LISTEN="127.0.0.1", JALUR_TELEGRAM_PORT=str(port))
    async with jalur_run(env, cwd) as process:
        await _wait_ready(health, process)
        yield process, port


def _update(update_id: int, text: str) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "chat": {"id": LEARNER, "type": "private"},
        "from": {"id": LEARNER, "is_bot": False, "first_name": "a", "language_code": "en"}, "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}}


async def post(port: int, body: Any, secret: str | None = SECRET) -> int | None:
    """A POST as Telegram makes it; the status (None: the server closed the connection while the
    body was still being written)."""
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    try:
        async with aiohttp.ClientSession() as session, session.post(
                f"http://127.0.0.1:{port}{PATH}", data=data, headers=headers) as response:
            return response.status
    except aiohttp.ClientOSError:
        return None


def raw_post(port: int, length: int, secret: str) -> tuple[str, int]:
    """Headers announcing ``length`` bytes, then as much of the body as the server takes: the status
    line it answered ('' when it only closed the connection) and the bytes it let in."""
    head = (f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\nX-Telegram-Bot-Api-Secret-Token: {secret}\r\n\r\n")
    chunk = b"x" * 65536
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(head.encode())
        try:
            while sent < length:
                sent += client.send(chunk[: length - sent])
        except OSError:  # closed by the server (or it stopped reading: the timeout)
            pass
        try:
            status = client.recv(4096).split(b"\r\n")[0].decode()
        except OSError:
            status = ""
    return status, sent


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


async def test_the_secret_and_the_size_are_checked_before_the_body_is_read(
        engine: Engine, database_url: str, fresh_env: dict[str, str], fake_telegram: FakeTelegram, tmp_path: Path) -> None:
    async with webhook_process(fresh_env, fake_telegram, database_url, tmp_path) as (process, port):
        registered = fake_telegram.methods("setWebhook")[-1].params
        assert registered["url"].endswith(f":{port}{PATH}") and registered["secret_token"] == SECRET
        before = rss_mb(process.pid)
        for _ in range(4):  # what took the process from 117 MB to 559 MB
            status, taken = await asyncio.to_thread(raw_post, port, 90 * MB, "wrong-secret")
            assert status in ("HTTP/1.1 403 Forbidden", ""), status
            assert taken < 45 * MB  # the server closed the connection; the body was not read
        assert rss_mb(process.pid) - before < 30
        assert await post(port, _update(1, "/help"), secret=None) == 403
        status, taken = await asyncio.to_thread(raw_post, port, 2 * MB, SECRET)
        assert status == "HTTP/1.1 413 Request Entity Too Large"

        async def chunked() -> AsyncIterator[bytes]:  # no Content-Length: refused while reading
            for _ in range(40):
                yield b" " * 65536

        assert await post(port, chunked()) in (413, None)  # read up to 1 MB, then refused and closed
        assert await post(port, b"not json") == 400
        assert await post(port, _update(7, "/start")) == 200
        await fake_telegram.wait_for(lambda: any("Welcome" in c.text for c in fake_telegram.sent(LEARNER)))
    assert [c.text.split(",")[0] for c in fake_telegram.sent(LEARNER)] == ["👋 Welcome to Jalur"]  # only update 7


async def test_an_update_delivered_to_two_processes_is_answered_once(
        engine: Engine, database_url: str, fresh_env: dict[str, str], fake_telegram: FakeTelegram, tmp_path: Path) -> None:
    async with AsyncExitStack() as stack:
        (_, first), (_, second) = await asyncio.gather(
            stack.enter_async_context(webhook_process(fresh_env, fake_telegram, database_url, tmp_path)),
            stack.enter_async_context(webhook_process(fresh_env, fake_telegram, database_url, tmp_path)))
        statuses = await asyncio.gather(*(post(port, _update(42, "/start")) for port in (first, second, first)))
        assert statuses == [200, 200, 200]  # Telegram is told it arrived, every time
        # Each process decided before answering; both are still answering other updates:
        # (one learner's updates are answered in order, so a second welcome would come before these)
        assert await post(second, _update(43, "/help")) == 200
        assert await post(first, _update(44, "/help")) == 200
        await fake_telegram.wait_for(lambda: sum(HELP in c.text for c in fake_telegram.sent(LEARNER)) >= 2)
    texts = [c.text for c in fake_telegram.sent(LEARNER)]
    assert sum(t.startswith("👋 Welcome to Jalur") for t in texts) == 1, texts


async def test_delivered_update_ids_are_remembered_for_a_day(engine: Engine) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import func, select

    from bot.storage.tables import SeenUpdate

    start = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert await engine.claim_update("telegram", 1, now=start)
    assert not await engine.claim_update("telegram", 1, now=start + timedelta(hours=23))
    assert await engine.claim_update("discord", 1, now=start)  # another platform's ids are its own
    assert await engine.claim_update("telegram", 2, now=start + timedelta(days=2))  # prunes the old ones
    async with engine.db.transaction() as session:
        left = (await session.execute(select(SeenUpdate.platform, SeenUpdate.update_id))).all()
        assert await session.scalar(select(func.count()).select_from(SeenUpdate)) == 1
    assert left == [("telegram", 2)]
