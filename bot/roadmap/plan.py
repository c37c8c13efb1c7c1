"""The 40-week plan: which week a learner is in, which phase, and whether they
are ahead of or behind schedule. Pure functions over a given date.

Progress is counted in *steps*: each core skill closed (done or skipped) is
one step and each phase's portfolio project is one more. The plan spreads a
phase's steps evenly over its weeks, so "expected steps by today" and "the
week your steps correspond to" can be compared in weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.content.loader import KnowledgeBase
from bot.storage.repository import Progress

PLAN_WEEKS = 40
ON_TRACK_MARGIN_WEEKS = 1.0


def week_in_plan(plan_start: date, today: date) -> int:
    """Week number of ``today`` in a plan that started on ``plan_start`` (1-based)."""
    return max(0, (today - plan_start).days) // 7 + 1


def plan_start_for_week(today: date, week: int) -> date:
    """The start date that puts ``today`` at the beginning of ``week``."""
    return today - timedelta(days=7 * (week - 1))


def current_phase(kb: KnowledgeBase, progress: Progress) -> int | None:
    """The first phase not yet completed, or ``None`` when all four are done."""
    for phase in kb.phases:
        if phase.number not in progress.completed_phases:
            return phase.number
    return None


def phase_steps(kb: KnowledgeBase, phase: int) -> int:
    """Steps in a phase: its core skills plus the project."""
    return len(kb.skills_in_phase(phase, core=True)) + 1


def steps_done(kb: KnowledgeBase, progress: Progress, phase: int) -> int:
    """Closed core skills of a phase plus one if its project is done."""
    closed = sum(1 for s in kb.skills_in_phase(phase, core=True) if progress.is_closed(s.id))
    return closed + (1 if phase in progress.completed_phases else 0)


def _expected_steps(kb: KnowledgeBase, elapsed_weeks: float) -> float:
    total = 0.0
    for phase in kb.phases:
        first, last = phase.weeks
        length = last - first + 1
        share = min(max((elapsed_weeks - (first - 1)) / length, 0.0), 1.0)
        total += share * phase_steps(kb, phase.number)
    return total


def _weeks_for_steps(kb: KnowledgeBase, steps: float) -> float:
    weeks = 0.0
    for phase in kb.phases:
        first, last = phase.weeks
        length = last - first + 1
        size = phase_steps(kb, phase.number)
        if steps <= size:
            return weeks + length * steps / size
        steps -= size
        weeks += length
    return float(PLAN_WEEKS)


@dataclass(frozen=True)
class Schedule:
    """Where a learner stands against the plan."""

    week: int
    elapsed_weeks: float
    done_steps: int
    expected_steps: float
    weeks_ahead: float

    @property
    def status(self) -> str:
        """``ahead``, ``behind`` or ``on_track``."""
        if self.weeks_ahead >= ON_TRACK_MARGIN_WEEKS:
            return "ahead"
        if self.weeks_ahead <= -ON_TRACK_MARGIN_WEEKS:
            return "behind"
        return "on_track"


def schedule(kb: KnowledgeBase, progress: Progress, plan_start: date, today: date) -> Schedule:
    """Compare the learner's steps with what the plan expects by ``today``."""
    elapsed = max(0, (today - plan_start).days) / 7
    done = sum(steps_done(kb, progress, p.number) for p in kb.phases)
    expected = _expected_steps(kb, min(elapsed, PLAN_WEEKS))
    ahead = _weeks_for_steps(kb, done) - min(elapsed, PLAN_WEEKS)
    return Schedule(
        week=week_in_plan(plan_start, today),
        elapsed_weeks=elapsed,
        done_steps=done,
        expected_steps=expected,
        weeks_ahead=ahead,
    )
