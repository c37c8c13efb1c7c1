"""Group commit: many tasks hand in small writes, one transaction stores all that are waiting.

``write(item)`` returns once the item is committed (or raises what the
transaction raised), so a caller knows its row is stored before it moves on,
while a busy moment costs one transaction for many items instead of one each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import Database

log = logging.getLogger(__name__)

T = TypeVar("T")


class GroupCommit(Generic[T]):
    """Stores items with ``store(session, items)`` in shared transactions, in the order handed in."""

    def __init__(self, db: Database, store: Callable[[AsyncSession, list[T]], Awaitable[None]], *,
                 linger: float = 0.0) -> None:
        self.db = db
        self.store = store
        self.linger = linger
        self._waiting: list[tuple[T, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, item: T) -> None:
        """Store ``item`` with whatever else is waiting; returns when it is committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        await asyncio.shield(done)  # a cancelled caller's item is still stored

    async def _write_all(self) -> None:
        if self.linger:  # let a few more arrive: one transaction per batch is most of a push's cost
            await asyncio.sleep(self.linger)
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                async with self.db.transaction() as session:
                    await self.store(session, [item for item, _ in batch])
            except Exception as exc:  # noqa: BLE001 - handed to every caller of the batch
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def drain(self) -> None:
        """Wait until everything handed in so far is written."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)
