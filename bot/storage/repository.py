"""The repository: every query Jalur makes about learners and their progress.

Features call these methods instead of writing SQL, so the same code runs
on SQLite and PostgreSQL and tests use a real database.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import BindParameter, bindparam, delete, literal, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.storage.database import insert_for
from bot.storage.group_store import GroupStore
from bot.storage.learner_merge import merge_learners
from bot.storage.poll_store import PollStore
from bot.storage.push_store import LEARNER_KINDS, PushStore
from bot.storage.quiz_store import QuizStore
from bot.storage.tables import (
    CLOSED_STATUSES,
    Identity,
    Learner,
    LinkCode,
    PhaseCompletion,
    ProjectItem,
    SkillProgress,
)

log = logging.getLogger(__name__)

PLACEMENT_SOURCE = "placement"  # SkillProgress.source of a skill the learner said they knew at setup

# The reads of a push batch, built once: an IN list of literal ids costs more to build than to run.
_IDS: BindParameter[int] = bindparam("ids", expanding=True)
_LEARNERS = select(Learner).where(Learner.id.in_(_IDS))
# learners read per query at most: turning 200 rows into objects held the event loop for 15-20 ms,
# long enough for a push pass at 200 a second to miss a few of its slots
LOAD_CHUNK = 50
_IDENTITIES = select(Identity).where(Identity.learner_id.in_(_IDS)).order_by(Identity.id)
_PROGRESS = union_all(  # skill statuses, ticked items and finished phases
    select(literal("s"), SkillProgress.learner_id, SkillProgress.skill_id, SkillProgress.status,
           literal(0), SkillProgress.source).where(SkillProgress.learner_id.in_(_IDS)),
    select(literal("i"), ProjectItem.learner_id, ProjectItem.item_id, literal(""), ProjectItem.phase,
           literal("")).where(ProjectItem.learner_id.in_(_IDS)),
    select(literal("p"), PhaseCompletion.learner_id, literal(""), literal(""), PhaseCompletion.phase,
           literal("")).where(PhaseCompletion.learner_id.in_(_IDS)),
)


@dataclass(frozen=True)
class Progress:
    """A snapshot of one learner's progress: skill statuses, ticked items, phases."""

    statuses: dict[str, str] = field(default_factory=dict)
    checked: dict[int, frozenset[str]] = field(default_factory=dict)
    completed_phases: frozenset[int] = frozenset()
    placed: frozenset[str] = frozenset()  # skills marked done at placement ("I know this already")

    def status(self, skill_id: str) -> str:
        """The status of ``skill_id`` (``not_started`` when never touched)."""
        return self.statuses.get(skill_id, "not_started")

    def is_closed(self, skill_id: str) -> bool:
        """True when the skill is done or skipped."""
        return self.status(skill_id) in CLOSED_STATUSES

    def checked_items(self, phase: int) -> frozenset[str]:
        """Project must-haves ticked off for ``phase``."""
        return self.checked.get(phase, frozenset())

    def with_status(self, skill_id: str, status: str) -> Progress:
        """This progress with one skill's status changed by the learner (what was just written)."""
        return replace(self, statuses={**self.statuses, skill_id: status}, placed=self.placed - {skill_id})


class Repository:
    """Queries and writes for one transaction's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.quiz = QuizStore(session)
        self.pushes = PushStore(session)
        self.groups = GroupStore(session)
        self._primed: dict[int, Progress] = {}

    async def find_learner(self, platform: str, external_id: str) -> Learner | None:
        """The learner behind a platform account that just wrote, if there is one.

        An account that writes is reachable again, so an unreachable mark is cleared.
        """
        stmt = (
            select(Learner, Identity)
            .join(Identity, Identity.learner_id == Learner.id)
            .where(Identity.platform == platform, Identity.external_id == external_id)
        )
        row = (await self.session.execute(stmt)).one_or_none()
        if row is None:
            return None
        learner, identity = row
        if identity.unreachable_since is not None:
            identity.unreachable_since = None
        return learner

    async def learner_id_of(self, platform: str, external_id: str) -> int | None:
        """The learner id behind a platform account, if any (a read: no mark is cleared)."""
        stmt = select(Identity.learner_id).where(Identity.platform == platform, Identity.external_id == external_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def create_learner(
        self, platform: str, external_id: str, *, language: str, timezone: str, now: datetime,
        quiz_minute: int | None = None,
    ) -> Learner:
        """Create a learner with one identity; IntegrityError if another process just did."""
        learner = Learner(
            language=language,
            timezone=timezone,
            onboarding_step="language",
            created_at=now,
            updated_at=now,
        )
        if quiz_minute is not None:
            learner.quiz_minute = quiz_minute
        self.session.add(learner)
        await self.session.flush()
        self.session.add(
            Identity(platform=platform, external_id=external_id, learner_id=learner.id, created_at=now)
        )
        await self.session.flush()
        return learner

    async def learners_by_id(self, ids: Iterable[int]) -> dict[int, Learner]:
        """Learners by id (missing ids are simply absent: deleted learners)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        found: dict[int, Learner] = {}
        for start in range(0, len(wanted), LOAD_CHUNK):  # the event loop runs between chunks
            rows = await self.session.execute(_LEARNERS, {"ids": wanted[start:start + LOAD_CHUNK]})
            found.update((learner.id, learner) for learner in rows.scalars())
        return found

    async def identities_of(self, learner_ids: Iterable[int]) -> dict[int, list[Identity]]:
        """Each learner's platform accounts, oldest first."""
        wanted = sorted(set(learner_ids))
        found: dict[int, list[Identity]] = {}
        if not wanted:
            return found
        rows = await self.session.execute(_IDENTITIES, {"ids": wanted})
        for identity in rows.scalars():
            found.setdefault(identity.learner_id, []).append(identity)
        return found

    async def new_link_code(self, learner_id: int, code: str, *, now: datetime, expires_at: datetime) -> None:
        """Store a link code for the learner (replacing theirs, and dropping codes that ran out)."""
        await self.session.execute(delete(LinkCode).where((LinkCode.learner_id == learner_id)
                                                          | (LinkCode.expires_at <= now)))
        self.session.add(LinkCode(code=code, learner_id=learner_id, created_at=now, expires_at=expires_at))
        await self.session.flush()

    async def find_link_code(self, code: str) -> LinkCode | None:
        """The stored link code ``code``, if there is one (expired or not)."""
        return await self.session.get(LinkCode, code)

    async def drop_link_code(self, code: str) -> int | None:
        """Delete a link code; the learner who asked for it, or ``None`` when another message took it first."""
        taken = await self.session.execute(delete(LinkCode).where(LinkCode.code == code)
                                           .returning(LinkCode.learner_id))
        row = taken.first()
        return None if row is None else int(row[0])

    async def merge_learners(self, keep: Learner, drop: Learner, *, now: datetime) -> None:
        """Move every row of ``drop`` to ``keep`` and delete ``drop`` (``bot.storage.learner_merge``)."""
        await merge_learners(self.session, keep, drop, now=now)

    async def mark_unreachable(self, platform: str, external_id: str, *, now: datetime) -> None:
        """Mark a platform account unreachable (it blocked the bot) until it writes again."""
        await self.session.execute(
            update(Identity)
            .where(Identity.platform == platform, Identity.external_id == external_id,
                   Identity.unreachable_since.is_(None))
            .values(unreachable_since=now)
        )

    async def load_progress(self, learner_id: int) -> Progress:
        """Load the learner's whole progress (a few dozen rows at most)."""
        if learner_id in self._primed:
            return self._primed.pop(learner_id)
        return (await self._progress_of([learner_id]))[learner_id]

    async def prime_progress(self, learner_ids: Iterable[int]) -> None:
        """Read many learners' progress in three queries; each one's next ``load_progress`` uses it once."""
        ids = sorted(set(learner_ids))
        if ids:
            self._primed.update(await self._progress_of(ids))

    async def _progress_of(self, ids: list[int]) -> dict[int, Progress]:
        """Skill statuses, ticked items and finished phases of ``ids`` in one query (a UNION ALL)."""
        statuses: dict[int, dict[str, str]] = {i: {} for i in ids}
        checked: dict[int, dict[int, set[str]]] = {i: {} for i in ids}
        phases: dict[int, set[int]] = {i: set() for i in ids}
        placed: dict[int, set[str]] = {i: set() for i in ids}
        for kind, learner_id, key, status, phase, source in await self.session.execute(_PROGRESS, {"ids": ids}):
            if kind == "s":
                statuses[learner_id][key] = status
                if status == "done" and source == PLACEMENT_SOURCE:
                    placed[learner_id].add(key)
            elif kind == "i":
                checked[learner_id].setdefault(phase, set()).add(key)
            else:
                phases[learner_id].add(phase)
        return {
            i: Progress(statuses=statuses[i],
                        checked={phase: frozenset(items) for phase, items in checked[i].items()},
                        completed_phases=frozenset(phases[i]), placed=frozenset(placed[i]))
            for i in ids
        }

    async def set_skill_status(
        self, learner_id: int, skill_id: str, status: str, *, source: str, now: datetime
    ) -> None:
        """Insert or update the learner's status on one skill (one upsert statement)."""
        insert = insert_for(self.session.get_bind().dialect.name)
        values = {"learner_id": learner_id, "skill_id": skill_id, "status": status, "source": source,
                  "updated_at": now}
        stmt = insert(SkillProgress).values(values).on_conflict_do_update(
            index_elements=["learner_id", "skill_id"], set_={"status": status, "source": source, "updated_at": now})
        await self.session.execute(stmt)
        row = self.session.identity_map.get(self.session.identity_key(SkillProgress, (learner_id, skill_id)))
        if row is not None:  # a row loaded earlier in this transaction shows what was just written
            for name, value in (("status", status), ("source", source), ("updated_at", now)):
                set_committed_value(row, name, value)

    async def set_item_checked(
        self, learner_id: int, phase: int, item_id: str, checked: bool, *, now: datetime
    ) -> None:
        """Tick or untick one must-have of a phase's project."""
        row = await self.session.get(ProjectItem, (learner_id, phase, item_id))
        if checked and row is None:
            self.session.add(
                ProjectItem(learner_id=learner_id, phase=phase, item_id=item_id, checked_at=now)
            )
        elif not checked and row is not None:
            await self.session.delete(row)
        await self.session.flush()

    async def complete_phase(self, learner_id: int, phase: int, *, now: datetime) -> None:
        """Record that the learner finished ``phase`` (idempotent)."""
        if await self.session.get(PhaseCompletion, (learner_id, phase)) is None:
            self.session.add(PhaseCompletion(learner_id=learner_id, phase=phase, completed_at=now))
            await self.session.flush()

    async def delete_learner(self, learner_id: int) -> None:
        """Delete every row about the learner, in every table."""
        polls = PollStore(self.session)
        for identity in (await self.identities_of([learner_id])).get(learner_id, []):
            await polls.delete_user_rows(identity.platform, identity.external_id)
        await self.quiz.delete_learner_rows(learner_id)
        await self.pushes.delete_subject(LEARNER_KINDS, str(learner_id))
        await self.groups.delete_learner_rows(learner_id)
        for table in (SkillProgress, ProjectItem, PhaseCompletion, LinkCode, Identity):
            await self.session.execute(delete(table).where(table.learner_id == learner_id))
        await self.session.execute(delete(Learner).where(Learner.id == learner_id))
        await self.session.flush()
