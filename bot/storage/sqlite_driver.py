"""SQLAlchemy's aiosqlite adapter, with each statement run in one hand-off to aiosqlite's thread.

SQLAlchemy's adapter makes three or four trips to aiosqlite's worker thread for
one statement (open a cursor, execute, fetch the rows, close the cursor), and
each trip wakes both threads: at 30 pushes a second those trips were the most
frequent reason the process woke up, and on a core that had gone idle each
wake-up costs far more than the work it carries. ``OneTripCursor`` runs all
four steps in one function on the worker thread and keeps the rows, the
description, the row count and the last row id. Server-side cursors (streamed
results) keep SQLAlchemy's own class.

Written here rather than taken from a library because none offers it: it is a
subclass of SQLAlchemy's adapter classes (pinned in ``requirements.lock``;
the whole test suite runs on it).
"""

from __future__ import annotations

import collections
import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

log = logging.getLogger(__name__)

Outcome = tuple[Any, collections.deque[Any], int, Any]  # description, rows, row count, last row id


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> Outcome:
    """On aiosqlite's thread: execute, read every row, close the cursor."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = collections.deque(cursor.fetchall()) if description else collections.deque()
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose statements each take one trip to the worker thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:  # no trip to open a cursor
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._rows = collections.deque()
        self._soft_closed_memoized = EMPTY_DICT
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: Any = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    async def _async_soft_close(self) -> None:
        """Nothing to close: the thread closed its cursor after the statement."""

    def close(self) -> None:
        self._rows.clear()

    def _trip(self, operation: str, parameters: Any, many: bool) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        try:
            outcome: Outcome = await_(connection._execute(_run, connection._conn, operation, parameters, many))
        except Exception as error:  # noqa: BLE001 - SQLAlchemy's handler raises it as a DBAPI error
            self._adapt_connection._handle_exception(error)
        self._description, self._rows, self._rowcount, self._lastrowid = outcome

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._trip(operation, parameters, False)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> None:
        self._trip(operation, seq_of_parameters, True)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite connection with ``OneTripCursor`` as its buffered cursor."""

    __slots__ = ()
    _cursor_cls = OneTripCursor


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module SQLAlchemy's aiosqlite dialect is given (``create_async_engine(module=...)``)."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        connection = super().connect(*arg, **kw)
        connection.__class__ = OneTripConnection  # same slots: only the cursor class differs
        return connection  # type: ignore[return-value]


def one_trip_dbapi() -> OneTripDBAPI:
    """The DBAPI module for ``sqlite+aiosqlite`` engines."""
    return OneTripDBAPI(aiosqlite, sqlite3)
