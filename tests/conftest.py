"""Test fixtures: a real database (SQLite file or PostgreSQL), the shipped
knowledge base, the engine, and a ``Chat`` that talks to it like a learner.

Every database test runs twice, on SQLite and on PostgreSQL. PostgreSQL comes
from ``JALUR_TEST_POSTGRES_URL`` (default: the local server, database
``test``); each test process (each pytest-xdist worker) creates its own
database there, named after the worker, and drops it at the end, so parallel
workers and parallel runs never share tables. SQLite files live in each
test's own ``tmp_path``. Without a reachable server the PostgreSQL half is
skipped with a message, except on CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from chat import Chat
from discord_harness import Discord, login
from fake_discord import FakeDiscord
from fake_telegram import FakeTelegram
from recording_sender import RecordingSender
from sqlalchemy import make_url, text

from bot.content.loader import KnowledgeBase, load_knowledge
from bot.engine import Engine
from bot.outbound import Senders
from bot.pushes.delivery import PushRunner
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import Base

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The knowledge base shipped with Jalur."""
    return load_knowledge()


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Default settings, independent of the developer's environment."""
    return Settings(_env_file=None, database_url="sqlite+aiosqlite:///unused.db",
                    default_language="en", default_timezone="Asia/Jakarta")


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await db.upgrade()
    finally:
        await db.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "jalur.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


async def _admin_execute(admin_url: str, statement: str) -> None:
    db = Database(admin_url, source="JALUR_TEST_POSTGRES_URL")
    try:
        await db.autocommit(statement)
    finally:
        await db.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test process (one per xdist worker)."""
    admin_url = os.environ.get("JALUR_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # gw0, gw1... under pytest-xdist
    name = f"jalur_test_{worker}_{uuid.uuid4().hex[:12]}"  # unique also across runs at the same time
    try:
        asyncio.run(_admin_execute(admin_url, f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server
        message = f"PostgreSQL not reachable at {make_url(admin_url).render_as_string(hide_password=True)}: {exc}"
        if ON_CI:
            pytest.fail(f"{message} (CI requires PostgreSQL)")
        pytest.skip(f"{message}; set JALUR_TEST_POSTGRES_URL to run the PostgreSQL half")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_migrate(url))
    yield url
    asyncio.run(_admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Which database backend this test runs on."""
    return request.param


async def _empty_all(url: str) -> None:
    """Every table empty and every id counting from 1 again, as after ``TRUNCATE ... RESTART IDENTITY``.

    ``DELETE`` and ``setval`` take a few milliseconds on tables this small; ``TRUNCATE`` makes new
    files for every table and takes about a third of a second, before every PostgreSQL test.
    """
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):  # rows that point at others go first
                await conn.execute(table.delete())
            await conn.execute(text("SELECT setval(c.oid, 1, false) FROM pg_class c "
                                    "WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace"))
    finally:
        await db.close()


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A clean, migrated database for one test."""
    if backend == "sqlite":
        path = tmp_path / "jalur.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    asyncio.run(_empty_all(url))
    return url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """The test's database."""
    database = Database(database_url)
    yield database
    await database.close()


@pytest.fixture
def engine(db: Database, kb: KnowledgeBase, settings: Settings) -> Engine:
    """The engine on the test's database."""
    return Engine(db, kb, settings)


@pytest.fixture
def sender() -> RecordingSender:
    """A platform named ``test`` that records what it is sent (pushes)."""
    return RecordingSender()


@pytest.fixture
def runner(engine: Engine, sender: RecordingSender) -> PushRunner:
    """A push runner that delivers through ``sender``."""
    senders = Senders()
    senders.add("test", sender)
    return PushRunner(engine, senders)


@pytest.fixture
def chat(engine: Engine) -> Chat:
    """A new learner chatting with the engine."""
    return Chat(engine)


@pytest.fixture
def fresh_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for running the ``jalur`` command: no JALUR_* from outside."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JALUR_")}
    env["HOME"] = str(tmp_path / "home")
    env["XDG_DATA_HOME"] = str(tmp_path / "home" / "data")
    env["JALUR_METRICS_PORT"] = "0"  # tests that want the health endpoints pick a free port
    yield env


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """A fake Telegram Bot API on a local port (recording every call)."""
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A fake Discord API on a local port."""
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def discord_bot(engine: Engine, settings: Settings, fake: FakeDiscord) -> AsyncIterator[Discord]:
    """The Discord adapter logged in against the fake Discord API."""
    bot = await login(engine, settings, fake)
    yield bot
    await bot.adapter.client.close()
