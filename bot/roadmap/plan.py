"""The 40-week plan: which week a learner is in, which phase, and whether they
are ahead of or behind schedule. Pure functions over a given date.

Progress is counted in *steps*: each core skill learned (done; a skipped
skill is not learned) is one step and each phase's portfolio project is one
more. The plan spreads a phase's steps evenly over its weeks, so "expected
steps by today" and "the week your steps correspond to" can be compared in
weeks.

Placement: a phase whose every core skill the learner marked as known at
setup is *placed past*. Its project stays open (nobody built it for them),
but the plan starts after it: the schedule does not count that project
against them, and the phase they work in is the next one. However a learner
places (a level button or typed skills), the plan's week follows one rule,
``placement_week``.
"""

from __future__ import annotations

import math
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


def placed_phases(kb: KnowledgeBase, progress: Progress) -> frozenset[int]:
    """Phases placed past at setup: every core skill marked known there, the project not done."""
    return frozenset(
        phase.number for phase in kb.phases
        if phase.number not in progress.completed_phases
        and all(s.id in progress.placed for s in kb.skills_in_phase(phase.number, core=True))
    )


def current_phase(kb: KnowledgeBase, progress: Progress) -> int | None:
    """The phase the learner works in, or ``None`` when all four are complete.

    The first phase not completed and not placed past; when only placed-past
    phases are left, the first of those (its project is what remains).
    """
    open_phases = [p.number for p in kb.phases if p.number not in progress.completed_phases]
    placed = placed_phases(kb, progress)
    return next((n for n in open_phases if n not in placed), open_phases[0] if open_phases else None)


def phase_steps(kb: KnowledgeBase, phase: int) -> int:
    """Steps in a phase: its core skills plus the project."""
    return len(kb.skills_in_phase(phase, core=True)) + 1


def steps_done(kb: KnowledgeBase, progress: Progress, phase: int) -> int:
    """Learned core skills of a phase (done, not skipped) plus one if its project is done."""
    learned = sum(1 for s in kb.skills_in_phase(phase, core=True) if progress.status(s.id) == "done")
    return learned + (1 if phase in progress.completed_phases else 0)


def skipped_core(kb: KnowledgeBase, progress: Progress) -> int:
    """Core skills the learner skipped: closed, but not learned."""
    return sum(1 for s in kb.skills.values() if s.core and progress.status(s.id) == "skipped")


def steps_left(kb: KnowledgeBase, progress: Progress) -> tuple[int, int]:
    """Core skills not learned yet (open or skipped) and projects not done."""
    skills = sum(1 for s in kb.skills.values() if s.core and progress.status(s.id) != "done")
    return skills, len(kb.phases) - len(progress.completed_phases)


def _credited_steps(kb: KnowledgeBase, progress: Progress) -> int:
    """Steps that count against the plan: learned ones, plus the projects of placed-past phases."""
    learned = sum(steps_done(kb, progress, p.number) for p in kb.phases)
    return learned + len(placed_phases(kb, progress))


def placement_week(kb: KnowledgeBase, progress: Progress) -> int:
    """The week a newly placed learner starts in: the week their known steps reach, so they start on schedule."""
    week = math.floor(_weeks_for_steps(kb, _credited_steps(kb, progress)) + 1e-9) + 1
    return min(week, PLAN_WEEKS)


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
    skipped: int = 0

    @property
    def plan_over(self) -> bool:
        """True past the plan's last week: ahead/behind no longer means anything."""
        return self.week > PLAN_WEEKS

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
    done = _credited_steps(kb, progress)
    expected = _expected_steps(kb, min(elapsed, PLAN_WEEKS))
    ahead = _weeks_for_steps(kb, done) - min(elapsed, PLAN_WEEKS)
    return Schedule(
        week=week_in_plan(plan_start, today),
        elapsed_weeks=elapsed,
        done_steps=done,
        expected_steps=expected,
        weeks_ahead=ahead,
        skipped=skipped_core(kb, progress),
    )
