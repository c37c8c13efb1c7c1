"""/next, /another, /done and /skip: the "what next?" conversation."""

from __future__ import annotations

import logging

from bot.content.models import Skill
from bot.conversation import Button, Reply, rows
from bot.features import project, skill_resources
from bot.features.context import Context
from bot.features.streak_report import streak_line
from bot.markup import escape
from bot.quiz.recall import recall_by_skill, weakest_skill
from bot.roadmap.plan import PLAN_WEEKS, week_in_plan
from bot.roadmap.recommend import Reason, Recommendation, recommend
from bot.streaks.record import count_activity

log = logging.getLogger(__name__)

MAX_ECHO_CHARS = 60


def _reason_text(ctx: Context, reason: Reason) -> str:
    params = dict(reason.params)
    if "skills" in params:
        skills = params["skills"]
        assert isinstance(skills, (list, tuple))
        params["skills"] = ", ".join(ctx.skill_name(s) for s in skills)
    return ctx.t(reason.key, **params)


def _skill_reply(ctx: Context, rec: Recommendation) -> Reply:
    skill = rec.skill
    assert skill is not None
    lang = ctx.lang
    lines = [ctx.t("next.title", name=skill.name.get(lang), phase=rec.phase)]
    if ctx.learner.plan_start is not None:
        week = week_in_plan(ctx.learner.plan_start, ctx.local_today())
        lines.append(ctx.t("next.week" if week <= PLAN_WEEKS else "next.week_past", week=week))
    lines += ["", ctx.t("next.why_heading")]
    lines += [f"- {_reason_text(ctx, reason)}" for reason in rec.reasons]
    lines += skill_resources.skill_body(ctx, skill)
    start_here = skill_resources.compact_line(ctx, skill)
    if start_here:
        lines += ["", start_here]
    buttons = [
        Button(ctx.t("button.done"), f"/done {skill.id}"),
        Button(ctx.t("button.skip"), f"/skip {skill.id}"),
    ]
    if rec.alternatives > 0:
        buttons.append(Button(ctx.t("button.another"), f"/another {skill.id}"))
    return Reply("\n".join(lines), rows(*buttons, per_row=3))


async def present(ctx: Context, rec: Recommendation) -> list[Reply]:
    """Show a recommendation and remember it as the learner's current step."""
    if rec.kind == "skill" and rec.skill is not None:
        if ctx.progress.status(rec.skill.id) == "not_started":
            await ctx.set_skill_status(rec.skill.id, "learning", source="recommended")
        ctx.learner.current_skill = rec.skill.id
        return [_skill_reply(ctx, rec)]
    ctx.learner.current_skill = None
    if rec.kind == "project":
        return [project.checklist_reply(ctx, rec.phase, intro=ctx.t("project.unlocked", phase=rec.phase))]
    return [Reply(ctx.t("next.finished"), rows(Button(ctx.t("button.progress"), "/progress")))]


async def review_first(ctx: Context) -> list[Reply]:
    """A nudge to review the weakest skill first, when its estimated recall is low."""
    cards = await ctx.repo.quiz.cards(ctx.learner.id)
    weak = weakest_skill(recall_by_skill(ctx.bank, cards, ctx.now))
    if weak is None:
        return []
    name = ctx.skill_name(weak.skill_id)
    return [Reply(ctx.t("next.review_first", skill=name, recall=round(100 * weak.recall)),
                  rows(Button(ctx.t("button.review_skill", skill=name), f"/quiz {weak.skill_id}")))]


async def cmd_next(ctx: Context, args: str) -> list[Reply]:
    """Recommend the next skill (or project) with the reasons, the combo and a task."""
    rec = recommend(ctx.kb, ctx.progress, current_skill=ctx.learner.current_skill)
    return [*await review_first(ctx), *await present(ctx, rec)]


def resolve_skill(ctx: Context, args: str, command: str) -> tuple[Skill | None, list[Reply]]:
    """The skill named in ``args`` (or the current one), or replies explaining why not."""
    text = args.strip()
    if not text:
        if ctx.learner.current_skill in ctx.kb.skills:
            return ctx.kb.skills[ctx.learner.current_skill], []
        return None, [Reply(ctx.t("skill.which", command=command), rows(Button(ctx.t("button.next"), "/next")))]
    skill = ctx.finder.find(text)
    if skill is not None:
        return skill, []
    suggestions = ctx.finder.suggest(text)
    shown = escape(text[:MAX_ECHO_CHARS]) + ("…" if len(text) > MAX_ECHO_CHARS else "")
    if suggestions:
        buttons = [Button(ctx.skill_name(s), f"/{command} {s.id}") for s in suggestions]
        return None, [Reply(ctx.t("skill.unknown_suggest", text=shown), rows(*buttons, per_row=1))]
    return None, [Reply(ctx.t("skill.unknown", text=shown), rows(Button(ctx.t("button.next"), "/next")))]


async def _close_skill(ctx: Context, args: str, status: str) -> list[Reply]:
    command = "done" if status == "done" else "skip"
    skill, problem = resolve_skill(ctx, args, command)
    if skill is None:
        return problem
    name = ctx.skill_name(skill)
    if ctx.progress.status(skill.id) == status:
        ack = ctx.t(f"{command}.already", name=name)
    else:
        await ctx.set_skill_status(skill.id, status, source="learner")
        phase = ctx.kb.skill_phase[skill.id]
        core = ctx.kb.skills_in_phase(phase, core=True)
        closed = sum(1 for s in core if ctx.progress.is_closed(s.id))
        ack = ctx.t(f"{command}.ack", name=name, closed=closed, total=len(core), phase=phase)
        if status == "done":
            streak = streak_line(ctx, await count_activity(ctx.repo, ctx.learner, ctx.now))
            ack += f"\n{streak}" if streak else ""
    if ctx.learner.current_skill == skill.id:
        ctx.learner.current_skill = None
    rec = recommend(ctx.kb, ctx.progress, current_skill=ctx.learner.current_skill)
    return [Reply(ack), *await present(ctx, rec)]


async def cmd_done(ctx: Context, args: str) -> list[Reply]:
    """Mark a skill done (the current one when none is named) and show what is next."""
    return await _close_skill(ctx, args, "done")


async def cmd_skip(ctx: Context, args: str) -> list[Reply]:
    """Skip a skill: it no longer blocks anything. Shows what is next."""
    return await _close_skill(ctx, args, "skipped")


async def cmd_another(ctx: Context, args: str) -> list[Reply]:
    """Offer a different open skill than the one just recommended."""
    if args.strip():
        skill, problem = resolve_skill(ctx, args, "another")
        if skill is None:
            return problem
        after = skill.id
    else:
        after = ctx.learner.current_skill or ""
    if after and ctx.progress.status(after) == "learning":
        await ctx.set_skill_status(after, "not_started", source="recommended")
    rec = recommend(ctx.kb, ctx.progress, after=after)
    replies = await present(ctx, rec)
    if rec.kind == "skill" and rec.skill is not None and rec.skill.id == after:
        return [Reply(ctx.t("next.no_other")), *replies]
    return replies
