"""/progress: a bar per phase, the week in the plan, ahead of or behind schedule."""

from __future__ import annotations

from bot.features.context import Context
from bot.conversation import Button, Reply, rows
from bot.roadmap.plan import PLAN_WEEKS, current_phase, phase_steps, schedule, steps_done

BAR_CELLS = 10


def bar(done: int, total: int, cells: int = BAR_CELLS) -> str:
    """A text progress bar such as ``▓▓▓░░░░░░░``."""
    filled = round(cells * done / total) if total else 0
    return "▓" * filled + "░" * (cells - filled)


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
            weeks = round(abs(sched.weeks_ahead))
            lines.append(ctx.t(f"progress.{sched.status}", weeks=weeks))
    track = kb.tracks.get(ctx.learner.track or "")
    if track is not None:
        lines.append(ctx.t("progress.track", track=track.name))
    lines.append("")
    for phase in kb.phases:
        core = kb.skills_in_phase(phase.number, core=True)
        closed = sum(1 for s in core if progress.is_closed(s.id))
        done = steps_done(kb, progress, phase.number)
        project_mark = "✅" if phase.number in progress.completed_phases else "⬜"
        marker = " " + ctx.t("progress.here") if phase.number == here else ""
        lines.append(
            ctx.t(
                "progress.phase_line",
                phase=phase.number,
                bar=bar(done, phase_steps(kb, phase.number)),
                closed=closed,
                total=len(core),
                project=project_mark,
                first=phase.weeks[0],
                last=phase.weeks[1],
            )
            + marker
        )
    electives = [s for s in kb.skills.values() if not s.core]
    electives_done = sum(1 for s in electives if progress.status(s.id) == "done")
    lines += ["", ctx.t("progress.electives", done=electives_done, total=len(electives))]
    if ctx.learner.current_skill in kb.skills:
        lines.append(ctx.t("progress.current", name=ctx.skill_name(ctx.learner.current_skill)))
    return [Reply("\n".join(lines), rows(Button(ctx.t("button.next"), "/next"),
                                           Button(ctx.t("button.project"), "/project")))]
