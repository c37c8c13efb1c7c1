"""Group commit: many tasks hand in small writes, one transaction stores all that are waiting.

Each write is an item and the function that stores its kind (``store(session, items)``);
writes of different kinds (a push pass's sent polls and its outcomes) share one
transaction, each kind stored in the order handed in. ``write(store, item)``
returns once the item is committed (or raises what the transaction raised), so
a caller knows its row is stored before it moves on; ``post(store, item)`` does
not wait: the item is committed with the next transaction, so no later write
is committed before it. A busy moment costs one transaction for many items
instead of one each; with ``linger`` the first write of a quiet moment waits
that long for company (at 200 pushes a second, one commit per push was most of
a push's cost).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import Database

log = logging.getLogger(__name__)

T = TypeVar("T")
Store = Callable[[AsyncSession, list[T]], Awaitable[None]]


class GroupCommit:
    """Stores items with their ``store(session, items)`` in shared transactions, in the order handed in."""

    def __init__(self, db: Database, *, linger: float = 0.0) -> None:
        self.db = db
        self.linger = linger
        self._waiting: list[tuple[Store[Any], Any, asyncio.Future[None] | None]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, store: Store[T], item: T) -> None:
        """Store ``item`` with whatever else is waiting; returns when it is committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._hand_in(store, item, done)
        await asyncio.shield(done)  # a cancelled caller's item is still stored

    def post(self, store: Store[T], item: T) -> None:
        """Store ``item`` with the next transaction without waiting (a failure is logged)."""
        self._hand_in(store, item, None)

    def _hand_in(self, store: Store[Any], item: object, done: asyncio.Future[None] | None) -> None:
        self._waiting.append((store, item, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())

    async def _write_all(self) -> None:
        while self._waiting:
            if self.linger:  # let a few more arrive: they share the transaction
                await asyncio.sleep(self.linger)
            batch, self._waiting = self._waiting, []
            kinds: dict[Store[Any], list[Any]] = {}
            for store, item, _ in batch:
                kinds.setdefault(store, []).append(item)
            try:
                async with self.db.transaction() as session:
                    for store, items in kinds.items():
                        await store(session, items)
            except Exception as exc:  # handed to every caller of the batch
                if any(done is None for _, _, done in batch):
                    log.error("a batch of %d writes failed", len(batch), exc_info=exc)
                for _, _, done in batch:
                    if done is not None and not done.done():
                        done.set_exception(exc)
            else:
                for _, _, done in batch:
                    if done is not None and not done.done():
                        done.set_result(None)

    async def drain(self) -> None:
        """Wait until everything handed in so far is written."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)
