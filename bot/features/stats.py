"""/stats: accuracy per phase and skill, reviews due, estimated recall."""

from __future__ import annotations

import logging

from bot.features.context import Context
from bot.conversation import Button, Reply, rows
from bot.features.quiz_ask import when_text
from bot.quiz.recall import due_count, next_review_due, recall_by_skill

log = logging.getLogger(__name__)


def _percent(part: float, whole: float) -> int:
    return round(100 * part / whole) if whole else 0


async def cmd_stats(ctx: Context, args: str) -> list[Reply]:
    """Accuracy per phase and skill, reviews due now, and estimated recall."""
    tallies = {t.skill_id: t for t in await ctx.repo.quiz.tallies(ctx.learner.id)}
    quiz_button = Button(ctx.t("button.quiz"), "/quiz")
    if not tallies:
        return [Reply(ctx.t("stats.empty"), rows(quiz_button))]
    cards = await ctx.repo.quiz.cards(ctx.learner.id)
    recalls = recall_by_skill(ctx.bank, cards, ctx.now)
    answers = sum(t.answers for t in tallies.values())
    correct = sum(t.correct for t in tallies.values())
    lines = [ctx.t("stats.title"), ctx.t("stats.overall", answers=answers, percent=_percent(correct, answers)), ""]
    for phase in ctx.kb.phases:
        in_phase = [tallies[s.id] for s in ctx.kb.skills_in_phase(phase.number) if s.id in tallies]
        if not in_phase:
            continue
        phase_answers = sum(t.answers for t in in_phase)
        phase_correct = sum(t.correct for t in in_phase)
        lines.append(ctx.t("stats.phase", phase=phase.number, answers=phase_answers,
                           percent=_percent(phase_correct, phase_answers)))
        for tally in in_phase:
            recall = recalls.get(tally.skill_id)
            key = "stats.skill_recall" if recall is not None else "stats.skill"
            lines.append(ctx.t(key, skill=ctx.skill_name(tally.skill_id), answers=tally.answers,
                               percent=_percent(tally.correct, tally.answers),
                               recall=round(100 * recall.recall) if recall else 0))
        lines.append("")
    due = due_count(ctx.bank, cards, ctx.now)
    if due:
        lines.append(ctx.t("stats.due", count=due))
    else:
        upcoming = next_review_due(ctx.bank, cards)
        lines.append(ctx.t("stats.none_due", when=when_text(ctx, upcoming)) if upcoming
                     else ctx.t("stats.none_due_ever"))
    if recalls:
        mean = sum(r.recall for r in recalls.values()) / len(recalls)
        lines.append(ctx.t("stats.recall", percent=round(100 * mean)))
    return [Reply("\n".join(lines), rows(quiz_button, Button(ctx.t("button.streak"), "/streak")))]
