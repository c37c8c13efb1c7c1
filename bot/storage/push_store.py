"""Queries for pushes: the schedule index (what is due when) and the delivery ledger.

Claiming is safe with several processes on one PostgreSQL: due schedule rows
and unfinished ledger rows are read ``FOR UPDATE SKIP LOCKED`` (each process
takes different rows), and a ledger row is inserted with ``ON CONFLICT DO
NOTHING`` on (kind, subject, period), so an occurrence is claimed once even
if two processes saw it. SQLite has neither row locks nor concurrent
writers: there one process runs the scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import insert_for
from bot.storage.tables import PushDelivery, PushSchedule

log = logging.getLogger(__name__)

# The kinds of push, as stored in the ``kind`` column (when each is due: ``bot.pushes.kinds``).
DAILY_QUIZ = "daily_quiz"
WEEKLY_NUDGE = "weekly_nudge"
STREAK_RISK = "streak_risk"
LEARNER_KINDS = (DAILY_QUIZ, WEEKLY_NUDGE, STREAK_RISK)  # the subject is a learner's id
GROUP_QUIZ = "group_quiz"
GROUP_WEEKLY = "group_weekly"
GROUP_KINDS = (GROUP_QUIZ, GROUP_WEEKLY)  # the subject is a study group's id


_LEDGER: Table = PushDelivery.__table__  # type: ignore[assignment]
# Outcomes are written with Core statements built once (no ORM bookkeeping, compiled once per dialect):
# recording is the one write every push makes.
_FINISH_SENT = (
    update(_LEDGER).where(_LEDGER.c.id.in_(bindparam("ids", expanding=True)))
    .values(status="sent", retry_at=None, detail=None, platform=bindparam("platform"),
            finished_at=bindparam("now", type_=_LEDGER.c.finished_at.type))
)
_FINISH = (
    update(_LEDGER).where(_LEDGER.c.id == bindparam("delivery_id"))
    .values(status=bindparam("status"), retry_at=bindparam("retry_at", type_=_LEDGER.c.retry_at.type), detail=bindparam("detail"),
            platform=func.coalesce(bindparam("platform", type_=_LEDGER.c.platform.type), _LEDGER.c.platform),
            finished_at=func.coalesce(bindparam("finished_at", type_=_LEDGER.c.finished_at.type),
                                      _LEDGER.c.finished_at))
)


_DELIVERIES = select(PushDelivery).where(PushDelivery.id.in_(bindparam("ids", expanding=True)))


_SCHEDULE: Table = PushSchedule.__table__  # type: ignore[assignment]
_THIS_ROW = (_SCHEDULE.c.kind == bindparam("k")) & (_SCHEDULE.c.subject == bindparam("s"))
_ADVANCE = update(_SCHEDULE).where(_THIS_ROW).values(due_at=bindparam("due_at", type_=_SCHEDULE.c.due_at.type),
                                                     period=bindparam("period"))
_UNSCHEDULE = delete(_SCHEDULE).where(_THIS_ROW)
_CLAIMS: dict[str, Any] = {}


def _claim_statement(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id, built once per dialect and run with many rows
    (SQLAlchemy's "insertmanyvalues": compiled once, not once per batch as a multi-row VALUES is)."""
    if dialect not in _CLAIMS:
        _CLAIMS[dialect] = (insert_for(dialect)(_LEDGER).on_conflict_do_nothing(
            index_elements=["kind", "subject", "period"]).returning(_LEDGER.c.id))
    return _CLAIMS[dialect]


@dataclass(frozen=True)
class Finish:
    """The outcome of one attempt to record: final (``sent``, ``failed``...) or ``retry`` at a time."""

    delivery_id: int
    status: str
    platform: str | None = None
    detail: str | None = None
    retry_at: datetime | None = None


@dataclass(frozen=True)
class Occurrence:
    """One due push to claim: kind, subject, period and when it was due."""

    kind: str
    subject: str
    period: str
    due_at: datetime


class PushStore:
    """Push queries and writes for one transaction's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _locked(self, stmt: Select) -> Select:  # type: ignore[type-arg]
        return stmt.with_for_update(skip_locked=True) if self._postgres else stmt

    async def set_due(self, kind: str, subject: str, due_at: datetime | None, period: str | None) -> None:
        """Schedule (or, with ``None``, unschedule) the next push of a kind for a subject."""
        row = await self.session.get(PushSchedule, (kind, subject))
        if due_at is None or period is None:
            if row is not None:
                await self.session.delete(row)
        elif row is None:
            self.session.add(PushSchedule(kind=kind, subject=subject, due_at=due_at, period=period))
        else:
            row.due_at, row.period = due_at, period
        await self.session.flush()

    async def schedules(self, subject: str) -> dict[str, PushSchedule]:
        """The subject's scheduled pushes by kind."""
        rows = await self.session.execute(select(PushSchedule).where(PushSchedule.subject == subject))
        return {row.kind: row for row in rows.scalars()}

    async def due(self, now: datetime, limit: int, *, lock: bool = True) -> list[PushSchedule]:
        """Schedule rows due by ``now``, oldest first (rows another process holds are skipped)."""
        stmt = select(PushSchedule).where(PushSchedule.due_at <= now).order_by(PushSchedule.due_at).limit(limit)
        return list((await self.session.execute(self._locked(stmt) if lock else stmt)).scalars())

    async def advance(self, moves: Sequence[tuple[PushSchedule, datetime | None, str | None]]) -> None:
        """Move claimed schedule rows to their next occurrence, or drop those with none.

        Two executemany statements (the ORM's flush wrote these rows one statement each on SQLite).
        """
        moved = [{"k": row.kind, "s": row.subject, "due_at": due_at, "period": period}
                 for row, due_at, period in moves if due_at is not None and period is not None]
        dropped = [{"k": row.kind, "s": row.subject} for row, due_at, period in moves
                   if due_at is None or period is None]
        conn = await self.session.connection()
        if moved:
            await conn.execute(_ADVANCE, moved)
        if dropped:
            await conn.execute(_UNSCHEDULE, dropped)

    async def claim(self, occurrences: Sequence[Occurrence], *, now: datetime, lease_until: datetime) -> list[int]:
        """Insert ledger rows for ``occurrences``; the ids of those this call claimed (not seen before)."""
        if not occurrences:
            return []
        conn = await self.session.connection()
        result = await conn.execute(_claim_statement("postgresql" if self._postgres else "sqlite"), [
            {"kind": o.kind, "subject": o.subject, "period": o.period, "due_at": o.due_at, "status": "claimed",
             "attempts": 1, "retry_at": lease_until, "claimed_at": now} for o in occurrences])
        return list(result.scalars())

    async def claim_unfinished(self, now: datetime, limit: int, *, lease_until: datetime) -> list[int]:
        """Take ledger rows whose lease ran out (a sender crashed) or whose retry time came."""
        stmt = self._locked(
            select(PushDelivery.id).where(PushDelivery.retry_at <= now).order_by(PushDelivery.retry_at).limit(limit)
        )
        ids = list((await self.session.execute(stmt)).scalars())
        if ids:
            await self.session.execute(
                update(PushDelivery)
                .where(PushDelivery.id.in_(ids))
                .values(status="claimed", attempts=PushDelivery.attempts + 1, retry_at=lease_until, claimed_at=now)
            )
        return ids

    async def deliveries(self, ids: Iterable[int]) -> list[PushDelivery]:
        """Ledger rows by id."""
        ids = list(ids)
        if not ids:
            return []
        rows = await self.session.execute(_DELIVERIES, {"ids": ids})
        return list(rows.scalars())

    async def seen(self, keys: Iterable[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """Which (kind, subject, period) keys already have a ledger row."""
        found: set[tuple[str, str, str]] = set()
        for kind, subject, period in keys:
            row = await self.session.execute(
                select(PushDelivery.id).where(PushDelivery.kind == kind, PushDelivery.subject == subject,
                                              PushDelivery.period == period)
            )
            if row.first() is not None:
                found.add((kind, subject, period))
        return found

    async def finish(self, delivery_id: int, status: str, *, now: datetime, platform: str | None = None,
                     detail: str | None = None, retry_at: datetime | None = None) -> None:
        """Record the outcome of one attempt: final (``sent``, ``failed``...) or ``retry`` at a time."""
        await self.finish_many([Finish(delivery_id, status, platform, detail, retry_at)], now=now)

    async def finish_many(self, outcomes: Sequence[Finish], *, now: datetime) -> None:
        """Record many outcomes in one statement (executemany); a retry keeps no finish time."""
        if outcomes:
            conn = await self.session.connection()
            await conn.execute(_FINISH, [
                {"delivery_id": o.delivery_id, "status": o.status, "retry_at": o.retry_at,
                 "detail": (o.detail or "")[:200] or None, "platform": o.platform,
                 "finished_at": now if o.retry_at is None else None} for o in outcomes])

    async def finish_sent(self, delivery_ids: Sequence[int], *, platform: str, now: datetime) -> None:
        """Record many pushes as sent in one statement."""
        if delivery_ids:
            conn = await self.session.connection()
            await conn.execute(_FINISH_SENT, {"ids": list(delivery_ids), "platform": platform, "now": now})

    async def counts(self) -> dict[tuple[str, str], int]:
        """Ledger rows per (kind, status): what ``jalur pushes`` reports."""
        rows = await self.session.execute(
            select(PushDelivery.kind, PushDelivery.status, func.count()).group_by(PushDelivery.kind,
                                                                                  PushDelivery.status)
        )
        return {(kind, status): n for kind, status, n in rows}

    async def delete_subject(self, kinds: Iterable[str], subject: str) -> None:
        """Forget a subject's schedules and ledger rows (a learner deleting their data)."""
        kinds = list(kinds)
        for table in (PushSchedule, PushDelivery):
            await self.session.execute(delete(table).where(table.kind.in_(kinds), table.subject == subject))
