"""The engine: the one entry point that turns an ``Incoming`` into ``Reply`` objects.

Every message runs in one database transaction: the learner is found (or
created), the command or free text is dispatched to a feature, and the
changes are committed together. Anything unexpected is logged and the
learner gets a short apology; nothing half-written is kept.
"""

from __future__ import annotations

import asyncio
import logging
import time
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.loader import KnowledgeBase
from bot.content.models import LANGUAGES
from bot.conversation import Button, Incoming, Reply, in_language, rows
from bot.features import (
    account,
    dashboard_link,
    group_quiz,
    interview,
    leaderboard,
    linking,
    next_step,
    onboarding,
    phase_completion,
    preferences,
    progress_report,
    project,
    quiz,
    reminders,
    roadmap_view,
    stats,
    streak_report,
    study_groups,
)
from bot.features import help as help_feature
from bot.features.context import Context, GroupContext, Origin
from bot.features.push_messages import COMPOSERS
from bot.i18n import Texts, guess_language, pick_language
from bot.intents import IntentMatcher, closest
from bot.logs import ACCESS_LOGGER
from bot.markup import escape
from bot.metrics import HANDLER_SECONDS, IN_FLIGHT, MESSAGES
from bot.platform_status import PlatformHealth
from bot.pushes.delivery import GroupClosing
from bot.pushes.kinds import GROUP_QUIZ, GROUP_WEEKLY, pause_group
from bot.quiz.bank import MESSAGE_CHECK_SECONDS, QuestionBank
from bot.roadmap.skill_finder import SkillFinder
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.group_commit import PUSH_LINGER, GroupCommit
from bot.storage.poll_store import PollRoute, PollStore
from bot.storage.repository import Repository
from bot.storage.tables import Learner, StudyGroup
from bot.storage.update_store import UpdateStore

log = logging.getLogger(__name__)
access_log = logging.getLogger(ACCESS_LOGGER)

Handler = Callable[[Context, str], Awaitable[list[Reply]]]
T = TypeVar("T")

MAX_INPUT_CHARS = 4000
MAX_COMMAND_CHARS = 32
MAX_WORDS_FOR_COMMAND = 3  # while a question is open, longer text is an answer
AWAITING_TIMEOUT = timedelta(minutes=10)
POLL_MEMORY = timedelta(days=30)  # how long a sent quiz poll can still be answered
POLL_PRUNE_EVERY = timedelta(hours=1)  # how often storing polls also forgets the old ones
UPDATE_MEMORY = timedelta(days=1)  # how long a delivered update's id is remembered (Telegram retries for less)
UPDATE_PRUNE_EVERY = timedelta(minutes=10)
WRITE_LINGER = 0.04  # seconds a poll sent in a reply waits for others to share its transaction (pushes: PUSH_LINGER)


@dataclass
class Trace:
    """What the access log and the metrics say about one handled message."""

    route: str = "unknown"  # the command it ran, or what kind of input it was
    learner_id: int | None = None


@dataclass(frozen=True)
class Command:
    """A command: its handler and whether it may run before setup is finished."""

    handler: Handler
    during_onboarding: bool = False


COMMANDS: dict[str, Command] = {
    "start": Command(onboarding.cmd_start, during_onboarding=True),
    "lang": Command(onboarding.cmd_lang, during_onboarding=True),
    "track": Command(onboarding.cmd_track, during_onboarding=True),
    "level": Command(onboarding.cmd_level, during_onboarding=True),
    "tz": Command(onboarding.cmd_tz, during_onboarding=True),
    "help": Command(help_feature.cmd_help, during_onboarding=True),
    "thanks": Command(help_feature.cmd_thanks),
    "delete_me": Command(account.cmd_delete_me, during_onboarding=True),
    "cancel": Command(account.cmd_cancel, during_onboarding=True),
    "settings": Command(preferences.cmd_settings),
    "next": Command(next_step.cmd_next),
    "another": Command(next_step.cmd_another),
    "done": Command(next_step.cmd_done),
    "skip": Command(next_step.cmd_skip),
    "progress": Command(progress_report.cmd_progress),
    "roadmap": Command(roadmap_view.cmd_roadmap),
    "skill": Command(roadmap_view.cmd_skill),
    "project": Command(project.cmd_project),
    "check": Command(project.cmd_check),
    "project_done": Command(phase_completion.cmd_project_done),
    "quiz": Command(quiz.cmd_quiz),
    "answer": Command(quiz.cmd_answer),
    "rate": Command(quiz.cmd_rate),
    "dispute": Command(quiz.cmd_dispute),
    "interview": Command(interview.cmd_interview),
    "stats": Command(stats.cmd_stats),
    "dashboard": Command(dashboard_link.cmd_dashboard),
    "streak": Command(streak_report.cmd_streak),
    "reminders": Command(reminders.cmd_reminders),
    "pause": Command(reminders.cmd_pause),
    "resume": Command(reminders.cmd_resume),
    # Study groups and linking work before a learner's own setup: a server admin or a member
    # answering the group quiz may never have used Jalur privately.
    "setup": Command(study_groups.cmd_setup, during_onboarding=True),
    "groupquiz": Command(group_quiz.cmd_groupquiz, during_onboarding=True),
    "group_answer": Command(group_quiz.cmd_group_answer, during_onboarding=True),
    "leaderboard": Command(leaderboard.cmd_leaderboard, during_onboarding=True),
    "link": Command(linking.cmd_link, during_onboarding=True),
}

GroupComposer = Callable[[GroupContext, str], Awaitable[list[Reply] | None]]
GROUP_COMPOSERS: dict[str, GroupComposer] = {GROUP_QUIZ: group_quiz.daily_post,
                                             GROUP_WEEKLY: leaderboard.weekly_post}

# Commands that answer or cancel what the bot is waiting for, so they must not clear it first.
KEEPS_AWAITING = frozenset({"delete_me", "tz", "cancel"})

# What reads a typed answer to a question Jalur asked (``ctx.await_text(name)``). It gets the
# text and whether the text also reads as a different request ("what next?"); it answers
# ``None`` when the text is not an answer, and the engine then reads it as usual.
AwaitedAnswer = Callable[[Context, str, bool], Awaitable[list[Reply] | None]]
AWAITING: dict[str, AwaitedAnswer] = {
    "timezone": onboarding.timezone_text,
    "language": onboarding.language_text,
    "track": onboarding.track_text,
    "delete_me": account.delete_me_text,
    **dict.fromkeys(reminders.AWAITED, reminders.typed_answer),
}


def clean_text(raw: str) -> str:
    """Drop control and unassigned characters (binary junk), keep newlines; strip."""
    kept = []
    for ch in raw:
        if ch in "\n\t":
            kept.append(ch)
            continue
        category = unicodedata.category(ch)
        if category in {"Cc", "Cs", "Co", "Cn"} or ch == "\ufffd":
            continue
        kept.append(ch)
    return "".join(kept).strip()


def has_words(text: str) -> bool:
    """True when the text has at least one letter or digit."""
    return any(ch.isalnum() for ch in text)


def split_command(text: str) -> tuple[str, str]:
    """``"/done@JalurBot sql-deep"`` -> ``("done", "sql-deep")``."""
    head, _, args = text[1:].partition(" ")
    if "\n" in head:
        head, _, rest = head.partition("\n")
        args = f"{rest} {args}".strip()
    name = head.split("@", 1)[0].strip().lower()
    return name, args.strip()


class Engine:
    """Jalur's conversation engine, shared by every adapter."""

    def __init__(self, db: Database, kb: KnowledgeBase, settings: Settings) -> None:
        self.db = db
        self.kb = kb
        self.settings = settings
        self.texts = Texts(kb.messages)
        self.finder = SkillFinder(kb)
        self.intents = IntentMatcher(kb.intents)
        self.bank = QuestionBank(kb)
        self.health = PlatformHealth()
        self._in_flight = 0
        self._updates_pruned: datetime | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self.writes = GroupCommit(db, linger=WRITE_LINGER)  # sent polls and push outcomes, in shared transactions
        self._polls_pruned: datetime | None = None
        unknown = {c for c in kb.command_aliases.values() if c not in COMMANDS}
        unknown |= {i.command for i in kb.intents if i.command not in COMMANDS}
        if unknown:
            raise ValueError(f"knowledge/ui/intents.yaml names unknown commands: {sorted(unknown)}")

    async def handle(self, incoming: Incoming, *, now: datetime) -> list[Reply]:
        """Answer one message. Bad input and storage failures become replies, never exceptions.

        Each message is counted and timed (``bot.metrics``) and logged as one line of
        ``bot.access`` (learner id, platform, command, latency; never the text).
        """
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        started = time.perf_counter()
        trace = Trace()
        self._in_flight += 1
        self._idle.clear()
        IN_FLIGHT.inc()
        try:
            return await self._handle(incoming, now, trace)
        finally:
            self._in_flight -= 1
            IN_FLIGHT.dec()
            if not self._in_flight:
                self._idle.set()
            elapsed = time.perf_counter() - started
            MESSAGES.labels(incoming.platform, trace.route).inc()
            HANDLER_SECONDS.labels(incoming.platform, trace.route).observe(elapsed)
            access_log.info("update handled", extra={"learner": trace.learner_id, "platform": incoming.platform,
                                                     "command": trace.route, "latency_ms": round(elapsed * 1000, 1)})

    async def drain(self, timeout: float) -> bool:
        """Wait until no message is being answered (at most ``timeout`` s); False if some still are."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning("%d message(s) still being answered after %.0f s", self._in_flight, timeout)
            return False
        return True

    async def _handle(self, incoming: Incoming, now: datetime, trace: Trace) -> list[Reply]:
        # Clean only what can be read: a huge message is refused by its length anyway.
        text = clean_text(incoming.content[: MAX_INPUT_CHARS + 1])
        length = len(incoming.content)
        for attempt in (1, 2):
            try:
                return await self._handle_once(incoming, text, length, now, trace)
            except IntegrityError:
                if attempt == 2:
                    log.exception("conflicting write for %s user", incoming.platform)
                    break
                log.info("retrying after a concurrent write for a %s user", incoming.platform)
            except Exception:
                log.exception("failed to handle a %s message", incoming.platform)
                break
        trace.route = "error"
        lang = await self._error_language(incoming)
        return [Reply(self.texts(lang, "error.internal"), language=lang)]

    async def _error_language(self, incoming: Incoming) -> str:
        """The language of an apology: the learner's own when they are known, else the platform's hint."""
        try:
            async with self.db.transaction() as session:
                learner = await Repository(session).find_learner(incoming.platform, incoming.user_id)
        except Exception:  # the database itself may be what failed
            log.warning("could not read the learner's language for an apology", exc_info=True)
            learner = None
        if learner is not None and learner.language in LANGUAGES:
            return learner.language
        return pick_language(incoming.language_hint, self.settings.default_language)

    async def mark_unreachable(self, platform: str, user_id: str, *, now: datetime) -> None:
        """Remember that a platform refuses messages to this user (they blocked the bot)."""
        async with self.db.transaction() as session:
            await Repository(session).mark_unreachable(platform, user_id, now=now)
        log.info("a %s user blocked the bot; pushes skip them until they write again", platform)

    async def remember_poll(self, route: PollRoute, *, now: datetime, wait: bool = True) -> None:
        """Store where a native quiz poll went and how its answers reach ``handle``; returns once it
        is stored. Polls sent at the same moment (a push pass) share one transaction.

        ``wait=False`` (a push): returns at once; the poll is stored with the next shared
        transaction, the one that records the push's outcome or an earlier one.
        """
        if wait:
            await self.writes.write(self._store_polls, (route, now))
        else:
            self.writes.post(self._store_polls, (route, now), linger=PUSH_LINGER)

    async def _store_polls(self, session: AsyncSession, routes: list[tuple[PollRoute, datetime]]) -> None:
        """Insert sent polls; about once an hour also forget those older than ``POLL_MEMORY``."""
        store = PollStore(session)
        latest = max(now for _, now in routes)
        if self._polls_pruned is None or abs(latest - self._polls_pruned) > POLL_PRUNE_EVERY:
            await store.forget_before(latest - POLL_MEMORY)
            self._polls_pruned = latest
        await store.remember_many(routes)

    async def claim_poll_vote(self, platform: str, poll_id: str, user_id: str, *,
                              now: datetime) -> PollRoute | None:
        """The route of a poll for a voter's first answer to it; None for an unknown poll or a repeat."""
        async with self.db.transaction() as session:
            store = PollStore(session)
            route = await store.route(platform, poll_id)
            if route is None or not await store.claim_vote(platform, poll_id, user_id, now=now):
                return None
            return route

    async def claim_update(self, platform: str, update_id: int, *, now: datetime) -> bool:
        """True the first time a platform delivers this update, to any process sharing the database;
        False for a copy delivered again (claims older than ``UPDATE_MEMORY`` are pruned meanwhile)."""
        async with self.db.transaction() as session:
            store = UpdateStore(session)
            if self._updates_pruned is None or now - self._updates_pruned >= UPDATE_PRUNE_EVERY:
                self._updates_pruned = now
                await store.forget_before(now - UPDATE_MEMORY)
            return await store.claim(platform, update_id, now=now)

    async def _handle_once(self, incoming: Incoming, text: str, length: int, now: datetime,
                           trace: Trace) -> list[Reply]:
        async with self.db.transaction() as session:
            repo = Repository(session)
            learner = await repo.find_learner(incoming.platform, incoming.user_id)
            if learner is None:
                learner = await repo.create_learner(
                    incoming.platform,
                    incoming.user_id,
                    language=pick_language(incoming.language_hint or self._guess_language(text),
                                           self.settings.default_language),
                    timezone=self.settings.default_timezone,
                    quiz_minute=self.settings.default_quiz_minute,
                    now=now,
                )
            trace.learner_id = learner.id
            await self.bank.refresh(repo.quiz, max_age=MESSAGE_CHECK_SECONDS)
            ctx = await self._context(repo, learner, now)
            ctx.origin = Origin(platform=incoming.platform, group_id=incoming.group_id,
                                group_admin=incoming.group_admin, display_name=incoming.display_name,
                                shared_chat=incoming.shared_chat)
            language = ctx.lang
            if incoming.attachment and not text:
                ctx.route = "attachment"
                replies = [Reply(ctx.t("input.not_text"), rows(Button(ctx.t("button.help"), "/help")))]
            else:
                replies = await self._dispatch(ctx, text, length)
            trace.route = ctx.route
            if not ctx.deleted:
                ctx.learner.updated_at = now  # /link may have joined this account to another learner
                language = ctx.lang  # /lang may have changed it
            return in_language(replies, language)

    @staticmethod
    def _guess_language(text: str) -> str | None:
        """A new learner's language from what they wrote: a command by its name (``/lanjut``), or its words."""
        return guess_language(split_command(text)[0] if text.startswith("/") else text)

    async def _context(self, repo: Repository, learner: Learner, now: datetime) -> Context:
        return Context(
            kb=self.kb, texts=self.texts, finder=self.finder, settings=self.settings,
            repo=repo, learner=learner, progress=await repo.load_progress(learner.id), now=now,
            bank=self.bank,
        )

    async def learner_of(self, platform: str, external_id: str) -> int | None:
        """The id of the learner behind a platform account (``None``: nobody, or deleted); changes nothing."""
        async with self.db.transaction() as session:
            return await Repository(session).learner_id_of(platform, external_id)

    async def read_view(self, learner_id: int, now: datetime, read: Callable[[Context], Awaitable[T]],
                        *, created: int | None = None) -> T | None:
        """Run a read-only view of one learner (the dashboard) in one transaction.

        ``None`` when the learner does not exist (deleted) or, with ``created``, was created at
        another second than the one named (a reused id is someone else).
        """
        async with self.db.transaction() as session:
            repo = Repository(session)
            learner = (await repo.learners_by_id([learner_id])).get(learner_id)
            if learner is None or (created is not None and int(learner.created_at.timestamp()) != created):
                return None
            await self.bank.refresh(repo.quiz, max_age=MESSAGE_CHECK_SECONDS)
            return await read(await self._context(repo, learner, now))

    async def compose_push(self, repo: Repository, learner: Learner, kind: str, now: datetime) -> list[Reply] | None:
        """What a push of ``kind`` says to the learner now (``None``: nothing worth sending).

        Runs inside the caller's transaction: a daily quiz becomes the learner's open question.
        The caller refreshes the question bank (once for a batch of pushes).
        """
        ctx = await self._context(repo, learner, now)
        replies = await COMPOSERS[kind](ctx)
        return None if replies is None else in_language(replies, ctx.lang)

    async def compose_group_push(self, repo: Repository, group: StudyGroup, kind: str, period: str,
                                 now: datetime) -> list[Reply] | None:
        """What a group post of ``kind`` for ``period`` says (``None``: nothing worth posting).

        Runs inside the caller's transaction: a group quiz is stored, once per period.
        """
        gctx = GroupContext(kb=self.kb, texts=self.texts, repo=repo, bank=self.bank, group=group, now=now)
        replies = await GROUP_COMPOSERS[kind](gctx, period)
        return None if replies is None else in_language(replies, group.language)

    async def compose_closings(self, repo: Repository, now: datetime) -> list[GroupClosing]:
        """The group quizzes whose time is up, claimed, with their closed posts (in the caller's transaction)."""
        def gctx_for(group: StudyGroup) -> GroupContext:
            return GroupContext(kb=self.kb, texts=self.texts, repo=repo, bank=self.bank, group=group, now=now)

        await self.bank.refresh(repo.quiz)
        return await group_quiz.closing(repo, gctx_for, now)

    async def posted(self, platform: str, key: str, channel_id: str, message_id: str) -> None:
        """A post with a ``Reply.post_key`` went out as this channel message: remember it, so it can be edited."""
        quiz_id = group_quiz.quiz_of_key(key)
        if quiz_id is None:
            log.info("a %s post with an unknown key %r", platform, key)
            return
        async with self.db.transaction() as session:
            await Repository(session).groups.set_message(quiz_id, channel_id, message_id)

    async def channel_unusable(self, platform: str, group_id: str, channel_id: str, *, now: datetime) -> bool:
        """The platform refused a post in a group's channel (deleted, or no permission).

        The group's posts stop until an admin runs /setup again; True when the channel
        was the group's quiz channel.
        """
        async with self.db.transaction() as session:
            repo = Repository(session)
            group = await repo.groups.find(platform, group_id)
            if group is None or group.channel_id != channel_id:
                return False
            await pause_group(repo.groups, repo.pushes, group.id, now=now)
        log.warning("group %s: cannot post in its channel; posts stop until /setup runs again", group.id)
        return True

    async def _dispatch(self, ctx: Context, text: str, length: int) -> list[Reply]:
        ctx.route = "bad_input"
        if len(text) > MAX_INPUT_CHARS:
            return [Reply(ctx.t("input.too_long", length=length, limit=MAX_INPUT_CHARS))]
        if not text:
            return [Reply(ctx.t("input.empty"), rows(Button(ctx.t("button.help"), "/help")))]
        if text.startswith("/"):
            return await self._command(ctx, text)
        if not has_words(text):
            return [Reply(ctx.t("input.no_words"), rows(Button(ctx.t("button.help"), "/help")))]
        linked = await linking.bare_code(ctx, text)
        if linked is not None:
            ctx.route = "link"
            return linked
        if ctx.learner.onboarding_step is not None:
            ctx.route = "onboarding"
            return await onboarding.onboarding_text(ctx, text)
        command = self.intents.match(text)
        awaiting = ctx.learner.awaiting
        if awaiting is not None:
            since = ctx.learner.awaiting_since
            if awaiting in AWAITING and since is not None and ctx.now - since <= AWAITING_TIMEOUT:
                ctx.route = awaiting
                answered = await AWAITING[awaiting](ctx, text, command is not None)
                if answered is not None:
                    return answered  # the handler clears or renews it
            ctx.stop_awaiting()
        if ctx.learner.quiz_question is not None and (
            command is None or len(text.split()) > MAX_WORDS_FOR_COMMAND
            or self.intents.match(text, whole=True) is None or quiz.names_an_option(ctx, text)
        ):
            answered = await quiz.typed_answer(ctx, text)
            if answered is not None:
                ctx.route = "answer"
                return answered
        if command is not None:
            ctx.route = command
            return await COMMANDS[command].handler(ctx, "")
        ctx.route = "not_understood"
        return [Reply(ctx.t("input.not_understood"),
                      rows(Button(ctx.t("button.next"), "/next"), Button(ctx.t("button.help"), "/help")))]

    async def _command(self, ctx: Context, text: str) -> list[Reply]:
        name, args = split_command(text)
        name = self.kb.command_aliases.get(name, name)
        command = COMMANDS.get(name)
        if command is None:
            ctx.route = "unknown_command"
            return self._unknown_command(ctx, name)
        ctx.route = name
        if ctx.learner.onboarding_step is not None and not command.during_onboarding:
            return [Reply(ctx.t("onboarding.finish_first")),
                    onboarding.step_prompt(ctx, ctx.learner.onboarding_step)]
        if ctx.learner.awaiting is not None and name not in KEEPS_AWAITING:
            ctx.stop_awaiting()
        return await command.handler(ctx, args)

    def _unknown_command(self, ctx: Context, name: str) -> list[Reply]:
        shown = escape(name[:MAX_COMMAND_CHARS]) if name else ""
        if not has_words(name):
            return [Reply(ctx.t("input.unknown_command_blank"), rows(Button(ctx.t("button.help"), "/help")))]
        names = sorted(set(COMMANDS) | set(self.kb.command_aliases))
        suggestions: list[str] = []
        for candidate in closest(name[:MAX_COMMAND_CHARS], names, limit=5):
            command = self.kb.command_aliases.get(candidate, candidate)
            if command not in suggestions:
                suggestions.append(command)
        if not suggestions:
            return [Reply(ctx.t("input.unknown_command", command=shown),
                          rows(Button(ctx.t("button.help"), "/help")))]
        listed = ", ".join(f"/{n}" for n in suggestions[:3])
        buttons = [Button(f"/{n}", f"/{n}") for n in suggestions[:3]]
        return [Reply(ctx.t("input.unknown_command_suggest", command=shown, commands=listed),
                      rows(*buttons, per_row=3))]
