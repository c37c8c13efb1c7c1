"""/quiz, /answer, /rate and /dispute: interview questions, graded, scheduled with FSRS.

An answer counts once: it must answer the open question, and the stored
answer is keyed by the moment the question was asked, so a button pressed
twice (even by two processes at once) is answered "already answered".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.content.models import Question
from bot.conversation import Button, Expect, Reply, rows
from bot.features import interview as interview_feature
from bot.features.context import Context
from bot.features.preferences import parse_track, track_named
from bot.features.quiz_ask import (
    ask,
    clear_pending,
    pending_question,
    question_reply,
    verdict_text,
    when_text,
)
from bot.features.streak_report import streak_line
from bot.intents import normalize
from bot.markup import escape
from bot.quiz.answers import grade_off_loop, record_review
from bot.quiz.grader import Grade, choice_index
from bot.quiz.recall import next_review_due
from bot.quiz.scheduling import RATINGS, card_from_json, review, store
from bot.quiz.selection import Pick, PickKind, pick_question
from bot.storage.tables import ReviewCard
from bot.streaks.record import count_activity

log = logging.getLogger(__name__)

RATE_WINDOW = timedelta(days=1)
DISPUTE_WINDOW = timedelta(days=7)
MAX_ECHO = 40
_PHASE = re.compile(r"^(?:phase|fase)?\s*([1-9])$")


def pick_header(ctx: Context, pick: Pick) -> str:
    """The line above a picked question: new, review or practice, with its skill."""
    return ctx.t(f"quiz.header_{pick.kind}", skill=ctx.skill_name(pick.question.skill), id=pick.question.id)


def _open_header(ctx: Context, question: Question) -> str:
    return ctx.t("quiz.header_open", skill=ctx.skill_name(question.skill), id=question.id)


@dataclass(frozen=True)
class _Topic:
    """What ``/quiz TOPIC`` named: one question, some skills, or one track."""

    question: Question | None = None
    skills: list[str] | None = None
    track: str | None = None


def _topic(ctx: Context, text: str) -> tuple[_Topic, list[Reply]]:
    """A question id, a track, a skill or a phase named after /quiz; or replies saying it is unknown."""
    query = text.strip().lower()
    question = ctx.bank.get(query)
    if question is not None:
        return _Topic(question=question), []
    phase = _PHASE.match(normalize(query))
    if phase and 1 <= int(phase.group(1)) <= len(ctx.kb.phases):
        return _Topic(skills=[s.id for s in ctx.kb.skills_in_phase(int(phase.group(1)))]), []
    track = track_named(ctx.kb, text)
    if track is not None:
        return _Topic(track=track), []
    skill = ctx.finder.find(text)
    if skill is not None:
        return _Topic(skills=[skill.id]), []
    track = parse_track(ctx.kb, text)
    if track is not None:
        return _Topic(track=track), []
    shown = escape(text[:MAX_ECHO]) + ("…" if len(text) > MAX_ECHO else "")
    suggestions = ctx.finder.suggest(text)
    buttons = [Button(ctx.skill_name(s), f"/quiz {s.id}") for s in suggestions]
    return _Topic(), [Reply(ctx.t("quiz.unknown_topic", text=shown), rows(*buttons, per_row=1)
                            or rows(Button(ctx.t("button.quiz"), "/quiz")))]


async def cmd_quiz(ctx: Context, args: str) -> list[Reply]:
    """Ask a question: a due review first, then a new one; ``/quiz TOPIC`` narrows it
    to a question, a skill, a phase or a track (``/quiz python``)."""
    interview = await ctx.repo.quiz.open_interview(ctx.learner.id)
    if interview is not None:
        return [Reply(ctx.t("quiz.in_interview"), rows(Button(ctx.t("button.interview"), "/interview"),
                                                       Button(ctx.t("button.stop_interview"), "/cancel")))]
    pending = pending_question(ctx)
    if pending is not None and not args.strip():
        return [Reply(ctx.t("quiz.still_open")), question_reply(ctx, pending, _open_header(ctx, pending))]
    topic = _Topic()
    cards = await ctx.repo.quiz.cards(ctx.learner.id)
    if args.strip():
        topic, problem = _topic(ctx, args)
        if problem:
            return problem
        if topic.question is not None:
            question = topic.question
            kind: PickKind = ("new" if question.id not in cards
                              else "review" if cards[question.id].due <= ctx.now else "practice")
            return [await ask(ctx, question, pick_header(ctx, Pick(question, kind)))]
    pick = pick_question(ctx.bank, ctx.progress, cards, now=ctx.now, learner_id=ctx.learner.id,
                         current_skill=ctx.learner.current_skill, topic=topic.skills,
                         track=topic.track or ctx.learner.track, track_only=topic.track is not None)
    if pick is None:
        if topic.track is not None:
            return [Reply(ctx.t("quiz.no_track_questions", track=ctx.kb.tracks[topic.track].name),
                          rows(Button(ctx.t("button.quiz"), "/quiz")))]
        return [_caught_up(ctx, cards)]
    return [await ask(ctx, pick.question, pick_header(ctx, pick))]


def _caught_up(ctx: Context, cards: dict[str, ReviewCard]) -> Reply:
    upcoming = next_review_due(ctx.bank, cards)
    text = ctx.t("quiz.caught_up")
    if upcoming:
        text += "\n" + ctx.t("quiz.next_review", when=when_text(ctx, upcoming))
    return Reply(text, rows(Button(ctx.t("button.next"), "/next"), Button(ctx.t("button.stats"), "/stats")))


async def cmd_answer(ctx: Context, args: str) -> list[Reply]:
    """``/answer QUESTION-ID ANSWER``: what the option buttons send; typing it works too."""
    question_id, _, text = args.strip().partition(" ")
    if not question_id:
        pending = pending_question(ctx)
        if pending is None:
            return [Reply(ctx.t("quiz.nothing_open"), rows(Button(ctx.t("button.quiz"), "/quiz")))]
        return [Reply(ctx.t("quiz.answer_usage"))]
    return await answer(ctx, question_id.lower(), text.strip())


def names_an_option(ctx: Context, text: str) -> bool:
    """Whether ``text`` picks an option of the open choice question ("B", "interview")."""
    question = pending_question(ctx)
    return question is not None and question.kind == "choice" and choice_index(question, text) is not None


async def typed_answer(ctx: Context, text: str) -> list[Reply] | None:
    """Free text while a question is open: the answer to it (``None`` if none is open)."""
    question = pending_question(ctx)
    if question is None:
        return None
    return await answer(ctx, question.id, text)


async def answer(ctx: Context, question_id: str, text: str) -> list[Reply]:
    """Grade an answer to the open question, schedule its review, count the streak day."""
    question = ctx.bank.get(question_id)
    pending = pending_question(ctx)
    if question is None or pending is None or pending.id != question.id:
        return await _not_open(ctx, question, pending)
    if not text:
        return [Reply(ctx.t("quiz.empty_answer"))]
    result = await grade_off_loop(question, text)
    if result is None:
        asked = question_reply(ctx, question, "")
        return [pick_option_reply(ctx, question, asked.buttons, asked.expects)]
    return await _record(ctx, question, result, text)


async def _not_open(ctx: Context, question: Question | None, pending: Question | None) -> list[Reply]:
    quiz_button = Button(ctx.t("button.next_question"), "/quiz")
    if question is None:
        return [Reply(ctx.t("quiz.unknown_question"), rows(quiz_button))]
    answered = await ctx.repo.quiz.last_answer(ctx.learner.id, question.id) is not None
    text = ctx.t("quiz.already_answered" if answered else "quiz.not_asked")
    if pending is not None:
        return [Reply(text), question_reply(ctx, pending, _open_header(ctx, pending))]
    return [Reply(text, rows(quiz_button))]


def pick_option_reply(ctx: Context, question: Question, buttons: tuple[tuple[Button, ...], ...],
                      expects: Expect | None = None) -> Reply:
    """"Pick one of A, B, C, D" with the option buttons again (still waiting for ``expects``; as buttons,
    never a native quiz, so the letters the text names are there)."""
    letters = ", ".join("ABCDEF"[: len(question.options)])
    expects = replace(expects, choice=None) if expects is not None else None
    return Reply(ctx.t("quiz.pick_option", letters=letters), buttons, expects=expects, language=ctx.lang)


async def _record(ctx: Context, question: Question, result: Grade, text: str) -> list[Reply]:
    learner = ctx.learner
    interview = await ctx.repo.quiz.open_interview(learner.id)
    if interview is not None and not interview_feature.is_current(interview, question.id):
        interview = None
    asked_at = learner.quiz_asked_at
    assert asked_at is not None
    row = await record_review(ctx.repo, learner, question, result, now=ctx.now, asked_at=asked_at,
                              interview_id=interview.id if interview is not None else None, answer_text=text)
    clear_pending(ctx)
    streak = streak_line(ctx, await count_activity(ctx.repo, ctx.learner, ctx.now))
    log.info("learner %s answered %s: %s", learner.id, question.id, result.verdict)
    lines = [verdict_text(ctx, question, result), "", ctx.t("quiz.next_review", when=when_text(ctx, row.due))]
    if streak:
        lines.append(streak)
    if interview is not None:
        return [Reply("\n".join(lines), edits_pressed=True), *await interview_feature.advance(ctx, interview)]
    buttons = rows(Button(ctx.t("button.next_question"), "/quiz"), Button(ctx.t("button.next"), "/next"))
    if question.kind == "open":
        lines += ["", ctx.t("quiz.rate_prompt")]
        buttons = _rating_buttons(ctx, question.id) + rows(_dispute_button(ctx, question.id)) + buttons
    return [Reply("\n".join(lines), buttons, edits_pressed=True)]


def _rating_buttons(ctx: Context, question_id: str) -> tuple[tuple[Button, ...], ...]:
    return rows(*[Button(ctx.t(f"button.rate_{n}"), f"/rate {question_id} {n}") for n in RATINGS], per_row=4)


def _dispute_button(ctx: Context, question_id: str) -> Button:
    return Button(ctx.t("button.dispute"), f"/dispute {question_id}")


async def cmd_dispute(ctx: Context, args: str) -> list[Reply]:
    """``/dispute QUESTION-ID``: the learner disagrees with the verdict on their last answer.

    The answer, verdict and concepts are kept for the question's authors
    (``jalur quiz disputes``); the answer still counts as it was rated.
    """
    question_id = args.split()[0].lower() if args.split() else ""
    if not question_id:
        return [Reply(ctx.t("quiz.dispute_usage"))]
    last = await ctx.repo.quiz.last_answer(ctx.learner.id, question_id)
    question = ctx.bank.get(question_id)
    if (last is None or question is None or question.kind != "open"
            or ctx.now - last.answered_at > DISPUTE_WINDOW):
        return [Reply(ctx.t("quiz.dispute_nothing"))]
    next_buttons = rows(Button(ctx.t("button.next_question"), "/quiz"), Button(ctx.t("button.next"), "/next"))
    if last.disputed_at is not None:
        return [Reply(ctx.t("quiz.dispute_already"), next_buttons)]
    last.disputed_at = ctx.now
    log.info("learner %s disputed the verdict %s on %s", ctx.learner.id, last.verdict, question_id)
    can_rate = not last.self_rated and last.interview_id is None and ctx.now - last.answered_at <= RATE_WINDOW
    text = ctx.t("quiz.disputed") + ("\n\n" + ctx.t("quiz.rate_prompt") if can_rate else "")
    buttons = _rating_buttons(ctx, question_id) + next_buttons if can_rate else next_buttons
    return [Reply(text, buttons)]


async def cmd_rate(ctx: Context, args: str) -> list[Reply]:
    """``/rate QUESTION-ID 1-4``: the learner's own rating replaces the grader's for the last answer."""
    parts = args.split()
    if len(parts) != 2 or not parts[1].isdigit() or int(parts[1]) not in RATINGS:
        return [Reply(ctx.t("quiz.rate_usage"))]
    question_id, number = parts[0].lower(), int(parts[1])
    last = await ctx.repo.quiz.last_answer(ctx.learner.id, question_id)
    question = ctx.bank.get(question_id)
    if last is None or question is None or question.kind != "open" or last.interview_id is not None:
        return [Reply(ctx.t("quiz.rate_nothing"))]
    label = ctx.t(f"button.rate_{number}")
    if last.self_rated:
        return [Reply(ctx.t("quiz.rate_already", rating=ctx.t(f"button.rate_{last.rating}")))]
    row = await ctx.repo.quiz.card(ctx.learner.id, question_id)
    if (ctx.now - last.answered_at > RATE_WINDOW or row is None or last.card_before is None
            or row.last_review != last.answered_at):
        return [Reply(ctx.t("quiz.rate_too_late"))]
    redone = review(card_from_json(last.card_before), RATINGS[number], last.answered_at)
    store(redone, row)
    last.rating, last.self_rated = number, True
    await ctx.repo.quiz.save_card(row)
    return [Reply(ctx.t("quiz.rated", rating=label, when=when_text(ctx, row.due)),
                  rows(Button(ctx.t("button.next_question"), "/quiz"), Button(ctx.t("button.next"), "/next")))]


async def cancel_question(ctx: Context) -> list[Reply] | None:
    """/cancel with an interview or a question open: stop it (``None`` when neither is)."""
    stopped = await interview_feature.stop(ctx)
    if stopped is not None:
        return stopped
    if pending_question(ctx) is None:
        return None
    clear_pending(ctx)
    return [Reply(ctx.t("quiz.skipped"), rows(Button(ctx.t("button.next_question"), "/quiz"),
                                               Button(ctx.t("button.next"), "/next")))]
