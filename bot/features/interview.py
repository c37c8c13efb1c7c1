"""/interview: a mock interview of five questions from the phases reached so far."""

from __future__ import annotations

import logging

from bot.content.models import Question
from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.features.quiz_ask import VERDICT_MARK, ask, clear_pending, pending_question, question_reply
from bot.quiz.selection import interview_questions
from bot.roadmap.plan import week_in_plan
from bot.storage.tables import Interview

log = logging.getLogger(__name__)

INTERVIEW_LENGTH = 5
STRONG, FAIR = 80, 50


def _ids(interview: Interview) -> list[str]:
    return [qid for qid in interview.question_ids.split(",") if qid]


def is_current(interview: Interview, question_id: str) -> bool:
    """True when ``question_id`` is the interview question being asked now."""
    ids = _ids(interview)
    return interview.position < len(ids) and ids[interview.position] == question_id


def _header(ctx: Context, interview: Interview, question: Question) -> str:
    return ctx.t("interview.question", number=interview.position + 1, total=len(_ids(interview)),
                 skill=ctx.skill_name(question.skill))


async def _ask_current(ctx: Context, interview: Interview) -> list[Reply]:
    ids = _ids(interview)
    while interview.position < len(ids):
        question = ctx.bank.get(ids[interview.position])
        if question is not None:
            return [await ask(ctx, question, _header(ctx, interview, question))]
        interview.position += 1  # its pack was removed meanwhile
    return []


async def cmd_interview(ctx: Context, args: str) -> list[Reply]:
    """Start a mock interview, or pick up the one in progress."""
    store = ctx.repo.quiz
    interview = await store.open_interview(ctx.learner.id)
    if interview is not None:
        pending = pending_question(ctx)
        if pending is not None and is_current(interview, pending.id):
            return [Reply(ctx.t("interview.resume")), question_reply(ctx, pending, _header(ctx, interview, pending))]
        asked = await _ask_current(ctx, interview)
        if asked:
            return [Reply(ctx.t("interview.resume")), *asked]
        return await finish(ctx, interview)
    week = week_in_plan(ctx.learner.plan_start, ctx.local_today()) if ctx.learner.plan_start else 1
    questions = interview_questions(
        ctx.bank, ctx.progress, seed=f"{ctx.learner.id}:{ctx.now.isoformat()}", count=INTERVIEW_LENGTH,
        track=ctx.learner.track, week=week,
    )
    if not questions:
        return [Reply(ctx.t("interview.no_questions"))]
    interview = await store.start_interview(ctx.learner.id, [q.id for q in questions], ctx.now)
    log.info("learner %s started interview %s", ctx.learner.id, interview.id)
    return [Reply(ctx.t("interview.intro", count=len(questions))), *await _ask_current(ctx, interview)]


async def advance(ctx: Context, interview: Interview) -> list[Reply]:
    """After an interview answer: the next question, or the scorecard."""
    interview.position += 1
    asked = await _ask_current(ctx, interview)
    return asked or await finish(ctx, interview)


async def finish(ctx: Context, interview: Interview) -> list[Reply]:
    """Close the interview and show the scorecard."""
    interview.finished_at = ctx.now
    answers = await ctx.repo.quiz.interview_answers(interview.id)
    if not answers:
        return [Reply(ctx.t("interview.stopped_empty"), rows(Button(ctx.t("button.interview"), "/interview")))]
    total = round(100 * sum(a.score for a in answers) / len(answers))
    lines = [ctx.t("interview.scorecard", answered=len(answers), total=len(_ids(interview)), score=total), ""]
    for number, answer in enumerate(answers, start=1):
        name = ctx.skill_name(answer.skill_id) if answer.skill_id in ctx.kb.skills else answer.skill_id
        lines.append(f"{number}. {VERDICT_MARK.get(answer.verdict, '')} {name}: {round(answer.score * 100)}%")
    level = "strong" if total >= STRONG else "fair" if total >= FAIR else "weak"
    lines += ["", ctx.t(f"interview.verdict_{level}")]
    weakest = min(answers, key=lambda a: a.score)
    buttons = [Button(ctx.t("button.interview_again"), "/interview")]
    if weakest.score < 1 and weakest.skill_id in ctx.kb.skills:
        buttons.insert(0, Button(ctx.t("button.review_skill", skill=ctx.skill_name(weakest.skill_id)),
                                 f"/quiz {weakest.skill_id}"))
    log.info("learner %s finished interview %s: %d%%", ctx.learner.id, interview.id, total)
    return [Reply("\n".join(lines), rows(*buttons, per_row=1))]


async def stop(ctx: Context) -> list[Reply] | None:
    """/cancel during an interview: end it with the scorecard so far (``None`` if none is open)."""
    interview = await ctx.repo.quiz.open_interview(ctx.learner.id)
    if interview is None:
        return None
    clear_pending(ctx)
    return [Reply(ctx.t("interview.stopped")), *await finish(ctx, interview)]
