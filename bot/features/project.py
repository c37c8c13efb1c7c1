"""/project, /check and /project_done: each phase's portfolio project checklist.

A phase is complete when its project is marked done, which needs the
phase's core skills to be done or skipped first.
"""

from __future__ import annotations

import logging

from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.roadmap.plan import current_phase
from bot.roadmap.recommend import candidates

log = logging.getLogger(__name__)

MAX_LABEL_CHARS = 48
CONFIRM_WORDS = frozenset({"yes", "ya", "confirm", "y"})


def _label(prefix: str, text: str) -> str:
    short = text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1].rstrip() + "…"
    return f"{prefix} {short}"


def _parse_phase(ctx: Context, text: str) -> int | None:
    text = text.strip()
    if text.isdigit() and 1 <= int(text) <= len(ctx.kb.phases):
        return int(text)
    return None


def milestone_lines(ctx: Context, phase_number: int) -> list[str]:
    """Where a phase takes the learner and the credential to show for it, when the content says."""
    phase = ctx.kb.phase(phase_number)
    lines = []
    if phase.career is not None:
        lines.append(ctx.t("phase.career", text=phase.career.get(ctx.lang)))
    if phase.credential is not None:
        lines.append(ctx.t("phase.credential", text=phase.credential.get(ctx.lang)))
    return lines


def checklist_reply(ctx: Context, phase_number: int, *, intro: str | None = None) -> Reply:
    """The project of ``phase_number`` with its must-haves ticked or open."""
    phase = ctx.kb.phase(phase_number)
    proj = phase.project
    checked = ctx.progress.checked_items(phase_number)
    completed = phase_number in ctx.progress.completed_phases
    lines = [intro, ""] if intro else []
    lines += [
        ctx.t("project.title", phase=phase_number, title=proj.title.get(ctx.lang)),
        proj.summary.get(ctx.lang),
        "",
        ctx.t("project.must_haves", checked=len(checked & {i.id for i in proj.must_haves}),
              total=len(proj.must_haves)),
    ]
    for item in proj.must_haves:
        mark = "✅" if completed or item.id in checked else "⬜"
        lines.append(f"- {mark} {item.text.get(ctx.lang)}")
    lines += ["", ctx.t("project.completed" if completed else "project.how", phase=phase_number)]
    if completed:
        return Reply("\n".join(lines), rows(Button(ctx.t("button.next"), "/next")))
    buttons = [
        Button(_label("✅" if item.id in checked else "⬜", item.text.get(ctx.lang)),
               f"/check {phase_number} {item.id}")
        for item in proj.must_haves
    ]
    buttons.append(Button(ctx.t("button.project_done"), f"/project_done {phase_number}"))
    if candidates(ctx.kb, ctx.progress, current_phase(ctx.kb, ctx.progress), core=False):
        buttons.append(Button(ctx.t("button.elective"), "/another"))
    return Reply("\n".join(lines), rows(*buttons, per_row=1))


def phase_or_help(ctx: Context, args: str, usage: str) -> tuple[int | None, list[Reply]]:
    first = args.split()[0] if args.split() else ""
    if not first:
        return current_phase(ctx.kb, ctx.progress) or len(ctx.kb.phases), []
    phase = _parse_phase(ctx, first)
    if phase is None:
        return None, [Reply(ctx.t("project.bad_phase", usage=usage))]
    return phase, []


async def cmd_project(ctx: Context, args: str) -> list[Reply]:
    """Show a phase's portfolio project checklist (the current phase by default)."""
    phase, problem = phase_or_help(ctx, args, "/project 2")
    if phase is None:
        return problem
    return [checklist_reply(ctx, phase)]


async def cmd_check(ctx: Context, args: str) -> list[Reply]:
    """Tick or untick one must-have: ``/check PHASE ITEM``."""
    parts = args.split()
    phase = _parse_phase(ctx, parts[0]) if parts else None
    if phase is None or len(parts) != 2:
        return [Reply(ctx.t("project.bad_check"))]
    item_ids = {item.id for item in ctx.kb.phase(phase).project.must_haves}
    if parts[1] not in item_ids:
        return [Reply(ctx.t("project.unknown_item", phase=phase), rows(Button(ctx.t("button.project"), f"/project {phase}")))]
    if phase in ctx.progress.completed_phases:
        return [checklist_reply(ctx, phase)]
    checked = parts[1] not in ctx.progress.checked_items(phase)
    await ctx.repo.set_item_checked(ctx.learner.id, phase, parts[1], checked, now=ctx.now)
    await ctx.reload_progress()
    return [checklist_reply(ctx, phase)]
