"""Asking a question and showing a verdict: the replies the quiz and the interview share."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from bot.content.models import Question
from bot.conversation import Button, Choice, Expect, ExpectKind, Reply, rows
from bot.features.context import Context
from bot.markup import escape, to_plain
from bot.quiz.answers import DONT_KNOW, asking_time
from bot.quiz.grader import Grade

log = logging.getLogger(__name__)

PENDING_TTL = timedelta(days=2)
LETTERS = "ABCDEF"
VERDICT_MARK = {"correct": "✅", "partial": "🟡", "incorrect": "❌"}


def pending_question(ctx: Context) -> Question | None:
    """The question the learner was asked and has not answered yet (forgotten after 2 days)."""
    learner = ctx.learner
    if learner.quiz_question is None:
        return None
    question = ctx.bank.get(learner.quiz_question)
    asked = learner.quiz_asked_at
    if question is None or asked is None or ctx.now - asked > PENDING_TTL:
        clear_pending(ctx)
        return None
    return question


def clear_pending(ctx: Context) -> None:
    """Forget the open question."""
    ctx.learner.quiz_question, ctx.learner.quiz_asked_at = None, None


def expects_answer(question: Question, command: str) -> Expect:
    """What a question's reply waits for: a typed answer (open) or an option (choice), sent as ``command``."""
    kind = ExpectKind.CHOICE if question.kind == "choice" else ExpectKind.ANSWER
    return Expect(kind, question.id, command)


def choice_of(ctx: Context, question: Question, header: str) -> Choice:
    """A choice question as data in the learner's language (a platform may draw it as a native quiz)."""
    assert question.answer is not None and question.explanation is not None
    lang = ctx.lang
    return Choice(intro=header, prompt=to_plain(question.prompt.get(lang)),
                  options=tuple(to_plain(option.get(lang)) for option in question.options),
                  correct=question.answer, explanation=to_plain(question.explanation.get(lang)),
                  ask=f"/quiz {question.id}")


def question_reply(ctx: Context, question: Question, header: str) -> Reply:
    """A question with its options (choice) or an answering hint (open), and its buttons."""
    lines = [header, "", question.prompt.get(ctx.lang)]
    command = f"/answer {question.id}"
    expects = expects_answer(question, command)
    dont_know = Button(ctx.t("button.dont_know"), f"{command} {DONT_KNOW}")
    if question.kind == "choice":
        lines.append("")
        lines += [f"**{LETTERS[i]}.** {option.get(ctx.lang)}" for i, option in enumerate(question.options)]
        letters = [Button(LETTERS[i], f"{command} {i + 1}") for i in range(len(question.options))]
        expects = replace(expects, choice=choice_of(ctx, question, header))
        return Reply("\n".join(lines), rows(*letters, per_row=len(letters)) + rows(dont_know),
                     expects=expects, language=ctx.lang)
    lines += ["", ctx.t("quiz.answer_hint")]
    return Reply("\n".join(lines), rows(dont_know, Button(ctx.t("button.skip_question"), "/cancel")),
                 expects=expects, language=ctx.lang)


async def ask(ctx: Context, question: Question, header: str) -> Reply:
    """Ask ``question`` now: it becomes the learner's open question."""
    asked_at = await asking_time(ctx.repo, ctx.learner, question, ctx.now)
    ctx.learner.quiz_question, ctx.learner.quiz_asked_at = question.id, asked_at
    return question_reply(ctx, question, header)


def when_text(ctx: Context, due: datetime) -> str:
    """"in 3 days (Thu 5 Mar)" in the learner's language and timezone."""
    days = (due.astimezone(ctx.tz()).date() - ctx.local_today()).days
    if days <= 0:
        return ctx.t("when.today")
    if days == 1:
        return ctx.t("when.tomorrow")
    return ctx.t("when.days", days=days, date=due.astimezone(ctx.tz()).strftime("%Y-%m-%d"))


def _explanation(ctx: Context, question: Question, grade: Grade) -> list[str]:
    """Each concept found with the learner's own words that earned it, what was wrong, what was missed."""
    lang = ctx.lang
    concepts = {c.id: c for c in question.rubric}
    wrong = {m.id: m.label.get(lang) for m in question.misconceptions}
    lines: list[str] = []
    if grade.hit:
        lines += ["", ctx.t("verdict.hit")]
        for concept_id in grade.hit:
            quote = grade.quote(concept_id)
            said = " " + ctx.t("verdict.your_words", words=escape(quote)) if quote else ""
            lines.append(f"- {concepts[concept_id].label.get(lang)}{said}")
    if grade.wrong:
        lines += ["", ctx.t("verdict.wrong")]
        lines += [f"- {wrong[m]} {ctx.t('verdict.your_words', words=escape(q))}" for m, q in grade.wrong if m in wrong]
    if grade.missed:
        lines += ["", ctx.t("verdict.missed")]
        for concept_id in sorted(grade.missed, key=lambda c: not concepts[c].core):
            key = " " + ctx.t("verdict.key_point") if concepts[concept_id].core else ""
            lines.append(f"- {concepts[concept_id].label.get(lang)}{key}")
    for held_back, key in ((grade.term_list, "verdict.term_list"), (grade.brief, "verdict.brief"),
                           (grade.unsure, "verdict.unsure")):
        if held_back:
            lines += ["", ctx.t(key)]
    return lines


def verdict_text(ctx: Context, question: Question, grade: Grade) -> str:
    """The verdict, what was hit and missed, and the model answer or explanation."""
    lang = ctx.lang
    lines = [ctx.t(f"verdict.{grade.verdict}", mark=VERDICT_MARK[grade.verdict], score=round(grade.score * 100))]
    if question.kind == "open":
        lines += _explanation(ctx, question, grade)
        assert question.model_answer is not None
        lines += ["", ctx.t("verdict.model_answer"), question.model_answer.get(lang)]
    else:
        assert question.answer is not None and question.explanation is not None
        right = question.options[question.answer].get(lang)
        lines += ["", ctx.t("verdict.right_option", letter=LETTERS[question.answer], option=right),
                  question.explanation.get(lang)]
    return "\n".join(lines)
