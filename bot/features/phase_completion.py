"""/project_done: finishing a phase's portfolio project, which completes the phase; the next step follows."""

from __future__ import annotations

import logging

from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.features.next_step import cmd_next
from bot.features.project import CONFIRM_WORDS, milestone_lines, phase_or_help

log = logging.getLogger(__name__)


async def cmd_project_done(ctx: Context, args: str) -> list[Reply]:
    """Mark a phase's project done, which completes the phase."""
    phase, problem = phase_or_help(ctx, args, "/project_done 2")
    if phase is None:
        return problem
    if phase in ctx.progress.completed_phases:
        return [Reply(ctx.t("project.already_done", phase=phase)), *await cmd_next(ctx, "")]
    open_skills = [s for s in ctx.kb.skills_in_phase(phase, core=True) if not ctx.progress.is_closed(s.id)]
    if open_skills:
        names = ", ".join(ctx.skill_name(s) for s in open_skills)
        return [Reply(ctx.t("project.skills_open", phase=phase, skills=names),
                      rows(Button(ctx.t("button.next"), "/next")))]
    proj = ctx.kb.phase(phase).project
    unchecked = [i for i in proj.must_haves if i.id not in ctx.progress.checked_items(phase)]
    confirmed = any(word.lower() in CONFIRM_WORDS for word in args.split()[1:])
    if unchecked and not confirmed:
        items = "\n".join(f"- {i.text.get(ctx.lang)}" for i in unchecked)
        return [Reply(
            ctx.t("project.confirm_unchecked", phase=phase, items=items),
            rows(Button(ctx.t("button.yes_done"), f"/project_done {phase} yes"),
                 Button(ctx.t("button.project"), f"/project {phase}")),
        )]
    for item in unchecked:
        await ctx.repo.set_item_checked(ctx.learner.id, phase, item.id, True, now=ctx.now)
    await ctx.repo.complete_phase(ctx.learner.id, phase, now=ctx.now)
    await ctx.reload_progress()
    ctx.learner.current_skill = None
    log.info("learner %s completed phase %s", ctx.learner.id, phase)
    title = ctx.kb.phase(phase).title.get(ctx.lang)
    done = Reply("\n".join([ctx.t("project.phase_complete", phase=phase, title=title), *milestone_lines(ctx, phase)]))
    return [done, *await cmd_next(ctx, "")]
