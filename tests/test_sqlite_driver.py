"""SQLite statements take one trip each to aiosqlite's thread, and still behave as SQLAlchemy's own
adapter: rows, row counts, generated ids, executemany, and errors raised as SQLAlchemy's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.storage.database import Database


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'one_trip.db'}")
    async with database.transaction() as session:
        await session.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT UNIQUE, n INTEGER)"))
    yield database
    await database.close()


async def test_statements_return_rows_counts_and_ids_as_before(sqlite: Database) -> None:
    async with sqlite.transaction() as session:
        inserted = await session.execute(text("INSERT INTO notes (body, n) VALUES ('a', 1)"))
        assert inserted.lastrowid == 1
        many = await session.execute(text("INSERT INTO notes (body, n) VALUES (:body, :n)"),
                                     [{"body": "b", "n": 2}, {"body": "c", "n": 3}])
        assert many.rowcount == 2
        updated = await session.execute(text("UPDATE notes SET n = n + 10 WHERE n >= 2"))
        assert updated.rowcount == 2
        rows = await session.execute(text("SELECT body, n FROM notes ORDER BY id"))
        assert rows.all() == [("a", 1), ("b", 12), ("c", 13)]
        assert (await session.execute(text("SELECT body FROM notes WHERE n > 100"))).all() == []


async def test_a_constraint_error_is_sqlalchemys_and_nothing_is_half_written(sqlite: Database) -> None:
    async with sqlite.transaction() as session:
        await session.execute(text("INSERT INTO notes (body, n) VALUES ('kept', 1)"))
    with pytest.raises(IntegrityError, match="UNIQUE"):
        async with sqlite.transaction() as session:
            await session.execute(text("INSERT INTO notes (body, n) VALUES ('other', 2)"))
            await session.execute(text("INSERT INTO notes (body, n) VALUES ('kept', 3)"))
    async with sqlite.transaction() as session:
        assert (await session.execute(text("SELECT body FROM notes"))).scalars().all() == ["kept"]


async def test_a_statement_is_one_trip_to_the_worker_thread(sqlite: Database,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    async with sqlite.transaction() as session:
        worker = (await session.connection()).sync_connection.connection.driver_connection  # type: ignore[union-attr]
        trips: list[object] = []
        trip = worker._execute

        def counted(function: object, *args: object, **kwargs: object) -> object:
            trips.append(function)
            return trip(function, *args, **kwargs)

        monkeypatch.setattr(worker, "_execute", counted)
        await session.execute(text("INSERT INTO notes (body, n) VALUES ('x', 1)"))
        await session.execute(text("SELECT * FROM notes"))
        assert len(trips) == 2  # SQLAlchemy's own adapter took 3 or 4: cursor, execute, fetch, close
