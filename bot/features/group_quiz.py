"""The group quiz: a question posted in a study group's channel, answered by members with buttons.

Each member's answer is graded privately and counts for their own FSRS
reviews and streak, exactly like a /quiz answer, and earns leaderboard
points for the group. A member answers a group quiz once; it closes 24 hours
after it was posted. The daily one is posted by the scheduler at the group's
time; an admin can post one at once with /groupquiz.

The post itself is kept up to date where the platform can edit it: each answer
comes with a new version of the post showing how many members answered so far
(``Reply.edits``, its ``revision`` the count), and when the quiz closes the
push runner asks for the closed version (``closing``): the right answer and
who answered, how many right.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta

from bot.content.models import Question
from bot.conversation import Button, Reply, rows
from bot.features.context import Context, GroupContext
from bot.features.quiz import pick_option_reply
from bot.features.quiz_ask import LETTERS, VERDICT_MARK, expects_answer, verdict_text, when_text
from bot.features.streak_report import streak_line
from bot.features.study_groups import channel_text, group_or_problem
from bot.localtime import zone_label
from bot.markup import escape
from bot.pushes.delivery import GroupClosing
from bot.quiz.answers import DONT_KNOW, grade_off_loop, record_review
from bot.storage.repository import Repository
from bot.storage.tables import GroupAnswer, GroupQuiz, StudyGroup
from bot.streaks.record import count_activity, group_streak

log = logging.getLogger(__name__)

OPEN_FOR = timedelta(hours=24)
POINTS = {"correct": 3, "partial": 1, "incorrect": 0}
COMMAND = "/group_answer"
POST_KEY = "group_quiz:"  # + the quiz id: the key a posted group quiz is reported back under
CLOSED_REVISION = 10**9  # the closed post outranks every count
MAX_NAMES = 25  # names listed in the results; the rest are counted


def choose_question(gctx: GroupContext, last_posted: Mapping[str, datetime]) -> Question | None:
    """A general question (members follow different tracks) of the group's phase (every phase
    when none is set) not posted before; when all were, the one posted longest ago."""
    phase = gctx.group.phase
    pool = [q for q in gctx.bank.questions.values()
            if q.track is None and (phase is None or gctx.kb.skill_phase.get(q.skill) == phase)]
    if not pool:
        return None
    fresh = [q for q in pool if q.id not in last_posted]
    if fresh:
        return min(fresh, key=lambda q: zlib.crc32(f"group{gctx.group.id}:{q.id}".encode()))
    return min(pool, key=lambda q: (last_posted[q.id], q.id))


async def post_quiz(gctx: GroupContext, slot: str, day: date | None = None) -> list[Reply] | None:
    """The group quiz for ``slot`` as a post for the group's channel (composed once per slot).

    ``day`` is the group's local date the quiz counts for (default: today there).
    """
    group, repo = gctx.group, gctx.repo
    quiz = await repo.groups.quiz_in_slot(group.id, slot)
    question = gctx.bank.get(quiz.question_id) if quiz is not None else None
    if quiz is None or question is None:
        question = choose_question(gctx, await repo.groups.last_posted(group.id))
        if question is None:
            return None
        quiz = GroupQuiz(group_id=group.id, question_id=question.id, slot=slot, day=day or gctx.local_today(),
                         posted_at=gctx.now, closes_at=gctx.now + OPEN_FOR)
        await repo.groups.add_quiz(quiz)
        log.info("group %s: quiz %s (%s) for %s", group.id, quiz.id, question.id, slot)
    streak = await group_streak(repo, group, gctx.local_today())
    answered = await repo.groups.answer_count(quiz.id)
    return [replace(quiz_post(gctx, quiz, question, streak, answered), post_key=f"{POST_KEY}{quiz.id}")]


def quiz_of_key(key: str) -> int | None:
    """The group quiz a post key names (``None`` for another kind of post)."""
    number = key.removeprefix(POST_KEY)
    return int(number) if key.startswith(POST_KEY) and number.isdigit() and len(number) < 12 else None


def _question_lines(gctx: GroupContext, question: Question, right: int | None = None) -> list[str]:
    """The header, the question and its options (the ``right`` one marked)."""
    lang = gctx.group.language
    lines = [gctx.t("group_quiz.header", skill=gctx.skill_name(question.skill)), "", question.prompt.get(lang)]
    if question.kind == "choice":
        lines.append("")
        lines += [f"**{LETTERS[i]}.** {option.get(lang)}" + (" ✅" if i == right else "")
                  for i, option in enumerate(question.options)]
    return lines


def quiz_post(gctx: GroupContext, quiz: GroupQuiz, question: Question, streak: int, answered: int = 0) -> Reply:
    """The channel message: the question, its options, how to answer and how many answered so far."""
    until = quiz.closes_at.astimezone(gctx.tz()).strftime("%Y-%m-%d %H:%M")
    lines = _question_lines(gctx, question)
    buttons: list[Button] = []
    if question.kind == "choice":
        buttons = [Button(LETTERS[i], f"{COMMAND} {quiz.id} {i + 1}") for i in range(len(question.options))]
    key = "group_quiz.how_choice" if question.kind == "choice" else "group_quiz.how_open"
    lines += ["", gctx.t(key, until=until, timezone=zone_label(gctx.group.timezone))]
    if answered:
        lines.append(gctx.t("group_quiz.answered_so_far", count=answered))
    if streak:
        lines.append(gctx.t("leaderboard.streak", days=streak, members=gctx.group.streak_members))
    layout = rows(*buttons, per_row=max(1, len(buttons))) if buttons else ()
    layout += rows(Button(gctx.t("button.dont_know"), f"{COMMAND} {quiz.id} {DONT_KNOW}"),
                   Button(gctx.t("button.leaderboard"), "/leaderboard"))
    return Reply("\n".join(lines), layout, channel=gctx.group.channel_id, card=True,
                 expects=expects_answer(question, f"{COMMAND} {quiz.id}"), language=gctx.group.language)


def closed_post(gctx: GroupContext, question: Question, results: list[tuple[str, str]]) -> Reply:
    """The post once the quiz is over: the right answer and who answered, how many right."""
    lang = gctx.group.language
    lines = _question_lines(gctx, question, question.answer)
    lines.append("")
    if question.kind == "choice" and question.answer is not None:
        lines.append(gctx.t("group_quiz.closed_choice", letter=LETTERS[question.answer],
                            option=question.options[question.answer].get(lang)))
        if question.explanation is not None:
            lines.append(f"_{question.explanation.get(lang)}_")
    elif question.model_answer is not None:
        lines += [gctx.t("group_quiz.closed_open"), question.model_answer.get(lang)]
    lines.append("")
    if not results:
        lines.append(gctx.t("group_quiz.no_answers"))
    else:
        right = sum(1 for _, verdict in results if verdict == "correct")
        lines.append(gctx.t("group_quiz.results", count=len(results), right=right))
        someone = gctx.t("leaderboard.someone")
        names = [f"{VERDICT_MARK[verdict]} {escape(name or someone)}" for name, verdict in results[:MAX_NAMES]]
        if len(results) > MAX_NAMES:
            names.append(gctx.t("group_quiz.more_names", count=len(results) - MAX_NAMES))
        lines.append(" · ".join(names))
    return Reply("\n".join(lines), rows(Button(gctx.t("button.leaderboard"), "/leaderboard")),
                 channel=gctx.group.channel_id, card=True, language=lang)


async def closing(repo: Repository, gctx_for: Callable[[StudyGroup], GroupContext], now: datetime,
                  limit: int = 50) -> list[GroupClosing]:
    """Claim the posted group quizzes whose time is up (each once, across processes) and compose
    their closed posts, in the caller's transaction."""
    quizzes = await repo.groups.to_close(now, limit)
    groups = await repo.groups.by_id(quiz.group_id for quiz in quizzes)
    closings = []
    for quiz in quizzes:
        if not await repo.groups.claim_close(quiz.id, now=now):
            continue  # another process closes it
        group = groups.get(quiz.group_id)
        gctx = gctx_for(group) if group is not None else None
        question = gctx.bank.get(quiz.question_id) if gctx is not None else None
        if group is None or gctx is None or question is None or quiz.channel_id is None or quiz.message_id is None:
            continue
        post = closed_post(gctx, question, await repo.groups.results(quiz.id))
        post = replace(post, channel=quiz.channel_id, edits=quiz.message_id, revision=CLOSED_REVISION)
        closings.append(GroupClosing(quiz.id, group.platform, quiz.channel_id, quiz.closes_at, (post,)))
        log.info("group %s: quiz %s closed", group.id, quiz.id)
    return closings


def group_context(ctx: Context, group: StudyGroup) -> GroupContext:
    """The group's view for a post made while answering a member."""
    return GroupContext(kb=ctx.kb, texts=ctx.texts, repo=ctx.repo, bank=ctx.bank, group=group, now=ctx.now)


async def cmd_groupquiz(ctx: Context, args: str) -> list[Reply]:
    """Post a group quiz in the server's channel now (members who may manage the server)."""
    group, problem = await group_or_problem(ctx)
    if group is None:
        return problem
    if not ctx.origin.group_admin:
        return [Reply(ctx.t("group.admins_only"))]
    if group.channel_problem_since is not None:
        return [Reply(ctx.t("group.channel_problem", channel=channel_text(group)))]
    posts = await post_quiz(group_context(ctx, group), f"now:{ctx.now.isoformat(timespec='seconds')}")
    if posts is None:
        return [Reply(ctx.t("group_quiz.no_questions"))]
    return [*posts, Reply(ctx.t("group_quiz.posted", channel=channel_text(group)))]


async def cmd_group_answer(ctx: Context, args: str) -> list[Reply]:
    """``/group_answer QUIZ ANSWER``: what a group quiz's buttons send."""
    number, _, text = args.strip().partition(" ")
    quiz = await ctx.repo.groups.quiz(int(number)) if number.isdigit() and len(number) < 12 else None
    if quiz is None:
        return [Reply(ctx.t("group_quiz.unknown"), rows(Button(ctx.t("button.quiz"), "/quiz")))]
    group = (await ctx.repo.groups.by_id([quiz.group_id]))[quiz.group_id]
    if ctx.origin.group_id != group.external_id or ctx.origin.platform != group.platform:
        return [Reply(ctx.t("group_quiz.answer_in_server"))]
    others = rows(Button(ctx.t("button.leaderboard"), "/leaderboard"), Button(ctx.t("button.quiz"), "/quiz"))
    if ctx.now >= quiz.closes_at:
        return [Reply(ctx.t("group_quiz.over"), others)]
    earlier = await ctx.repo.groups.answer(quiz.id, ctx.learner.id)
    if earlier is not None:
        return [Reply(ctx.t("group_quiz.already", mark=VERDICT_MARK[earlier.verdict]), others)]
    question = ctx.bank.get(quiz.question_id)
    if question is None:
        return [Reply(ctx.t("group_quiz.unknown"), others)]
    text = text.strip()
    if not text:
        return [Reply(ctx.t("quiz.empty_answer"))]
    result = await grade_off_loop(question, text)
    if result is None:
        letters = [Button(LETTERS[i], f"{COMMAND} {quiz.id} {i + 1}") for i in range(len(question.options))]
        return [pick_option_reply(ctx, question, rows(*letters, per_row=len(letters)),
                                  expects_answer(question, f"{COMMAND} {quiz.id}"))]
    card = await record_review(ctx.repo, ctx.learner, question, result, now=ctx.now, asked_at=quiz.posted_at)
    await ctx.repo.groups.add_answer(GroupAnswer(quiz_id=quiz.id, learner_id=ctx.learner.id, group_id=group.id,
                                                 verdict=result.verdict, points=POINTS[result.verdict],
                                                 answered_at=ctx.now))
    name = ctx.origin.display_name or ctx.t("leaderboard.someone")
    await ctx.repo.groups.touch_member(group.id, ctx.learner.id, name[:100], now=ctx.now)
    log.info("learner %s answered group quiz %s: %s", ctx.learner.id, quiz.id, result.verdict)
    lines = [verdict_text(ctx, question, result), "", ctx.t("quiz.next_review", when=when_text(ctx, card.due))]
    streak = streak_line(ctx, await count_activity(ctx.repo, ctx.learner, ctx.now))
    if streak:
        lines.append(streak)
    count = await ctx.repo.groups.answer_count(quiz.id)
    lines.append(ctx.t("group_quiz.points", points=POINTS[result.verdict], count=count))
    if ctx.learner.onboarding_step is not None:
        lines += ["", ctx.t("group_quiz.start_hint")]
        others = rows(Button(ctx.t("button.leaderboard"), "/leaderboard"), Button("/start", "/start"))
    replies = [Reply("\n".join(lines), others)]
    if quiz.channel_id is not None and quiz.message_id is not None:  # the post shows the new count
        gctx = group_context(ctx, group)
        post = quiz_post(gctx, quiz, question, await group_streak(ctx.repo, group, gctx.local_today()), count)
        replies.append(replace(post, channel=quiz.channel_id, edits=quiz.message_id, revision=count))
    return replies


async def daily_post(gctx: GroupContext, period: str) -> list[Reply] | None:
    """The scheduler's daily group quiz; ``period`` is the group's local date it is for."""
    return await post_quiz(gctx, f"daily:{period}", date.fromisoformat(period))
