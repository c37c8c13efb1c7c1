"""How a skill is shown in /next and /skill: what to learn, why, the combo, the track pointer, the task,
and its learning resources (links in the learner's language first)."""

from __future__ import annotations

from bot.content.models import Resource, Skill
from bot.features.context import Context
from bot.markup import escape

NEXT_RESOURCES = 2  # /next shows this many; /skill shows them all


def skill_body(ctx: Context, skill: Skill) -> list[str]:
    """The lines both /next and /skill show: a blank line, learn, why, combo, the track pointer, the task."""
    lang = ctx.lang
    lines = [
        "",
        ctx.t("next.learn", text=skill.learn.get(lang)),
        ctx.t("next.matters", text=skill.why.get(lang)),
        ctx.t("next.combo", text=skill.combo.get(lang)),
    ]
    track = ctx.kb.tracks.get(ctx.learner.track or "")
    if track is not None:
        lines.append(ctx.t("next.track", track=track.name, text=skill.tracks.for_track(track.id).get(lang)))
    return [*lines, "", ctx.t("next.task", text=skill.task.get(lang))]


def resources(ctx: Context, skill: Skill) -> list[Resource]:
    """The resources for the learner's track, those in the learner's language first."""
    shown = skill.resources_for(ctx.learner.track)
    return sorted(shown, key=lambda r: r.language != ctx.lang)


def link(ctx: Context, resource: Resource) -> str:
    """One resource as a link, with a note when it is written in Indonesian."""
    text = f"[{escape(resource.title)}]({resource.url})"
    if resource.language == "id":
        text += f" ({ctx.t('resource.in_indonesian')})"
    return text


def compact_line(ctx: Context, skill: Skill, limit: int = NEXT_RESOURCES) -> str | None:
    """``📚 Start here: [A](…) · [B](…)``, the first ``limit`` resources; ``None`` when there are none."""
    shown = resources(ctx, skill)[:limit]
    if not shown:
        return None
    return ctx.t("resource.start_here", links=" · ".join(link(ctx, r) for r in shown))


def full_lines(ctx: Context, skill: Skill) -> list[str]:
    """A heading and one list line per resource (nothing when there are none)."""
    shown = resources(ctx, skill)
    if not shown:
        return []
    return [ctx.t("resource.heading"), *(f"- {link(ctx, r)}" for r in shown)]
