"""/progress: a bar per phase, the week in the plan, ahead of or behind schedule.

The numbers count what was learned: a skipped skill closes a gap in the
path but is not learned, so it fills no bar and moves no schedule; past the
plan's 40 weeks there is no "behind", only what is left.
"""

from __future__ import annotations

from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.features.dashboard_link import dashboard_button
from bot.roadmap.plan import (
    PLAN_WEEKS,
    Schedule,
    current_phase,
    phase_steps,
    placed_phases,
    schedule,
    steps_done,
    steps_left,
)

BAR_CELLS = 10


def bar(done: int, total: int, cells: int = BAR_CELLS) -> str:
    """A text progress bar such as ``▓▓▓░░░░░░░``."""
    filled = round(cells * done / total) if total else 0
    return "▓" * filled + "░" * (cells - filled)


def and_list(ctx: Context, items: list[str]) -> str:
    """``1``, ``1 and 2``, ``1, 2 and 3`` in the learner's language."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {ctx.t('word.and')} {items[-1]}"


def schedule_line(ctx: Context, sched: Schedule) -> str:
    """Ahead, behind or on schedule; past the plan's last week, what is left and no deadline."""
    if sched.plan_over:
        return plan_over_line(ctx)
    weeks = round(abs(sched.weeks_ahead))
    if sched.status != "on_track" and weeks == 1:
        return ctx.t(f"progress.{sched.status}_one")
    return ctx.t(f"progress.{sched.status}", weeks=weeks)


def plan_over_line(ctx: Context) -> str:
    """The core skills and projects still to go, with no deadline."""
    skills, projects = steps_left(ctx.kb, ctx.progress)
    parts = []
    if skills:
        parts.append(ctx.t("progress.left_skill_one") if skills == 1 else ctx.t("progress.left_skills", count=skills))
    if projects:
        parts.append(ctx.t("progress.left_project_one") if projects == 1
                     else ctx.t("progress.left_projects", count=projects))
    return ctx.t("progress.plan_over", left=and_list(ctx, parts))


async def cmd_progress(ctx: Context, args: str) -> list[Reply]:
    """Show per-phase progress, the week of the plan and the schedule."""
    kb, progress = ctx.kb, ctx.progress
    here = current_phase(kb, progress)
    lines = [ctx.t("progress.title")]
    if ctx.learner.plan_start is not None:
        sched = schedule(kb, progress, ctx.learner.plan_start, ctx.local_today())
        if sched.week > PLAN_WEEKS:
            lines.append(ctx.t("progress.week_past", week=sched.week, total=PLAN_WEEKS))
        else:
            lines.append(ctx.t("progress.week", week=sched.week, total=PLAN_WEEKS))
        if here is None:
            lines.append(ctx.t("progress.finished"))
        else:
            lines.append(schedule_line(ctx, sched))
    track = kb.tracks.get(ctx.learner.track or "")
    if track is not None:
        lines.append(ctx.t("progress.track", track=track.name))
    lines.append("")
    for phase in kb.phases:
        core = kb.skills_in_phase(phase.number, core=True)
        learned = sum(1 for s in core if progress.status(s.id) == "done")
        done = steps_done(kb, progress, phase.number)
        project_mark = "✅" if phase.number in progress.completed_phases else "⬜"
        marker = " " + ctx.t("progress.here") if phase.number == here else ""
        lines.append(
            ctx.t(
                "progress.phase_line",
                phase=phase.number,
                bar=bar(done, phase_steps(kb, phase.number)),
                closed=learned,
                total=len(core),
                project=project_mark,
                first=phase.weeks[0],
                last=phase.weeks[1],
            )
            + marker
        )
    placed = sorted(placed_phases(kb, progress))
    if placed:
        lines += ["", ctx.t("progress.placed_projects", phases=and_list(ctx, [str(p) for p in placed]))]
    skipped = sum(1 for s in kb.skills.values() if s.core and progress.status(s.id) == "skipped")
    if skipped:
        lines.append(ctx.t("progress.skipped", count=skipped))
    electives = [s for s in kb.skills.values() if not s.core]
    electives_done = sum(1 for s in electives if progress.status(s.id) == "done")
    lines += ["", ctx.t("progress.electives", done=electives_done, total=len(electives))]
    if ctx.learner.current_skill in kb.skills:
        lines.append(ctx.t("progress.current", name=ctx.skill_name(ctx.learner.current_skill)))
    buttons = [Button(ctx.t("button.next"), "/next"), Button(ctx.t("button.project"), "/project")]
    dashboard = dashboard_button(ctx)
    return [Reply("\n".join(lines), rows(*buttons, *([dashboard] if dashboard else [])))]
