"""/stats: answers per phase and skill (correct, partly right, average score), reviews due, recall.

A partly right answer counts with its score; recall is shown only for questions last
answered right or partly right (FSRS rates any card as fresh just after a review, a
missed one too), and a question just missed is shown as missed.
"""

from __future__ import annotations

import logging

from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.features.quiz_ask import when_text
from bot.quiz.recall import SkillRecall, due_count, next_review_due, recall_by_skill
from bot.storage.quiz_store import SkillTally

log = logging.getLogger(__name__)


def _percent(part: float, whole: float) -> int:
    return round(100 * part / whole) if whole else 0


def _counts(tallies: list[SkillTally]) -> dict[str, int]:
    """Answers, correct and partly correct answers, and the average score (a partial answer counts its score)."""
    answers = sum(t.answers for t in tallies)
    return {"answers": answers, "correct": sum(t.correct for t in tallies),
            "partial": sum(t.partial for t in tallies), "score": _percent(sum(t.score for t in tallies), answers)}


def _recall_text(ctx: Context, recall: SkillRecall | None) -> str:
    """" · recall ~80%" for the questions last answered right, " · just missed 1 question" for the others."""
    if recall is None:
        return ""
    parts = [ctx.t("stats.skill_recall", recall=round(100 * recall.recalled))] if recall.recalled is not None else []
    if recall.missed:
        parts.append(ctx.t("stats.skill_missed", missed=recall.missed))
    return "".join(f" {part}" for part in parts)


async def cmd_stats(ctx: Context, args: str) -> list[Reply]:
    """Answers, correct and partial answers and the score per phase and skill, reviews due, and recall."""
    tallies = {t.skill_id: t for t in await ctx.repo.quiz.tallies(ctx.learner.id)}
    quiz_button = Button(ctx.t("button.quiz"), "/quiz")
    if not tallies:
        return [Reply(ctx.t("stats.empty"), rows(quiz_button))]
    cards = await ctx.repo.quiz.cards(ctx.learner.id)
    recalls = recall_by_skill(ctx.bank, cards, ctx.now, await ctx.repo.quiz.last_ratings(ctx.learner.id))
    lines = [ctx.t("stats.title"), ctx.t("stats.overall", **_counts(list(tallies.values()))), ""]
    for phase in ctx.kb.phases:
        in_phase = [tallies[s.id] for s in ctx.kb.skills_in_phase(phase.number) if s.id in tallies]
        if not in_phase:
            continue
        lines.append(ctx.t("stats.phase", phase=phase.number, **_counts(in_phase)))
        for tally in in_phase:
            lines.append(ctx.t("stats.skill", skill=ctx.skill_name(tally.skill_id), **_counts([tally]),
                               recall=_recall_text(ctx, recalls.get(tally.skill_id))))
        lines.append("")
    due = due_count(ctx.bank, cards, ctx.now)
    if due:
        lines.append(ctx.t("stats.due", count=due))
    else:
        upcoming = next_review_due(ctx.bank, cards)
        lines.append(ctx.t("stats.none_due", when=when_text(ctx, upcoming)) if upcoming
                     else ctx.t("stats.none_due_ever"))
    recalled = [r.recalled for r in recalls.values() if r.recalled is not None]
    if recalled:
        lines.append(ctx.t("stats.recall", percent=round(100 * sum(recalled) / len(recalled))))
    if recalls:
        lines.append(ctx.t("stats.recall_note"))
    return [Reply("\n".join(lines), rows(quiz_button, Button(ctx.t("button.streak"), "/streak")))]
