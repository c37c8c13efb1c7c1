"""What a push says: the daily quiz, the weekly phase nudge and the streak reminder.

Each composer returns the replies to send, or ``None`` when there is
nothing worth sending (an interview is open, every question is done, the
streak is no longer at risk); the delivery then records the push as skipped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.features.progress_report import schedule_line
from bot.features.quiz import pick_header
from bot.features.quiz_ask import ask, clear_pending
from bot.pushes.kinds import DAILY_QUIZ, STREAK_RISK, WEEKLY_NUDGE
from bot.quiz.selection import pick_question
from bot.roadmap.plan import PLAN_WEEKS, current_phase, schedule
from bot.roadmap.recommend import candidates
from bot.streaks.record import current_streak, learner_day, stored_streak
from bot.streaks.rules import at_risk

FOCUS_SKILLS = 3

Composer = Callable[[Context], Awaitable[list[Reply] | None]]


async def daily_quiz(ctx: Context) -> list[Reply] | None:
    """Today's question (a due review first), with its answer buttons; it becomes the open question."""
    if await ctx.repo.quiz.open_interview(ctx.learner.id) is not None:
        return None
    clear_pending(ctx)
    cards = await ctx.repo.quiz.cards(ctx.learner.id)
    pick = pick_question(ctx.bank, ctx.progress, cards, now=ctx.now, learner_id=ctx.learner.id,
                         current_skill=ctx.learner.current_skill, track=ctx.learner.track)
    if pick is None:
        return None
    header = f"{ctx.t('push.daily_quiz')}\n{pick_header(ctx, pick)}"
    return [await ask(ctx, pick.question, header)]


async def weekly_nudge(ctx: Context) -> list[Reply] | None:
    """Week N of 40, the phase, this week's focus skills, the project checkpoint, schedule and streak."""
    kb, progress, learner = ctx.kb, ctx.progress, ctx.learner
    phase = current_phase(kb, progress)
    today = ctx.local_today()
    lines: list[str] = []
    if learner.plan_start is not None:
        sched = schedule(kb, progress, learner.plan_start, today)
        key = "push.nudge_week" if sched.week <= PLAN_WEEKS else "push.nudge_week_past"
        lines.append(ctx.t(key, week=sched.week, total=PLAN_WEEKS))
    if phase is None:
        lines.append(ctx.t("progress.finished"))
    else:
        lines.append(ctx.t("push.nudge_phase", phase=phase, title=kb.phase(phase).title.get(ctx.lang)))
        focus = [s for s in candidates(kb, progress, phase, core=True) if kb.skill_phase[s.id] == phase]
        if focus:
            names = ", ".join(f"**{ctx.skill_name(s)}**" for s in focus[:FOCUS_SKILLS])
            lines.append(ctx.t("push.nudge_focus", skills=names))
        project = kb.phase(phase).project
        checked = len(progress.checked_items(phase) & {i.id for i in project.must_haves})
        lines.append(ctx.t("push.nudge_project", title=project.title.get(ctx.lang), checked=checked,
                           total=len(project.must_haves)))
        if learner.plan_start is not None:
            lines.append(schedule_line(ctx, sched))
    days = current_streak(ctx.learner, ctx.now)
    lines.append(ctx.t("push.nudge_streak", days=days) if days else ctx.t("push.nudge_no_streak"))
    lines += ["", ctx.t("push.footer")]
    return [Reply("\n".join(lines), rows(Button(ctx.t("button.next"), "/next"),
                                         Button(ctx.t("button.quiz"), "/quiz"),
                                         Button(ctx.t("button.project"), "/project"), per_row=3))]


async def streak_risk(ctx: Context) -> list[Reply] | None:
    """An evening reminder that today has no activity yet; ``None`` if it has (or the streak is gone)."""
    days = current_streak(ctx.learner, ctx.now)
    if days < 1 or not at_risk_today(ctx):
        return None
    text = f"{ctx.t('push.streak_risk', days=days)}\n\n{ctx.t('push.footer')}"
    return [Reply(text, rows(Button(ctx.t("button.quiz"), "/quiz")))]


def at_risk_today(ctx: Context) -> bool:
    """True when the learner's streak is alive and today's streak day has no activity yet."""
    return at_risk(stored_streak(ctx.learner), learner_day(ctx.learner, ctx.now))


COMPOSERS: dict[str, Composer] = {DAILY_QUIZ: daily_quiz, WEEKLY_NUDGE: weekly_nudge, STREAK_RISK: streak_risk}
