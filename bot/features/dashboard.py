"""The dashboard's data: one learner's path, streak, recall and study groups as JSON-ready dicts.

Read-only: nothing here writes. The rules stay where they live (the plan in
``bot.roadmap.plan``, streaks in ``bot.streaks``, recall in ``bot.quiz.recall``,
the leaderboard's week in ``leaderboard``); this module gathers their results and
aggregates answers per day and per week, so a learner with 10,000 answers still
gets a small document (``benchmarks/dashboard_size.py``).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from bot.features import roadmap_view
from bot.features.context import Context
from bot.features.leaderboard import TOP, week_standings, week_start
from bot.features.progress_report import schedule_line
from bot.i18n import Texts
from bot.localtime import zone, zone_label
from bot.markup import parse
from bot.quiz.recall import due_count, recall_by_skill
from bot.roadmap.plan import (
    PLAN_WEEKS,
    current_phase,
    phase_steps,
    placed_phases,
    schedule,
    steps_done,
)
from bot.streaks.record import first_day, group_streak, learner_day, stored_streak
from bot.streaks.rules import DEFAULT_BOUNDARY, MAX_FREEZES, at_risk, calendar, current_length

log = logging.getLogger(__name__)

API_VERSION = 1
HEATMAP_DAYS = 365
DUE_DAYS = 7
# The streak calendar's marks (bot.streaks.rules.calendar) as one letter each: active, frozen,
# missed, today still open, before the learner's first day.
DAY_MARKS = {"■": "a", "❄": "f", "·": "m", "○": "t", " ": "-"}
PAGE_TEXT_PREFIXES = ("dashboard.", "status.", "month.")

Json = dict[str, Any]
AnswerLog = list[tuple[datetime, str, float]]


async def dashboard(ctx: Context) -> Json:
    """Everything the dashboard shows for the learner in ``ctx``, as of ``ctx.now``."""
    since = ctx.now - timedelta(days=HEATMAP_DAYS + 1)
    answers = await ctx.repo.quiz.answer_log(ctx.learner.id, since)
    track = ctx.kb.tracks.get(ctx.learner.track or "")
    return {
        "version": API_VERSION,
        "learner": {"language": ctx.lang, "timezone": zone_label(ctx.learner.timezone),
                    "track": track.name if track else None, "today": ctx.local_today().isoformat(),
                    "set_up": ctx.learner.onboarding_step is None},
        "roadmap": roadmap(ctx),
        "streak": await streak(ctx, answers),
        "recall": await recall(ctx, answers),
        "groups": await groups(ctx),
    }


def roadmap(ctx: Context) -> Json:
    """The 40 weeks and four phases: every skill's status, the week against the plan, the projects."""
    kb, progress = ctx.kb, ctx.progress
    here = current_phase(kb, progress)
    placed = placed_phases(kb, progress)
    plan: Json | None = None
    if ctx.learner.plan_start is not None:
        sched = schedule(kb, progress, ctx.learner.plan_start, ctx.local_today())
        reached = min(max(min(sched.elapsed_weeks, PLAN_WEEKS) + sched.weeks_ahead, 0.0), PLAN_WEEKS)
        plan = {"week": sched.week, "steps_week": round(reached, 1),
                "status": "finished" if here is None else "plan_over" if sched.plan_over else sched.status,
                "summary": ctx.t("progress.finished") if here is None else schedule_line(ctx, sched)}
    phases = []
    for phase in kb.phases:
        checked = progress.checked_items(phase.number)
        completed = phase.number in progress.completed_phases
        phases.append({
            "number": phase.number, "title": phase.title.get(ctx.lang), "goal": phase.goal.get(ctx.lang),
            "weeks": list(phase.weeks), "here": phase.number == here, "completed": completed,
            "placed": phase.number in placed, "steps_done": steps_done(kb, progress, phase.number),
            "steps": phase_steps(kb, phase.number),
            "skills": [{"id": s.id, "name": ctx.skill_name(s), "core": s.core, "status": progress.status(s.id),
                        "current": s.id == ctx.learner.current_skill}
                       for s in kb.skills_in_phase(phase.number)],
            "project": {"title": phase.project.title.get(ctx.lang), "summary": phase.project.summary.get(ctx.lang),
                        "done": completed,
                        "must_haves": [{"id": item.id, "text": item.text.get(ctx.lang),
                                        "checked": completed or item.id in checked}
                                       for item in phase.project.must_haves]},
        })
    return {"weeks": PLAN_WEEKS, "plan": plan, "phases": phases}


async def streak(ctx: Context, answers: AnswerLog) -> Json:
    """A year of streak days with the answers given on each, and the streak as it stands."""
    learner = ctx.learner
    today = learner_day(learner, ctx.now)
    first = today - timedelta(days=HEATMAP_DAYS - 1)
    days = await ctx.repo.quiz.streak_days(learner.id, first)
    kept = stored_streak(learner, days)
    start = min([first_day(learner), *days])  # a merged account may have days before this one's sign-up
    marks = "".join(DAY_MARKS[m] for m in calendar(kept, today, HEATMAP_DAYS, first_day=start))
    counts = [0] * HEATMAP_DAYS
    for at, _, _ in answers:
        index = (learner_day(learner, at) - first).days
        if 0 <= index < HEATMAP_DAYS:
            counts[index] += 1
    length = current_length(kept, today)
    return {"first": first.isoformat(), "today": today.isoformat(), "marks": marks, "answers": counts,
            "current": length, "longest": kept.longest, "freezes": kept.freezes, "max_freezes": MAX_FREEZES,
            "frozen_days": marks.count("f"), "active_days": marks.count("a"),
            "at_risk": at_risk(kept, today), "boundary": DEFAULT_BOUNDARY.strftime("%H:%M")}


async def recall(ctx: Context, answers: AnswerLog) -> Json:
    """Estimated recall per skill, reviews due today and in the next days, accuracy per week."""
    cards = await ctx.repo.quiz.cards(ctx.learner.id)
    recalls = recall_by_skill(ctx.bank, cards, ctx.now, await ctx.repo.quiz.last_ratings(ctx.learner.id))
    order = {skill.id: i for i, skill in enumerate(ctx.kb.skills.values())}
    skills = [{"id": r.skill_id, "name": ctx.skill_name(r.skill_id), "phase": ctx.kb.skill_phase[r.skill_id],
               "recall": None if r.recalled is None else round(100 * r.recalled), "cards": r.cards,
               "missed": r.missed}
              for r in sorted(recalls.values(), key=lambda r: order.get(r.skill_id, len(order)))
              if r.skill_id in ctx.kb.skills]
    tz, today = ctx.tz(), ctx.local_today()
    due = [0] * DUE_DAYS
    for card in cards.values():
        if ctx.bank.get(card.question_id) is None:
            continue
        offset = max((card.due.astimezone(tz).date() - today).days, 0)
        if offset < DUE_DAYS:
            due[offset] += 1
    recalled = [round(100 * r.recalled) for r in recalls.values() if r.recalled is not None and r.skill_id in ctx.kb.skills]
    return {"skills": skills, "due_now": due_count(ctx.bank, cards, ctx.now), "due_by_day": due,
            "overall": round(sum(recalled) / len(recalled)) if recalled else None,
            "accuracy": accuracy_by_week(answers, tz), "totals": await _totals(ctx)}


def accuracy_by_week(answers: AnswerLog, tz: Any) -> list[Json]:
    """Answers per local week (Monday first): how many, how many right, the average score in percent."""
    weeks: dict[date, list[float]] = {}
    right: Counter[date] = Counter()
    for at, verdict, score in answers:
        monday = week_start(at.astimezone(tz).date())
        weeks.setdefault(monday, []).append(score)
        right[monday] += verdict == "correct"
    return [{"week": monday.isoformat(), "answers": len(scores), "correct": right[monday],
             "score": round(100 * sum(scores) / len(scores))}
            for monday, scores in sorted(weeks.items())]


async def _totals(ctx: Context) -> Json:
    tallies = await ctx.repo.quiz.tallies(ctx.learner.id)
    answers = sum(t.answers for t in tallies)
    return {"answers": answers, "correct": sum(t.correct for t in tallies),
            "partial": sum(t.partial for t in tallies),
            "score": round(100 * sum(t.score for t in tallies) / answers) if answers else 0}


async def groups(ctx: Context) -> list[Json]:
    """Each study group the learner is in: this week's ranking (top ten and the learner) and its streak."""
    found = []
    for group, _ in await ctx.repo.groups.memberships(ctx.learner.id):
        today = ctx.now.astimezone(zone(group.timezone)).date()
        monday = week_start(today)
        standings = await week_standings(ctx.repo, group, monday)
        shown = [(rank, s) for rank, s in enumerate(standings, start=1)
                 if rank <= TOP or s.learner_id == ctx.learner.id]
        found.append({
            "name": group.channel_name or "", "week_start": monday.isoformat(),
            "streak": await group_streak(ctx.repo, group, today), "streak_members": group.streak_members,
            "standings": [{"rank": rank, "name": s.name, "points": s.points, "answers": s.answers,
                           "correct": s.correct, "me": s.learner_id == ctx.learner.id} for rank, s in shown],
        })
    return found


def skill_view(ctx: Context, skill_id: str) -> Json | None:
    """What ``/skill`` shows for one skill, as lines of styled spans (``None`` for an unknown skill)."""
    skill = ctx.kb.skills.get(skill_id)
    if skill is None:
        return None
    text = roadmap_view.skill_detail(ctx, skill).text
    lines = []
    for line in text.split("\n"):
        item = line.startswith("- ")
        spans = [{"kind": s.kind, "text": s.text, **({"url": s.url} if s.url else {})}
                 for s in parse(line[2:] if item else line)]
        lines.append({"item": item, "spans": spans})
    return {"id": skill.id, "name": ctx.skill_name(skill), "lines": lines}


def page_texts(texts: Texts, lang: str) -> dict[str, str]:
    """The page's own texts in ``lang`` (templates: the page fills in ``{placeholders}``)."""
    return texts.templates(lang, PAGE_TEXT_PREFIXES)
