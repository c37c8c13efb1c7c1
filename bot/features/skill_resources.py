"""How a skill's learning resources are shown: links in the learner's language first."""

from __future__ import annotations

from bot.content.models import Resource, Skill
from bot.features.context import Context
from bot.markup import escape

NEXT_RESOURCES = 2  # /next shows this many; /skill shows them all


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
