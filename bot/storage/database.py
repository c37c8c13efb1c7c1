"""Database URLs, the async engine, transactions and migrations.

The same code path serves SQLite (the embedded default) and PostgreSQL.
Problems with the URL or the server raise ``DatabaseError`` with a message
that names the setting it came from and never shows a password.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, make_url, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

SETTING = "JALUR_DATABASE_URL"
CONNECT_TIMEOUT_SECONDS = 10


class DatabaseError(RuntimeError):
    """The database URL is invalid or the database cannot be reached."""


def normalize_url(raw: str, source: str = SETTING) -> URL:
    """Turn what a user typed into an async SQLAlchemy URL.

    Accepts ``sqlite:///file``, ``postgresql://...``, ``postgres://...`` and a
    plain file path (taken as a SQLite file); async drivers are filled in.
    """
    text = raw.strip()
    if not text:
        raise DatabaseError(f"{source} is empty; give a URL such as sqlite+aiosqlite:///jalur.db")
    if "://" not in text:
        if text.startswith(("postgres", "sqlite", "mysql")) and ":" in text:
            raise DatabaseError(f"{source} is not a valid database URL: {text!r}")
        path = Path(text).expanduser()
        text = f"sqlite+aiosqlite:///{path}"
    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(f"{source} is not a valid database URL: {_hide(text)}") from exc
    backend = url.get_backend_name()
    if backend == "postgres" or (backend == "postgresql" and url.get_driver_name() != "asyncpg"):
        url = url.set(drivername="postgresql+asyncpg")
    elif backend == "sqlite" and url.get_driver_name() != "aiosqlite":
        url = url.set(drivername="sqlite+aiosqlite")
    elif backend not in {"sqlite", "postgresql"}:
        raise DatabaseError(
            f"{source} uses {backend!r}; Jalur supports sqlite+aiosqlite:// and postgresql+asyncpg://"
        )
    if url.get_backend_name() == "sqlite" and url.database in (None, ""):
        raise DatabaseError(f"{source} names no SQLite file; use sqlite+aiosqlite:///path/to/jalur.db")
    return url


def insert_for(dialect: str) -> Any:
    """The dialect's ``insert`` (the one with ON CONFLICT), loading only that dialect's module.

    SQLAlchemy's PostgreSQL dialect takes about 40 ms to import, which a SQLite ``jalur chat``
    need not spend.
    """
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _hide(text: str) -> str:
    try:
        return make_url(text).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return text.split("@")[-1] if "@" in text else text


def _prepare_sqlite(dbapi_connection: object, _record: object) -> None:
    """Foreign keys on; write-ahead logging, so readers (another `jalur` command) never block the writer."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable across crashes of the process
    cursor.close()


class Database:
    """An async engine plus a session factory for one database URL."""

    def __init__(self, url: str | URL, *, source: str = SETTING, echo: bool = False) -> None:
        self.url = normalize_url(url, source) if isinstance(url, str) else url
        self.source = source
        self.display_url = self.url.render_as_string(hide_password=True)
        if self.is_sqlite and self.url.database != ":memory:":
            Path(self.url.database or "").expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            connect_args = {} if self.is_sqlite else {"timeout": CONNECT_TIMEOUT_SECONDS}
            driver: dict[str, Any] = {}
            if self.is_sqlite:  # one trip to aiosqlite's thread per statement (imported only for SQLite)
                from bot.storage.sqlite_driver import one_trip_dbapi

                driver["module"] = one_trip_dbapi()
            # A SQLite file cannot drop a connection, so only PostgreSQL pings on checkout. Statement
            # parameters (what learners typed) stay out of error messages and logs.
            self.engine: AsyncEngine = create_async_engine(
                self.url, echo=echo, pool_pre_ping=not self.is_sqlite, connect_args=connect_args,
                hide_parameters=True, **driver,
            )
        except (ArgumentError, NoSuchModuleError) as exc:
            raise DatabaseError(f"{source} cannot be used ({self.display_url}): {exc}") from exc
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _prepare_sqlite)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time: transactions of this process take turns here instead of
        # polling the file lock (busy_timeout), which made latency spike under load.
        self._turn = asyncio.Lock() if self.is_sqlite else None

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded SQLite backend."""
        return self.url.get_backend_name() == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed on success, rolled back on error."""
        if self._turn is None:
            async with self.sessions() as session, session.begin():
                yield session
            return
        async with self._turn, self.sessions() as session, session.begin():
            yield session

    async def upgrade(self) -> None:
        """Apply every pending Alembic migration (raises ``DatabaseError`` if unreachable).

        A database already at the newest migration is only asked for its version: Alembic, about
        0.3 s to import, is loaded when there is something to migrate (every command that opens
        the database calls this first).
        """
        try:
            async with self.engine.begin() as connection:
                if not await connection.run_sync(_at_head):
                    await connection.run_sync(_run_upgrade)
        except (OperationalError, DBAPIError, OSError) as exc:
            raise DatabaseError(self._unreachable(exc)) from exc

    def _unreachable(self, exc: BaseException) -> str:
        reason = getattr(exc, "orig", None) or exc
        text = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
        return f"cannot reach the database from {self.source} ({self.display_url}): {text}"

    async def autocommit(self, statement: str) -> None:
        """Run one statement outside a transaction (CREATE DATABASE, ANALYZE)."""
        async with self.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))

    async def close(self) -> None:
        """Dispose of the connection pool."""
        await self.engine.dispose()


def alembic_config() -> Config:
    """Alembic configuration pointing at the migrations shipped in the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("bot.storage") / "migrations"))
    return cfg


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=(.*)$", re.MULTILINE)


def migration_heads() -> frozenset[str]:
    """The newest migration(s): revisions no other migration names as its ``down_revision``.

    Read from the migration files' ``revision =`` and ``down_revision =`` lines without Alembic
    (a test checks this against Alembic's own answer).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (resources.files("bot.storage") / "migrations" / "versions").iterdir():
        if path.name.endswith(".py"):
            for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
                ids = re.findall(r"""["']([^"']+)["']""", value)
                (revisions if name == "revision" else parents).update(ids)
    return frozenset(revisions - parents)


def _at_head(connection: Connection) -> bool:
    """True when the database's Alembic version is the newest migration (nothing to apply)."""
    heads = migration_heads()
    if len(heads) != 1 or not inspect(connection).has_table("alembic_version"):
        return False
    versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return versions == list(heads)


def _run_upgrade(connection: Connection) -> None:
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")
