"""/roadmap and /skill: browse the whole path, phase by phase, and open any skill.

``/roadmap`` is a compact overview of the four phases with each skill's status;
``/roadmap 2`` lists one phase with a button per skill; ``/skill sql`` shows a
skill in full: what to learn, why, the combo, the track pointer, the task and
where to learn it. Browsing changes nothing: a skill opened here is not started.
"""

from __future__ import annotations

import math
import re

from bot.content.models import Skill
from bot.conversation import Button, Reply, rows
from bot.features import skill_resources
from bot.features.context import Context
from bot.features.next_step import resolve_skill
from bot.features.project import milestone_lines
from bot.roadmap.plan import PLAN_WEEKS, current_phase, week_in_plan

STATUS_ICONS = {"done": "✅", "learning": "📖", "skipped": "⏭", "not_started": "⬜"}
MAX_SKILL_ROWS = 4  # skill buttons of a phase; a fifth row holds the way on (Discord allows 5 rows)
_PHASE_NUMBER = re.compile(r"\b([1-9])\b")


def status_icon(ctx: Context, skill: Skill) -> str:
    """The icon of the learner's status for ``skill``."""
    return STATUS_ICONS.get(ctx.progress.status(skill.id), STATUS_ICONS["not_started"])


def _week_line(ctx: Context) -> str | None:
    if ctx.learner.plan_start is None:
        return None
    week = week_in_plan(ctx.learner.plan_start, ctx.local_today())
    if week > PLAN_WEEKS:
        return ctx.t("roadmap.week_past", week=week, total=PLAN_WEEKS)
    phase = ctx.kb.phase_of_week(week).number
    return ctx.t("roadmap.week", week=week, total=PLAN_WEEKS, phase=phase)


def _phase_heading(ctx: Context, number: int, here: int | None) -> str:
    phase = ctx.kb.phase(number)
    heading = ctx.t("roadmap.phase_heading", phase=number, title=phase.title.get(ctx.lang),
                    first=phase.weeks[0], last=phase.weeks[1])
    if number in ctx.progress.completed_phases:
        heading += " 🏁"
    if number == here:
        heading += " " + ctx.t("progress.here")
    return heading


def _compact(ctx: Context, skills: tuple[Skill, ...]) -> str:
    return " · ".join(f"{status_icon(ctx, s)} {ctx.skill_name(s)}" for s in skills)


def overview(ctx: Context) -> Reply:
    """Every phase in a few lines: its skills with their status, and a button per phase."""
    kb = ctx.kb
    here = current_phase(kb, ctx.progress)
    lines = [ctx.t("roadmap.title")]
    week = _week_line(ctx)
    if week:
        lines.append(week)
    lines.append(ctx.t("roadmap.legend"))
    for phase in kb.phases:
        lines += ["", _phase_heading(ctx, phase.number, here),
                  _compact(ctx, kb.skills_in_phase(phase.number, core=True))]
        electives = kb.skills_in_phase(phase.number, core=False)
        if electives:
            lines.append(ctx.t("roadmap.electives", skills=_compact(ctx, electives)))
    lines += ["", ctx.t("roadmap.how")]
    buttons = [Button(ctx.t("button.phase", phase=p.number), f"/roadmap {p.number}") for p in kb.phases]
    return Reply("\n".join(lines), rows(*buttons, per_row=4))


def _skill_line(ctx: Context, skill: Skill) -> str:
    line = f"- {status_icon(ctx, skill)} **{ctx.skill_name(skill)}** `/skill {skill.id}`"
    if skill.id == ctx.learner.current_skill:
        line += " " + ctx.t("roadmap.current")
    return line


def phase_detail(ctx: Context, number: int) -> Reply:
    """One phase: its goal, each skill with status and how to open it, the project."""
    kb = ctx.kb
    phase = kb.phase(number)
    lines = [_phase_heading(ctx, number, current_phase(kb, ctx.progress)), f"_{phase.goal.get(ctx.lang)}_"]
    week = _week_line(ctx)
    if week:
        lines.append(week)
    core = kb.skills_in_phase(number, core=True)
    electives = kb.skills_in_phase(number, core=False)
    lines += ["", ctx.t("roadmap.core_heading"), *(_skill_line(ctx, s) for s in core)]
    if electives:
        lines += ["", ctx.t("roadmap.electives_heading"), *(_skill_line(ctx, s) for s in electives)]
    project_mark = "✅" if number in ctx.progress.completed_phases else "⬜"
    lines += ["", ctx.t("roadmap.project", mark=project_mark, title=phase.project.title.get(ctx.lang),
                        phase=number), *milestone_lines(ctx, number),
              "", ctx.t("roadmap.legend")]
    skills = [*core, *electives]
    per_row = max(2, math.ceil(len(skills) / MAX_SKILL_ROWS))
    skill_rows = rows(*(Button(f"{status_icon(ctx, s)} {ctx.skill_name(s)}", f"/skill {s.id}") for s in skills),
                      per_row=per_row)
    way_on = [Button(ctx.t("button.phase", phase=n), f"/roadmap {n}") for n in (number - 1, number + 1)
              if 1 <= n <= len(kb.phases)]
    way_on.append(Button(ctx.t("button.roadmap"), "/roadmap"))
    return Reply("\n".join(lines), (*skill_rows, tuple(way_on)))


def _phase_argument(ctx: Context, args: str) -> int | None:
    match = _PHASE_NUMBER.search(args)
    if match and 1 <= int(match.group(1)) <= len(ctx.kb.phases):
        return int(match.group(1))
    return None


async def cmd_roadmap(ctx: Context, args: str) -> list[Reply]:
    """The whole path (``/roadmap``) or one phase of it (``/roadmap 2``)."""
    if not args.strip():
        return [overview(ctx)]
    number = _phase_argument(ctx, args)
    if number is not None:
        return [phase_detail(ctx, number)]
    skill = ctx.finder.find(args)
    if skill is not None:  # "/roadmap docker": the skill is what they are after
        return [skill_detail(ctx, skill)]
    buttons = [Button(ctx.t("button.phase", phase=p.number), f"/roadmap {p.number}") for p in ctx.kb.phases]
    return [Reply(ctx.t("roadmap.bad_phase", count=len(ctx.kb.phases)), rows(*buttons, per_row=4))]


def skill_detail(ctx: Context, skill: Skill) -> Reply:
    """A skill in full, with its status, its place in the plan and where to learn it."""
    lang = ctx.lang
    number = ctx.kb.skill_phase[skill.id]
    status = ctx.progress.status(skill.id)
    kind = ctx.t("roadmap.kind_core" if skill.core else "roadmap.kind_elective")
    lines = [ctx.t("skill_view.title", name=skill.name.get(lang), phase=number, kind=kind),
             ctx.t("skill_view.status", icon=STATUS_ICONS.get(status, "⬜"), status=ctx.t(f"status.{status}"))]
    waiting = [p for p in skill.prerequisites if not ctx.progress.is_closed(p)]
    if waiting:
        lines.append(ctx.t("skill_view.prereqs_open", skills=", ".join(ctx.skill_name(p) for p in waiting)))
    elif skill.prerequisites:
        lines.append(ctx.t("reason.prereqs_met",
                           skills=", ".join(ctx.skill_name(p) for p in skill.prerequisites)))
    lines += skill_resources.skill_body(ctx, skill)
    links = skill_resources.full_lines(ctx, skill)
    if links:
        lines += ["", *links]
    buttons: list[Button] = []
    if status != "done":
        buttons.append(Button(ctx.t("button.done"), f"/done {skill.id}"))
    if status not in ("done", "skipped"):
        buttons.append(Button(ctx.t("button.skip"), f"/skip {skill.id}"))
    buttons.append(Button(ctx.t("button.quiz"), f"/quiz {skill.id}"))
    buttons.append(Button(ctx.t("button.phase", phase=number), f"/roadmap {number}"))
    return Reply("\n".join(lines), rows(*buttons, per_row=2))


async def cmd_skill(ctx: Context, args: str) -> list[Reply]:
    """One skill in full (``/skill sql``; the current one without a name).

    Browsing changes nothing, so a typo with one close skill ("dokcer") opens that skill
    instead of asking "did you mean?" as /done does.
    """
    text = args.strip()
    if text and ctx.finder.find(text) is None:
        close = ctx.finder.suggest(text)
        if len(close) == 1:
            return [skill_detail(ctx, close[0])]
    skill, problem = resolve_skill(ctx, args, "skill")
    if skill is None:
        if not args.strip():  # nothing current to show: the map is the way in
            return [*problem, overview(ctx)]
        return problem
    return [skill_detail(ctx, skill)]
