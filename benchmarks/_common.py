"""Helpers shared by the engine and memory benchmarks (not a benchmark itself).

Migrated throwaway databases (SQLite files, PostgreSQL databases created and
dropped per run, as ``pushes.py`` does), the fake Telegram Bot API in its own
process, the learner conversation the benchmarks replay, a SQL statement
counter and small statistics helpers.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, make_url

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT), str(ROOT / "tests")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from bot.conversation import Reply  # noqa: E402
from bot.storage.database import Database  # noqa: E402

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
# Onboarding (not measured): /start, then the buttons' payloads.
ONBOARDING = ("/lang en", "/track go", "/level 0", "/tz Asia/Jakarta")
# The measured conversation, one round per learner: a text, a button, a text, a button.
STEPS = ("next", "done", "quiz", "answer")


# --- databases -------------------------------------------------------------------

async def _admin(url: str, statement: str) -> None:
    db = Database(url)
    try:
        await db.autocommit(statement)
    finally:
        await db.close()


class Backends:
    """Creates migrated databases (SQLite files, PostgreSQL databases) and drops them at the end."""

    def __init__(self, postgres: str | None) -> None:
        self.postgres = postgres
        self.tmp = tempfile.TemporaryDirectory(prefix="jalur-bench-")
        self.created: list[str] = []

    def url(self, backend: str, name: str) -> str:
        """A fresh URL (a new PostgreSQL database is only named here; ``create`` makes it)."""
        if backend == "sqlite":
            return f"sqlite+aiosqlite:///{self.tmp.name}/{name}-{uuid.uuid4().hex[:6]}.db"
        assert self.postgres is not None
        database = f"jalur_bench_{name}_{uuid.uuid4().hex[:8]}"
        return make_url(self.postgres).set(database=database).render_as_string(hide_password=False)

    async def new(self, backend: str, name: str) -> Database:
        """A migrated database, opened."""
        url = self.url(backend, name)
        if backend != "sqlite":
            database = make_url(url).database
            await _admin(self.postgres or "", f'CREATE DATABASE "{database}"')
            self.created.append(str(database))
        db = Database(url)
        await db.upgrade()
        return db

    async def drop(self, db: Database) -> None:
        """Close ``db`` and, for PostgreSQL, drop it now (big databases should not pile up)."""
        await db.close()
        if not db.is_sqlite and db.url.database in self.created:
            await _admin(self.postgres or "", f'DROP DATABASE IF EXISTS "{db.url.database}" WITH (FORCE)')
            self.created.remove(str(db.url.database))
        elif db.is_sqlite:
            Path(db.url.database or "").unlink(missing_ok=True)

    async def close(self) -> None:
        for database in self.created:
            await _admin(self.postgres or "", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.created.clear()
        self.tmp.cleanup()


async def postgres_reachable(url: str | None) -> bool:
    """True when the admin URL answers (the PostgreSQL half is skipped otherwise)."""
    if not url:
        return False
    try:
        await _admin(url, "SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means: skip PostgreSQL
        print(f"(PostgreSQL at {url} not reachable, skipped: {type(exc).__name__})")
        return False
    return True


# --- the fake Bot API in its own process --------------------------------------------

@contextmanager
def fake_telegram_process(rate: float | None = None, *, delay: float = 0.0) -> Iterator[int]:
    """``python tests/fake_telegram.py`` in a subprocess (no rate limit by default); yields its port."""
    command = [sys.executable, str(ROOT / "tests" / "fake_telegram.py"), "--delay", str(delay)]
    if rate is not None:
        command += ["--rate", str(rate)]
    fake = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert fake.stdout is not None
        yield int(fake.stdout.readline())
    finally:
        fake.terminate()
        fake.wait()


# --- the conversation ------------------------------------------------------------------

def button(replies: Sequence[Reply], prefix: str) -> str | None:
    """The payload of the first button whose payload starts with ``prefix``."""
    return next((b.payload for r in replies for b in r.flat_buttons if b.payload.startswith(prefix)), None)


def answer_payload(replies: Sequence[Reply], rng: random.Random) -> str | None:
    """A choice option or "I don't know" (``/answer ID ?``) from a question's buttons."""
    options = [b.payload for r in replies for b in r.flat_buttons if b.payload.startswith("/answer ")]
    return rng.choice(options) if options else None


def reply_with_button(replies: Sequence[Reply], prefix: str) -> Reply | None:
    """The reply that carries a button whose payload starts with ``prefix``."""
    return next((r for r in replies if any(b.payload.startswith(prefix) for b in r.flat_buttons)), None)


# --- SQL statements ----------------------------------------------------------------------

class StatementCounter:
    """Counts SQL statements sent to the database (a ``before_cursor_execute`` listener)."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        self._engine = db.engine.sync_engine
        event.listen(self._engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: object) -> None:
        self.count += 1

    def close(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._seen)


# --- statistics ------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def verdict(met: bool) -> str:
    return "target met" if met else "target missed"
