"""Group commit: writes of different kinds share transactions, in the order handed in; a posted
write is committed no later than any write handed in after it; a failure reaches every writer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import Database
from bot.storage.group_commit import GroupCommit


class Log:
    """Stores that note what each transaction stored (after a real statement in it)."""

    def __init__(self) -> None:
        self.transactions: dict[int, list[tuple[str, object]]] = {}

    def store(self, kind: str, *, fail: bool = False) -> Callable[[AsyncSession, list[object]], Awaitable[None]]:
        async def write(session: AsyncSession, items: list[object]) -> None:
            await session.execute(text("SELECT 1"))
            if fail:
                raise RuntimeError(f"{kind} refused")
            self.transactions.setdefault(id(session), []).extend((kind, item) for item in items)
        return write


async def test_kinds_share_a_transaction_in_order(db: Database) -> None:
    log, writes = Log(), GroupCommit(db, linger=0.01)
    polls, outcomes = log.store("poll"), log.store("outcome")
    writes.post(polls, "p1")
    await asyncio.gather(writes.write(outcomes, 1), writes.write(polls, "p2"), writes.write(outcomes, 2))
    assert list(log.transactions.values()) == [[("poll", "p1"), ("poll", "p2"), ("outcome", 1), ("outcome", 2)]]


async def test_a_posted_write_is_stored_by_the_time_a_later_write_returns(db: Database) -> None:
    log, writes = Log(), GroupCommit(db)
    polls, outcomes = log.store("poll"), log.store("outcome")
    for n in range(5):
        writes.post(polls, n)
        await writes.write(outcomes, n)
        stored = [item for items in log.transactions.values() for item in items]
        assert ("poll", n) in stored and ("outcome", n) in stored


async def test_a_failed_transaction_reaches_every_writer_and_is_logged_for_posts(
        db: Database, caplog: pytest.LogCaptureFixture) -> None:
    log, writes = Log(), GroupCommit(db, linger=0.01)  # the three share one batch
    writes.post(log.store("poll"), "p")
    with caplog.at_level(logging.ERROR, logger="bot.storage.group_commit"):
        results = await asyncio.gather(writes.write(log.store("outcome", fail=True), 1),
                                       writes.write(log.store("outcome"), 2), return_exceptions=True)
    assert [type(r) for r in results] == [RuntimeError, RuntimeError]
    assert "batch of 3 writes failed" in caplog.text
    failed = set(log.transactions)
    await writes.write(log.store("outcome"), 3)  # the next batch is a transaction of its own
    assert [items for tid, items in log.transactions.items() if tid not in failed] == [[("outcome", 3)]]


NEVER = 3600.0  # a linger no test waits out: returning at all proves the batch did not wait for it
GUARD = 30.0  # seconds before a hung write fails the test instead of hanging the run


async def test_a_batch_is_committed_once_full_writers_wait(db: Database) -> None:
    log, writes = Log(), GroupCommit(db, linger=NEVER)
    outcomes = log.store("outcome")
    writes.post(log.store("poll"), "p", linger=NEVER)
    await asyncio.wait_for(asyncio.gather(*(writes.write(outcomes, n, full=3) for n in range(3))), GUARD)
    assert list(log.transactions.values()) == [[("poll", "p"), ("outcome", 0), ("outcome", 1), ("outcome", 2)]]


async def test_a_write_waits_for_company_at_most_its_own_linger(db: Database) -> None:
    log, writes = Log(), GroupCommit(db, linger=NEVER)
    writes.post(log.store("poll"), "p", linger=NEVER)
    await asyncio.wait_for(writes.write(log.store("outcome"), 1, linger=0.01), GUARD)
    assert list(log.transactions.values()) == [[("poll", "p"), ("outcome", 1)]]


async def test_hurry_and_drain_commit_what_waits_without_lingering(db: Database) -> None:
    log, writes = Log(), GroupCommit(db)
    outcomes = log.store("outcome")
    waiting = asyncio.create_task(writes.write(outcomes, 1, linger=NEVER, full=10))
    await asyncio.sleep(0)  # handed in
    writes.hurry()
    await asyncio.wait_for(waiting, GUARD)
    writes.post(outcomes, 2, linger=NEVER)
    await asyncio.wait_for(writes.drain(), GUARD)
    assert [item for items in log.transactions.values() for item in items] == [("outcome", 1), ("outcome", 2)]


async def test_a_cancelled_writer_still_has_its_item_stored(db: Database) -> None:
    log, writes = Log(), GroupCommit(db, linger=NEVER)
    outcomes = log.store("outcome")
    cancelled = asyncio.create_task(writes.write(outcomes, 1))
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.wait_for(writes.write(outcomes, 2, linger=0), GUARD)
    assert list(log.transactions.values()) == [[("outcome", 1), ("outcome", 2)]]
