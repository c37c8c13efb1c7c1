"""One pass of push delivery: claim what is due, compose it, send it, record the outcome.

1. *Claim* (one short transaction per batch): due schedule rows are read
   (each process gets different rows on PostgreSQL), moved on to their next
   occurrence, and a ledger row is inserted per occurrence with ON CONFLICT
   DO NOTHING: only the process whose insert landed sends it. Ledger rows
   whose lease ran out (a sender crashed after claiming) or whose retry time
   came are taken again. Then, ``COMPOSE_CHUNK`` at a time in transactions of
   their own, each claimed push is composed (a daily quiz becomes the
   learner's open question), or recorded as skipped (learner gone or opted
   out, unreachable, nothing to send) or expired (too late to be useful).
2. *Send* through the platform's sender, a few at a time; the adapter's
   rate limiter sets the pace.
3. *Record* each outcome before its sender takes another push (outcomes
   share one transaction of ``Engine.writes`` with each other and with the
   routes of the quiz polls the pushes sent; it is committed when half the
   senders wait for it, or ``PUSH_LINGER`` after the first): ``sent`` is final, a
   transient error is retried with backoff, a user who blocked the bot is
   marked unreachable and skipped from then on.

A push is sent at most once per (kind, subject, period) unless the process
dies between the platform accepting a message and step 3 recording it; then
the lease runs out and it is sent again. Since every sender waits for its
record, that window holds at most ``concurrency`` pushes: those in flight.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation import Reply
from bot.markup import to_plain
from bot.metrics import PUSHES
from bot.outbound import Senders, SendResult
from bot.pushes.kinds import (
    FRESH_FOR,
    GROUP_KINDS,
    GROUP_QUIZ,
    LEARNER_KINDS,
    group_wants,
    next_group_due,
    next_push_due,
    pause_group,
    wants,
)
from bot.storage.database import Database
from bot.storage.group_commit import PUSH_LINGER, GroupCommit, Store
from bot.storage.push_store import Finish, Occurrence
from bot.storage.quiz_store import QuizStore
from bot.storage.repository import Repository
from bot.storage.tables import Identity, Learner, PushDelivery, PushSchedule, StudyGroup

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15))
MAX_ATTEMPTS = len(BACKOFF) + 1
NOT_RUNNING_RETRY = timedelta(minutes=1)
COMPOSE_CHUNK = 50  # claimed pushes composed per transaction
FIRST_CHUNK = 5  # the first transaction of a pass composes only a few
FIRST_CLAIM = 20  # and its first claim takes only a few, so that sending starts sooner
COMPOSE_SLICE = 0.002  # seconds composing runs before it lets the senders run (a push takes about 0.2 ms)
CHAT_ONLY_PLATFORMS = frozenset({"console"})  # identities there never receive pushes


class ContentSource(Protocol):
    """Content that can change while the process runs (question packs): looked at before composing."""

    async def refresh(self, store: QuizStore, *, max_age: float = 0.0) -> None:
        """Reload what changed in the database."""
        ...


class PushSource(Protocol):
    """What the runner needs from the process (the engine offers it): the database, the question
    bank, and what a push says, composed inside the runner's transaction."""

    @property
    def db(self) -> Database:
        """The database the pushes are claimed and recorded in."""
        ...

    @property
    def writes(self) -> GroupCommit:
        """Where small writes share transactions: the pass records its outcomes there (after the
        polls its pushes sent)."""
        ...

    @property
    def bank(self) -> ContentSource:
        """The question bank, refreshed before a batch is composed."""
        ...

    async def compose_push(self, repo: Repository, learner: Learner, kind: str,
                           now: datetime) -> list[Reply] | None:
        """What a learner's push of ``kind`` says now (``None``: nothing worth sending)."""
        ...

    async def compose_group_push(self, repo: Repository, group: StudyGroup, kind: str, period: str,
                                 now: datetime) -> list[Reply] | None:
        """What a group post of ``kind`` for ``period`` says (``None``: nothing worth posting)."""
        ...

    async def compose_closings(self, repo: Repository, now: datetime) -> list[GroupClosing]:
        """Claim the group quizzes whose time is up and compose their closed posts."""
        ...


def learner_skip(kind: str, learner: Learner | None, identities: Sequence[Identity], due_at: datetime,
                 moment: datetime) -> tuple[str, str] | None:
    """Why a learner's push due at ``due_at`` is not sent at ``moment``: (status, detail); ``None``: send it.

    The one rule for a delivery pass and for ``--dry-run``.
    """
    if learner is None:
        return "skipped", "learner deleted"
    if not wants(kind, learner):
        return "skipped", "turned off by the learner"
    if moment - due_at > FRESH_FOR.get(kind, timedelta(hours=3)):
        return "expired", f"{moment - due_at} late"
    pushable = [i for i in identities if i.platform not in CHAT_ONLY_PLATFORMS]
    if not pushable:
        return "skipped", "no chat platform that can receive pushes"
    if all(i.unreachable_since is not None for i in pushable):
        return "skipped", "unreachable (blocked the bot)"
    return None


def group_skip(kind: str, group: StudyGroup | None, due_at: datetime, moment: datetime) -> tuple[str, str] | None:
    """Why a group post due at ``due_at`` is not posted at ``moment``: (status, detail); ``None``: post it."""
    if group is None or not group_wants(kind, group):
        return "skipped", "group gone, channel unusable or quiz off"
    if moment - due_at > FRESH_FOR.get(kind, timedelta(hours=3)):
        return "expired", f"{moment - due_at} late"
    return None


def reachable(identities: Sequence[Identity]) -> list[Identity]:
    """The learner's accounts that can receive a push now (a chat platform, not blocked)."""
    return [i for i in identities if i.platform not in CHAT_ONLY_PLATFORMS and i.unreachable_since is None]


@dataclass(frozen=True)
class Outgoing:
    """A composed push waiting to be sent: to a user (``user_id``) or, for a group, to a channel."""

    delivery_id: int
    kind: str
    subject: int  # the learner's id, or the group's for a group post
    platform: str
    user_id: str  # the platform user, or the channel of a group post
    attempts: int
    due_at: datetime
    replies: tuple[Reply, ...]

    @property
    def to_channel(self) -> bool:
        """True for a post in a group's channel."""
        return self.kind in GROUP_KINDS

    @property
    def preview(self) -> str:
        """The first line of the push, for logs and ``--dry-run``."""
        text = to_plain(self.replies[0].text) if self.replies else ""
        first = next((line for line in text.splitlines() if line.strip()), "")
        return first[:80]


@dataclass(frozen=True)
class GroupClosing:
    """A group quiz whose time is up, claimed for closing: its post edited to the closed version."""

    quiz_id: int
    platform: str
    channel_id: str
    closes_at: datetime
    replies: tuple[Reply, ...]


@dataclass
class TickReport:
    """What one pass did: outcomes per kind, the pushes it composed, and how late it ran."""

    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    pushes: list[tuple[Outgoing, str]] = field(default_factory=list)
    lag: timedelta | None = None
    closed: int = 0  # group quiz posts edited to show the answer and the results

    def count(self, outcome: str) -> int:
        """How many pushes ended with ``outcome`` in this pass."""
        return sum(n for (_, result), n in self.outcomes.items() if result == outcome)

    def summary(self) -> str:
        """``sent 3 (daily_quiz 2, weekly_nudge 1); skipped 1; closed 1 (group quiz posts)``."""
        parts = []
        for outcome in ("sent", "retry", "waiting", "failed", "skipped", "expired"):
            kinds = {kind: n for (kind, result), n in self.outcomes.items() if result == outcome}
            if kinds:
                detail = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
                parts.append(f"{outcome} {sum(kinds.values())} ({detail})")
        if self.closed:
            parts.append(f"closed {self.closed} (group quiz posts)")
        return "; ".join(parts) or "nothing due"


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Claim:
    """What one claiming step took: schedule rows seen, ledger rows now ours, their learners and groups."""

    seen: int
    deliveries: list[PushDelivery]
    learners: dict[int, Learner]
    groups: dict[int, StudyGroup] = field(default_factory=dict)


def _subjects(rows: Sequence[PushSchedule | PushDelivery], kinds: tuple[str, ...]) -> set[int]:
    return {int(r.subject) for r in rows if r.kind in kinds}


def following_due(row: PushSchedule, learners: dict[int, Learner], groups: dict[int, StudyGroup],
                  moment: datetime) -> tuple[datetime | None, str | None]:
    """Where a claimed schedule row moves: the next occurrence for its learner or group, if any."""
    following = None
    if row.kind in GROUP_KINDS:
        group = groups.get(int(row.subject))
        following = next_group_due(row.kind, group, moment) if group is not None else None
    else:
        learner = learners.get(int(row.subject))
        following = next_push_due(row.kind, learner, moment) if learner is not None else None
    return (following.at, following.period) if following else (None, None)


async def claim_batch(repo: Repository, moment: datetime, batch: int, lease: timedelta = LEASE) -> Claim:
    """Claim up to ``batch`` due pushes (and expired leases or due retries) in the caller's transaction."""
    store = repo.pushes
    lease_until = moment + lease
    rows = await store.due(moment, batch)
    learners = await repo.learners_by_id(_subjects(rows, LEARNER_KINDS))
    groups = await repo.groups.by_id(_subjects(rows, GROUP_KINDS))
    occurrences, moves = [], []
    for row in rows:
        occurrences.append(Occurrence(row.kind, row.subject, row.period, row.due_at))
        moves.append((row, *following_due(row, learners, groups, moment)))
    ids = await store.claim(occurrences, now=moment, lease_until=lease_until)
    await store.advance(moves)
    unfinished = await store.claim_unfinished(moment, batch, lease_until=lease_until)
    deliveries = await store.deliveries(ids + unfinished)
    learners.update(await repo.learners_by_id(_subjects(deliveries, LEARNER_KINDS) - set(learners)))
    groups.update(await repo.groups.by_id(_subjects(deliveries, GROUP_KINDS) - set(groups)))
    return Claim(max(len(rows), len(unfinished)), deliveries, learners, groups)


def freeze_heap() -> None:
    """Take what is alive after startup (the knowledge base, modules, the engine) out of the garbage
    collector's full scans, once per process before its first pass.

    Each full collection of that heap took 80-120 ms: a stall of the event loop in which no push
    went out (about 1% of a pass's rate at 200 a second) and after which messages left bunched.
    Garbage is collected first, so none of it is kept for good.
    """
    gc.collect()
    gc.freeze()


def _chunks(total: int, *, first: int) -> list[tuple[int, int]]:
    """``(start, end)`` of the compose chunks of ``total`` claimed pushes: ``first``, then ``COMPOSE_CHUNK`` each."""
    bounds, start, size = [], 0, first
    while start < total:
        bounds.append((start, min(start + size, total)))
        start, size = start + size, COMPOSE_CHUNK
    return bounds


class PushRunner:
    """Runs delivery passes for one process: ``tick()`` until nothing is due."""

    def __init__(self, source: PushSource, senders: Senders, *, batch: int = 200, concurrency: int = 16,
                 lease: timedelta = LEASE, clock: Callable[[], datetime] = _utc_now) -> None:
        self.source = source
        self.senders = senders
        self.batch = batch
        self.concurrency = concurrency
        self.lease = lease
        self.clock = clock
        self._stopping = False

    def stop(self) -> None:
        """Shutting down: a pass in flight sends what it claimed, then claims nothing more."""
        self._stopping = True

    async def tick(self, now: datetime | None = None) -> TickReport:
        """Deliver everything due at ``now`` (default: the clock), batch after batch.

        Claiming and composing the next batch overlaps with sending the current
        one, and ``concurrency`` senders keep the platform's rate limiter busy.
        """
        report = TickReport()
        todo: asyncio.Queue[Outgoing | None] = asyncio.Queue()
        room = asyncio.Semaphore(2 * self.batch)  # composed but unsent pushes held at most
        outcomes = self.source.writes
        record: Store[tuple[Outgoing, SendResult]] = partial(self._write_outcomes, report=report, now=now)
        full = max(1, self.concurrency // 2)  # outcomes are committed once half the senders wait for theirs

        queued = 0  # composed pushes in ``todo``
        produced = False  # nothing more will be composed

        async def produce() -> None:
            nonlocal queued, produced
            first = True  # the pass's first pushes are claimed and composed a few at a time: sending starts sooner
            try:
                while True:
                    moment = now or self.clock()
                    size = min(FIRST_CLAIM, self.batch) if first else self.batch
                    claimed, seen = await self._claim(moment, report, size)
                    # composed a few at a time, so that no transaction holds SQLite's one writer for long
                    # while senders wait to record what they sent
                    for start, end in _chunks(len(claimed), first=FIRST_CHUNK if first else COMPOSE_CHUNK):
                        for push in await self._compose_all(claimed[start:end], moment, report,
                                                            refresh=start == 0):
                            await room.acquire()
                            todo.put_nowait(push)
                            queued += 1
                    first = False
                    if seen < size or self._stopping:
                        return
            finally:
                produced = True
                for _ in range(self.concurrency):
                    todo.put_nowait(None)

        async def send() -> None:
            nonlocal queued
            # the outcome is committed before this sender takes the next push: a crash repeats at
            # most the ``concurrency`` pushes the platform accepted and the ledger does not show yet
            while (push := await todo.get()) is not None:
                queued -= 1
                room.release()
                result = await self._push(push)
                last = produced and not queued  # the pass is ending: no company is coming
                await outcomes.write(record, (push, result), linger=0 if last else PUSH_LINGER, full=full)
            outcomes.hurry()  # a sender fewer: what waits for company would wait in vain

        await self._close_group_quizzes(now or self.clock(), report)
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(produce())
                for _ in range(self.concurrency):
                    group.create_task(send())
        finally:
            await outcomes.drain()
            for (kind, outcome), count in report.outcomes.items():
                PUSHES.labels(kind, outcome).inc(count)
        return report

    # --- group quizzes whose time is up -------------------------------------------

    async def _close_group_quizzes(self, moment: datetime, report: TickReport) -> None:
        """Edit the posts of group quizzes whose time is up to their closed version (answer, results).

        Each is claimed once across processes; an edit that failed for a passing reason is tried
        again on later passes for up to ``FRESH_FOR`` of a group quiz, then left as it is.
        """
        async with self.source.db.transaction() as session:
            closings = await self.source.compose_closings(Repository(session), moment)
        for closing in closings:
            sender = self.senders.get(closing.platform)
            try:
                result = await sender.post(closing.channel_id, closing.replies) if sender else SendResult.RETRY
            except Exception:
                log.exception("closing group quiz %s failed", closing.quiz_id)
                result = SendResult.RETRY
            if result is SendResult.SENT:
                report.closed += 1
            elif result is SendResult.RETRY and moment - closing.closes_at < FRESH_FOR[GROUP_QUIZ]:
                async with self.source.db.transaction() as session:
                    await Repository(session).groups.reopen_close(closing.quiz_id)
            else:
                log.info("group quiz %s: its post could not be closed (%s)", closing.quiz_id, result)

    # --- claim and compose ------------------------------------------------------

    async def _claim(self, moment: datetime, report: TickReport, size: int) -> tuple[list[PushDelivery], int]:
        """Claim up to ``size`` (one short transaction): the ledger rows now ours, and how many rows were seen."""
        async with self.source.db.transaction() as session:
            claim = await claim_batch(Repository(session), moment, size, self.lease)
        first_tries = [d.due_at for d in claim.deliveries if d.attempts == 1]
        if first_tries:
            report.lag = max(report.lag or timedelta(0), moment - min(first_tries))
        return claim.deliveries, claim.seen

    async def _compose_all(self, deliveries: list[PushDelivery], moment: datetime, report: TickReport, *,
                           refresh: bool) -> list[Outgoing]:
        """Compose claimed pushes in one transaction (a daily quiz becomes the open question)."""
        async with self.source.db.transaction() as session:
            repo = Repository(session)
            learners = await repo.learners_by_id(_subjects(deliveries, LEARNER_KINDS))
            groups = await repo.groups.by_id(_subjects(deliveries, GROUP_KINDS))
            identities = await repo.identities_of(learners)
            if refresh:
                await self.source.bank.refresh(repo.quiz)
            await repo.prime_progress(learners)
            await repo.quiz.prime(learners)
            outgoing = []
            clock = asyncio.get_running_loop().time
            resumed = clock()
            for delivery in deliveries:
                if delivery.kind in GROUP_KINDS:
                    push = await self._compose_group(repo, delivery, groups.get(int(delivery.subject)), moment,
                                                     report)
                else:
                    push = await self._compose(repo, delivery, learners.get(int(delivery.subject)),
                                               identities.get(int(delivery.subject), []), moment, report)
                if push is not None:
                    outgoing.append(push)
                if clock() - resumed > COMPOSE_SLICE:  # let the senders run: no long stall of the event loop
                    await asyncio.sleep(0)
                    resumed = clock()
            return outgoing

    async def _close(self, repo: Repository, delivery: PushDelivery, moment: datetime, report: TickReport,
                     status: str, detail: str, retry_at: datetime | None = None) -> None:
        """Record why a claimed push is not sent now (skipped, expired, failed, or waiting to retry)."""
        await repo.pushes.finish(delivery.id, status, now=moment, detail=detail, retry_at=retry_at)
        report.outcomes[(delivery.kind, "waiting" if retry_at else status)] += 1
        log.info("push %s %s for %s: %s (%s)", delivery.kind, delivery.period, delivery.subject, status, detail)

    async def _compose_group(self, repo: Repository, delivery: PushDelivery, group: StudyGroup | None,
                             moment: datetime, report: TickReport) -> Outgoing | None:
        """A group post to send, or ``None`` after recording why there is none."""
        kind = delivery.kind
        skip = group_skip(kind, group, delivery.due_at, moment)
        if skip is not None:
            await self._close(repo, delivery, moment, report, *skip)
            return None
        assert group is not None
        if self.senders.get(group.platform) is None:
            await self._close(repo, delivery, moment, report, "retry", f"{group.platform} not running here",
                              retry_at=moment + NOT_RUNNING_RETRY)
            return None
        try:  # a group quiz row is stored once per period, so a retry posts the same question
            replies = await self.source.compose_group_push(repo, group, kind, delivery.period, moment)
        except Exception:
            log.exception("could not compose group post %s for group %s", kind, group.id)
            await self._close(repo, delivery, moment, report, "failed", "could not compose")
            return None
        if not replies:
            await self._close(repo, delivery, moment, report, "skipped", "nothing to post")
            return None
        assert group.channel_id is not None
        return Outgoing(delivery.id, kind, group.id, group.platform, group.channel_id, delivery.attempts,
                        delivery.due_at, tuple(replies))

    async def _compose(self, repo: Repository, delivery: PushDelivery, learner: Learner | None,
                       identities: list[Identity], moment: datetime, report: TickReport) -> Outgoing | None:
        """The push to send, or ``None`` after recording why there is none."""
        kind = delivery.kind

        async def close(status: str, detail: str, retry_at: datetime | None = None) -> None:
            await self._close(repo, delivery, moment, report, status, detail, retry_at)

        skip = learner_skip(kind, learner, identities, delivery.due_at, moment)
        if skip is not None:
            await close(*skip)
            return None
        assert learner is not None
        accounts = reachable(identities)
        target = next((i for i in accounts if self.senders.get(i.platform) is not None), None)
        if target is None:
            names = ", ".join(sorted({i.platform for i in accounts}))
            await close("retry", f"{names} not running here", retry_at=moment + NOT_RUNNING_RETRY)
            return None
        try:  # composing only reads and sets fields of the learner: nothing half-written on failure
            replies = await self.source.compose_push(repo, learner, kind, moment)
        except Exception:
            log.exception("could not compose push %s for learner %s", kind, learner.id)
            await close("failed", "could not compose")
            return None
        if not replies:
            await close("skipped", "nothing to send")
            return None
        return Outgoing(delivery.id, kind, learner.id, target.platform, target.external_id, delivery.attempts,
                        delivery.due_at, tuple(replies))

    # --- send and record --------------------------------------------------------

    async def _push(self, push: Outgoing) -> SendResult:
        sender = self.senders.get(push.platform)
        if sender is None:  # the platform stopped since the push was composed
            return SendResult.RETRY
        try:
            if push.to_channel:
                return await sender.post(push.user_id, push.replies)
            return await sender.push(push.user_id, push.replies)
        except Exception:
            log.exception("sending push %s to a %s user failed", push.kind, push.platform)
            return SendResult.RETRY

    async def _write_outcomes(self, session: AsyncSession, results: list[tuple[Outgoing, SendResult]], *,
                              report: TickReport, now: datetime | None) -> None:
        """Record outcomes (all that arrived together, in one transaction)."""
        moment = now or self.clock()
        repo = Repository(session)
        sent: dict[str, list[int]] = {}
        others: list[Finish] = []
        for push, result in results:
            status, retry_at, detail = self._outcome(push, result, moment)
            if status == "sent":
                sent.setdefault(push.platform, []).append(push.delivery_id)
            else:
                others.append(Finish(push.delivery_id, status, push.platform, detail, retry_at))
            if result is SendResult.UNREACHABLE and push.to_channel:
                await pause_group(repo.groups, repo.pushes, push.subject, now=moment)
            elif result is SendResult.UNREACHABLE:
                await repo.mark_unreachable(push.platform, push.user_id, now=moment)
            report.outcomes[(push.kind, status)] += 1
            report.pushes.append((push, status))
        for platform, ids in sent.items():
            await repo.pushes.finish_sent(ids, platform=platform, now=moment)
        await repo.pushes.finish_many(others, now=moment)

    def _outcome(self, push: Outgoing, result: SendResult,
                 moment: datetime) -> tuple[str, datetime | None, str | None]:
        if result is SendResult.SENT:
            return "sent", None, None
        if result is SendResult.UNREACHABLE:
            detail = "channel deleted or not allowed" if push.to_channel else "unreachable (blocked the bot)"
            return "skipped", None, detail
        if result is SendResult.FAILED:
            return "failed", None, "refused by the platform"
        retry_at = moment + BACKOFF[min(push.attempts, len(BACKOFF)) - 1]
        too_late = retry_at - push.due_at > FRESH_FOR.get(push.kind, timedelta(hours=3))
        if push.attempts >= MAX_ATTEMPTS or too_late:
            return "failed", None, f"gave up after {push.attempts} attempt(s)"
        return "retry", retry_at, f"attempt {push.attempts} failed"


async def preview(source: PushSource, now: datetime, *, limit: int = 1000) -> list[tuple[Outgoing | None, str]]:
    """What a pass at ``now`` would send (``--dry-run``): the same skip rules, composed, then rolled back.

    Only whether a platform is running here is not checked: a dry run starts none.
    """
    lines: list[tuple[Outgoing | None, str]] = []
    async with source.db.sessions() as session:
        repo = Repository(session)
        rows = await repo.pushes.due(now, limit, lock=False)
        seen = await repo.pushes.seen((r.kind, r.subject, r.period) for r in rows)
        learners = await repo.learners_by_id(_subjects(rows, LEARNER_KINDS))
        groups = await repo.groups.by_id(_subjects(rows, GROUP_KINDS))
        identities = await repo.identities_of(learners)
        await source.bank.refresh(repo.quiz)
        for row in rows:
            if (row.kind, row.subject, row.period) in seen:
                lines.append((None, f"{row.kind} {row.period} for {row.subject}: already handled"))
            elif row.kind in GROUP_KINDS:
                lines.append(await _preview_group(source, repo, row, groups.get(int(row.subject)), now))
            else:
                lines.append(await _preview_learner(source, repo, row, learners.get(int(row.subject)),
                                                    identities.get(int(row.subject), []), now))
        await session.rollback()
    return lines


def _would_not(label: str, skip: tuple[str, str]) -> tuple[None, str]:
    status, detail = skip
    return None, f"{label}: would be {status} ({detail})"


async def _preview_learner(source: PushSource, repo: Repository, row: PushSchedule, learner: Learner | None,
                           identities: list[Identity], now: datetime) -> tuple[Outgoing | None, str]:
    """One line of ``--dry-run`` for a learner's push."""
    label = f"{row.kind} {row.period} for learner {row.subject}"
    skip = learner_skip(row.kind, learner, identities, row.due_at, now)
    if skip is not None:
        return _would_not(label, skip)
    assert learner is not None
    replies = await source.compose_push(repo, learner, row.kind, now)
    if not replies:
        return None, f"{label}: nothing to send"
    target = reachable(identities)[0]
    push = Outgoing(0, row.kind, learner.id, target.platform, target.external_id, 1, row.due_at, tuple(replies))
    return push, f"{row.kind} {row.period} to {push.platform} user {push.user_id}: {push.preview}"


async def _preview_group(source: PushSource, repo: Repository, row: PushSchedule, group: StudyGroup | None,
                         now: datetime) -> tuple[Outgoing | None, str]:
    """One line of ``--dry-run`` for a group post."""
    label = f"{row.kind} {row.period} for group {row.subject}"
    skip = group_skip(row.kind, group, row.due_at, now)
    if skip is not None:
        return _would_not(label, skip)
    assert group is not None
    replies = await source.compose_group_push(repo, group, row.kind, row.period, now)
    if not replies or group.channel_id is None:
        return None, f"{label}: nothing to post"
    push = Outgoing(0, row.kind, group.id, group.platform, group.channel_id, 1, row.due_at, tuple(replies))
    return push, f"{label} to {group.platform} channel {group.channel_id}: {push.preview}"
