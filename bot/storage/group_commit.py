"""Group commit: many tasks hand in small writes, one transaction stores all that are waiting.

Each write is an item and the function that stores its kind (``store(session, items)``);
writes of different kinds (a push pass's sent polls and its outcomes) share one
transaction, each kind stored in the order handed in. ``write(store, item)``
returns once the item is committed (or raises what the transaction raised), so
a caller knows its row is stored before it moves on; ``post(store, item)`` does
not wait: the item is committed with the next transaction, so no later write
is committed before it. A busy moment costs one transaction for many items
instead of one each.

How long the first write of a quiet moment waits for company is its ``linger``
(the default given to the ``GroupCommit``, or the write's own): the batch is
committed when the earliest deadline of what waits has come, or at once when
``full`` writers (callers of ``write``) wait, or when ``hurry`` is called. A
push pass waits up to ``PUSH_LINGER`` and commits when half its senders wait:
at 30 pushes a second a commit for every push or two had been most of a push's
CPU, and a sender that waits for its commit does not send.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import Database

log = logging.getLogger(__name__)

T = TypeVar("T")
Store = Callable[[AsyncSession, list[T]], Awaitable[None]]
PUSH_LINGER = 0.25  # seconds the writes of a push pass (outcomes, sent polls) wait for others at most


class GroupCommit:
    """Stores items with their ``store(session, items)`` in shared transactions, in the order handed in."""

    def __init__(self, db: Database, *, linger: float = 0.0) -> None:
        self.db = db
        self.linger = linger
        self._waiting: list[tuple[Store[Any], Any, asyncio.Future[None] | None]] = []
        self._writers = 0  # callers of ``write`` among the waiting
        self._deadline = math.inf  # when the waiting batch is committed at the latest (loop time)
        self._full = math.inf  # commit at once when this many writers wait
        self._wake: asyncio.Future[None] | None = None  # the writer task waits on this for the batch
        self._writer: asyncio.Task[None] | None = None
        self._draining = 0  # callers of ``drain``: while any waits, nothing lingers

    async def write(self, store: Store[T], item: T, *, linger: float | None = None,
                    full: int | None = None) -> None:
        """Store ``item`` with whatever else is waiting; returns when it is committed. ``linger``: wait at
        most this long for company (default: the GroupCommit's); ``full``: commit at once when this many
        writers wait."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._hand_in(store, item, done, linger, full)
        await done  # a cancelled caller cancels only ``done``: its item is still stored

    def post(self, store: Store[T], item: T, *, linger: float | None = None) -> None:
        """Store ``item`` with the next transaction without waiting (a failure is logged); it is
        committed ``linger`` seconds from now at the latest."""
        self._hand_in(store, item, None, linger, None)

    def hurry(self) -> None:
        """Commit what waits now, without waiting for more company (the end of a push pass)."""
        if self._waiting:
            self._deadline = -math.inf
            self._wake_writer()

    def _hand_in(self, store: Store[Any], item: object, done: asyncio.Future[None] | None,
                 linger: float | None, full: int | None) -> None:
        loop = asyncio.get_running_loop()
        self._waiting.append((store, item, done))
        self._writers += done is not None
        if full is not None:
            self._full = min(self._full, max(1, full))
        deadline = loop.time() + (self.linger if linger is None else linger)
        if deadline < self._deadline or self._writers >= self._full:
            self._deadline = min(self._deadline, deadline)
            self._wake_writer()  # it looks again at when to commit
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())

    def _wake_writer(self) -> None:
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)

    async def _gather(self) -> None:
        """Wait until the batch is due: its earliest deadline, ``full`` writers, or a drain."""
        loop = asyncio.get_running_loop()
        while not self._draining and self._writers < self._full and (delay := self._deadline - loop.time()) > 0:
            self._wake = wake = loop.create_future()
            timer = loop.call_later(delay, self._wake_writer)
            try:
                await wake
            finally:
                timer.cancel()
                self._wake = None

    async def _write_all(self) -> None:
        while self._waiting:
            await self._gather()
            batch, self._waiting = self._waiting, []
            self._writers, self._deadline, self._full = 0, math.inf, math.inf
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
        """Wait until everything handed in so far is written (nothing lingers meanwhile)."""
        self._draining += 1
        try:
            while self._writer is not None and not self._writer.done():
                self._wake_writer()
                await asyncio.shield(self._writer)
        finally:
            self._draining -= 1
