"""The "what next?" rule: one next step for a learner, and the reasons for it.

Pure: it reads the knowledge base and a progress snapshot and decides.

1. The current phase is the first one whose project is not done.
2. Candidates are open core skills of that phase (and of any earlier phase
   left open) whose prerequisites are all done or skipped, in roadmap order.
   The skill the learner is already learning comes first.
3. With no open core skill left, the next step is the phase's portfolio
   project. Electives of the phases reached are offered by "Another".
4. When all four phases are complete, open electives remain, then nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.content.loader import KnowledgeBase
from bot.content.models import Skill
from bot.roadmap.plan import current_phase
from bot.storage.repository import Progress

StepKind = Literal["skill", "project", "finished"]


@dataclass(frozen=True)
class Reason:
    """One reason for a recommendation: a message key and its parameters."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Recommendation:
    """The next step: a skill, a phase's project, or the end of the roadmap."""

    kind: StepKind
    phase: int
    skill: Skill | None = None
    reasons: tuple[Reason, ...] = ()
    alternatives: int = 0


def _reached_phases(phase: int | None) -> range:
    return range(1, (phase or 4) + 1)


def candidates(kb: KnowledgeBase, progress: Progress, phase: int | None, *, core: bool) -> list[Skill]:
    """Open core skills (or electives) up to ``phase`` whose prerequisites are closed, in order."""
    return [
        skill
        for number in _reached_phases(phase)
        for skill in kb.skills_in_phase(number, core=core)
        if not progress.is_closed(skill.id)
        and all(progress.is_closed(p) for p in skill.prerequisites)
    ]


def _explain(kb: KnowledgeBase, progress: Progress, skill: Skill, phase: int | None) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    skill_phase = kb.skill_phase[skill.id]
    if progress.status(skill.id) == "learning":
        reasons.append(Reason("reason.in_progress"))
    if skill.prerequisites:
        learned = tuple(p for p in skill.prerequisites if progress.status(p) == "done")
        skipped = tuple(p for p in skill.prerequisites if progress.status(p) != "done")
        if learned:
            reasons.append(Reason("reason.prereqs_met", {"skills": learned}))
        if skipped:  # closed without being learned: say so rather than call them done
            reasons.append(Reason("reason.prereqs_skipped", {"skills": skipped}))
    else:
        reasons.append(Reason("reason.no_prereqs"))
    if not skill.core:
        reasons.append(Reason("reason.elective", {"phase": skill_phase}))
    elif phase is not None and skill_phase < phase:
        reasons.append(Reason("reason.earlier_phase", {"phase": skill_phase}))
    else:
        first, last = kb.phase(skill_phase).weeks
        reasons.append(Reason("reason.phase_order", {"phase": skill_phase, "first": first, "last": last}))
    core = kb.skills_in_phase(skill_phase, core=True)
    still_open = sum(1 for s in core if not progress.is_closed(s.id))
    if skill.core:
        reasons.append(
            Reason("reason.still_open", {"open": still_open, "total": len(core), "phase": skill_phase})
        )
    return tuple(reasons)


def recommend(
    kb: KnowledgeBase,
    progress: Progress,
    *,
    current_skill: str | None = None,
    after: str | None = None,
) -> Recommendation:
    """The next step. ``after`` asks for another option than that skill."""
    phase = current_phase(kb, progress)
    core = candidates(kb, progress, phase, core=True)
    electives = candidates(kb, progress, phase, core=False)
    options = core + electives

    def pick(choice: Skill) -> Recommendation:
        return Recommendation(
            "skill", kb.skill_phase[choice.id], choice, _explain(kb, progress, choice, phase),
            alternatives=len(options) - 1,
        )

    if after is not None:
        ids = [s.id for s in options]
        start = ids.index(after) + 1 if after in ids else 0
        others = [s for s in options[start:] + options[:start] if s.id != after]
        if others:
            return pick(others[0])
    by_id = {s.id: s for s in options}
    if current_skill in by_id:
        return pick(by_id[current_skill])
    if core:
        return pick(next((s for s in core if progress.status(s.id) == "learning"), core[0]))
    if phase is not None:
        return Recommendation("project", phase, alternatives=len(electives))
    if electives:
        return pick(electives[0])
    return Recommendation("finished", 4)
