"""The ``jalur`` command line: chat, run, pushes tick, db upgrade, quiz grade, pack, content check.

The adapters are handed in by the launcher (``adapters/launcher.py``), so
the core never imports a platform.

Commands import only what they use: each command imports its modules inside
its function, and this module's own imports are the standard library's
lightest. ``jalur quiz grade`` loads no chat SDK and no database, and
``jalur health`` (the container's healthcheck, every 30 s) almost nothing;
both read their few settings without pydantic-settings when they can (see
``_environment``). Tests (``tests/test_cli.py``) check what they import.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
from collections.abc import Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.platforms import ChatOptions, ConsoleChat, Platform

if TYPE_CHECKING:
    from contextlib import AsyncExitStack

    from bot.content.loader import KnowledgeBase
    from bot.engine import Engine
    from bot.outbound import PushSender
    from bot.pushes.delivery import PushRunner, TickReport
    from bot.quiz.packs import Pack
    from bot.settings import Settings
    from bot.shutdown import StopSignal
    from bot.storage.database import Database
    from bot.storage.quiz_store import QuizStore

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as for a tool the pipe's closing ended


class CliError(Exception):
    """An error to print as ``jalur: error: ...`` with an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jalur")
    except PackageNotFoundError:
        return "unknown"


class _VersionAction(argparse.Action):
    """``--version``: looks the version up only when asked (importlib.metadata is slow to load)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        print(f"jalur {_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every ``jalur`` subcommand."""
    parser = argparse.ArgumentParser(
        prog="jalur", description="Jalur: a mentor bot for learning backend engineering."
    )
    parser.add_argument("--version", action=_VersionAction, help="show program's version number and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    db_help = "database URL (overrides JALUR_DATABASE_URL); a plain path means a SQLite file"

    chat = sub.add_parser("chat", help="chat with the mentor in the terminal")
    chat.add_argument("--user", default=None, help="learner name (default: your login name)")
    chat.add_argument("--db", default=None, help=db_help)
    chat.add_argument("--lang", choices=["en", "id"], default=None, help="language for a new learner")
    chat.add_argument("--now", type=_moment, default=None, metavar="TIME",
                      help="pretend it is this time, e.g. 2026-03-04T09:00+07:00 (to try reviews and streaks)")
    chat.add_argument("--log", default=None, metavar="FILE",
                      help="where the chat's logs go, so none land between your messages "
                           "(default: chat.log in Jalur's log folder)")

    run = sub.add_parser("run", help="start the configured chat platforms (Telegram, Discord)")
    run.add_argument("--db", default=None, help=db_help)

    pushes = sub.add_parser("pushes", help="daily quizzes, weekly nudges and streak reminders")
    pushes_sub = pushes.add_subparsers(dest="pushes_command", metavar="ACTION")
    tick = pushes_sub.add_parser("tick", help="run one delivery pass for a given time, then exit")
    tick.add_argument("--now", type=_moment, default=None, metavar="TIME",
                      help="the time of the pass, e.g. 2026-03-04T19:00+07:00 (default: now)")
    tick.add_argument("--dry-run", action="store_true", help="print what would be sent; send and record nothing")
    tick.add_argument("--db", default=None, help=db_help)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    upgrade = db_sub.add_parser("upgrade", help="apply pending migrations")
    upgrade.add_argument("--db", default=None, help=db_help)

    quiz = sub.add_parser("quiz", help="the interview question bank")
    quiz_sub = quiz.add_subparsers(dest="quiz_command", metavar="ACTION")
    grade = quiz_sub.add_parser("grade", help="grade one answer to one question")
    grade.add_argument("--question", required=True, help="question id, for example n-plus-one")
    grade.add_argument("--answer", required=True, help="the answer text (a number or letter for choice questions)")
    grade.add_argument("--lang", choices=["en", "id"], default="en", help="language of the feedback")
    grade.add_argument("--pack", type=Path, default=None, help="also load the questions of this YAML pack")
    grade.add_argument("--json", action="store_true", help="print the grade as JSON")
    disputes = quiz_sub.add_parser("disputes", help="answers whose verdict learners disputed, newest first")
    disputes.add_argument("--pack", default=None, help="only questions of this pack (see `jalur pack list`)")
    disputes.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    disputes.add_argument("--json", action="store_true", help="print one JSON object per line")
    disputes.add_argument("--db", default=None, help=db_help)

    pack = sub.add_parser("pack", help="question packs written by a study group")
    pack_sub = pack.add_subparsers(dest="pack_command", metavar="ACTION")
    validate = pack_sub.add_parser("validate", help="check a pack file without loading it")
    validate.add_argument("file", type=Path, help="the pack's YAML file")
    add = pack_sub.add_parser("add", help="load (or replace) a pack in the database")
    add.add_argument("file", type=Path, help="the pack's YAML file")
    add.add_argument("--db", default=None, help=db_help)
    listing = pack_sub.add_parser("list", help="list the packs in the database")
    listing.add_argument("--db", default=None, help=db_help)
    remove = pack_sub.add_parser("remove", help="remove a pack from the database")
    remove.add_argument("name", help="the pack's name (see `jalur pack list`)")
    remove.add_argument("--db", default=None, help=db_help)

    dashboard = sub.add_parser("dashboard", help="serve a learner's dashboard on this computer and print its link")
    dashboard.add_argument("--user", default=None, help="learner name of `jalur chat` (default: your login name)")
    dashboard.add_argument("--db", default=None, help=db_help)
    dashboard.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    dashboard.add_argument("--now", type=_moment, default=None, metavar="TIME",
                           help="show the dashboard as of this time, e.g. 2026-03-04T09:00+07:00")

    health = sub.add_parser("health", help="ask a running `jalur run` whether it is alive (or ready)")
    health.add_argument("--ready", action="store_true", help="ask /readyz (database and platforms) instead of /healthz")
    health.add_argument("--url", default=None, help="base URL (default: http://127.0.0.1:JALUR_METRICS_PORT)")
    health.add_argument("--container", action="store_true",
                        help="the container's healthcheck: healthy without asking when the container runs no "
                             "`jalur run` (`jalur chat`, `jalur db upgrade`) or runs it with JALUR_METRICS_PORT=0")

    content = sub.add_parser("content", help="content files under knowledge/")
    content_sub = content.add_subparsers(dest="content_command", metavar="ACTION")
    check = content_sub.add_parser("check", help="validate every content file")
    check.add_argument("path", nargs="?", type=Path, default=None, help="knowledge directory")
    return parser


_TEXT_OPTIONS = frozenset({"--answer", "--question", "--user"})


def _values_as_values(argv: Sequence[str]) -> list[str]:
    """``--answer -_-`` as ``--answer=-_-``: a text option's value may start with a dash."""
    result: list[str] = []
    items = list(argv)
    index = 0
    while index < len(items):
        item = items[index]
        if item in _TEXT_OPTIONS and index + 1 < len(items):
            result.append(f"{item}={items[index + 1]}")
            index += 2
            continue
        result.append(item)
        index += 1
    return result


def _moment(text: str) -> datetime:
    """An ISO 8601 time for ``--now``; without an offset it is UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r} (try 2026-03-04T09:00+07:00)") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def load_settings() -> Settings:
    """Settings from the environment, with errors that name the variable."""
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"JALUR_{str(err['loc'][0]).upper()}: {err['msg']}" if err["loc"] else err["msg"].removeprefix("Value error, ")
            for err in exc.errors()
        )
        raise CliError(f"invalid setting: {problems}", EXIT_USAGE) from exc


def _started() -> None:
    """Start-up is over: the garbage collector runs again (``main`` turns it off while a command starts).

    Importing the libraries and loading the content allocates a lot and frees little, so the
    collections it triggers find almost nothing, one of them a full pass over every object, about
    0.1 s of ``jalur chat``'s start. What start-up built is frozen (``gc.freeze``: it lives as long
    as the process), so later collections skip it.
    """
    gc.freeze()
    gc.enable()


def open_database(settings: Settings, override: str | None) -> Database:
    """The database from ``--db`` or ``JALUR_DATABASE_URL``."""
    from bot.storage.database import Database, DatabaseError

    _started()
    source = "--db" if override else "JALUR_DATABASE_URL"
    try:
        return Database(override or settings.database_url, source=source)
    except DatabaseError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc


def load_content(settings: Settings, path: Path | None = None) -> KnowledgeBase:
    """The knowledge base, with a clear error for a broken file."""
    return _knowledge(path or settings.knowledge_dir)


def _knowledge(path: Path | None) -> KnowledgeBase:
    from bot.content.loader import ContentError, load_knowledge

    try:
        return load_knowledge(path)
    except ContentError as exc:
        raise CliError(f"broken content: {exc}") from exc


async def _prepared(settings: Settings, db_override: str | None) -> tuple[Database, Engine]:
    from bot.engine import Engine
    from bot.storage.database import DatabaseError

    kb = load_content(settings)
    db = open_database(settings, db_override)
    try:
        await db.upgrade()
    except DatabaseError as exc:
        await db.close()
        raise CliError(str(exc)) from exc
    return db, Engine(db, kb, settings)


async def _chat(args: argparse.Namespace, settings: Settings, console: ConsoleChat) -> int:
    db, engine = await _prepared(settings, args.db)
    user = (args.user or _login_name()).strip()
    if not user:
        raise CliError("--user must not be empty", EXIT_USAGE)
    try:
        return await console(engine, ChatOptions(user=user[:128], language=args.lang,
                                                 stdin=sys.stdin, stdout=sys.stdout, now=args.now))
    finally:
        await db.close()


def _chat_logged(args: argparse.Namespace, settings: Settings, console: ConsoleChat) -> int:
    """``jalur chat`` with its logs in a file: a traceback never lands on the learner's screen."""
    import logging

    from bot.logs import configure_logging

    path = Path(args.log) if args.log else _default_chat_log()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        log_file = path.open("a", encoding="utf-8", buffering=1)
    except OSError as exc:
        raise CliError(f"cannot write the chat log {path}: {exc.strerror or exc}") from exc
    handler = configure_logging(settings, stream=log_file)
    try:
        return _await(_chat(args, settings, console))
    finally:
        logging.getLogger().removeHandler(handler)
        log_file.close()


def _default_chat_log() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir("jalur", appauthor=False)) / "chat.log"


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "me"


async def _run(args: argparse.Namespace, settings: Settings, platforms: Sequence[Platform]) -> int:
    enabled = [p for p in platforms if p.configured(settings)]
    if not enabled:
        lines = ["No chat platform is configured, so there is nothing to run."]
        lines += [f"  - {p.name}: {p.how_to_enable}" for p in platforms]
        if not platforms:
            lines.append("  Telegram and Discord adapters are not part of this build yet.")
        lines.append("To chat with the mentor in this terminal, run: jalur chat")
        raise CliError("\n".join(lines), EXIT_USAGE)
    from bot.service import ServiceError, serve

    db, engine = await _prepared(settings, args.db)
    try:
        await serve(engine, settings, enabled)
    except ServiceError as exc:
        raise CliError(str(exc)) from None
    finally:
        await db.close()
    return EXIT_OK


async def _dashboard(args: argparse.Namespace, settings: Settings) -> int:
    """``jalur dashboard``: one learner's dashboard on 127.0.0.1 until Ctrl-C, behind a link printed once."""
    import asyncio
    import contextlib
    import functools
    import secrets
    import signal
    from datetime import timedelta

    from bot.features.dashboard_link import learner_link
    from bot.web.server import DashboardServer, dashboard_app

    user = (args.user or _login_name()).strip()[:128]
    if not user or not 0 <= args.port <= 65535:
        raise CliError("--user must not be empty and --port must be 0-65535", EXIT_USAGE)
    db, engine = await _prepared(settings, args.db)
    server = None
    try:
        learner = await engine.learner_of("console", user)
        if learner is None:
            raise CliError(f"nobody named {user!r} has chatted on this database yet; start with: jalur chat --user {user}")
        secret = secrets.token_bytes(32)  # this run's own key: its link dies with the process
        clock = (lambda: args.now) if args.now else (lambda: datetime.now(UTC))
        server = DashboardServer(dashboard_app(engine, telegram_token=None, secret=secret, clock=clock),
                                 listen="127.0.0.1", port=args.port)
        try:
            port = await server.start()
        except OSError as exc:
            raise CliError(f"cannot serve on 127.0.0.1:{args.port} ({exc.strerror or exc}); try --port 0") from exc
        read = functools.partial(learner_link, base_url=f"http://127.0.0.1:{port}/", secret=secret,
                                 lifetime=timedelta(days=30))
        link = await engine.read_view(learner, clock(), read)
        print(f"Dashboard of {user}: {link}\nOnly this computer can open it; Ctrl-C stops it.", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        if server is not None:
            await server.stop()
        await db.close()
    return EXIT_OK


async def _pushes_tick(args: argparse.Namespace, settings: Settings, platforms: Sequence[Platform]) -> int:
    """One delivery pass at ``--now`` through the configured platforms (or a preview)."""
    from contextlib import AsyncExitStack

    from bot.outbound import Senders
    from bot.pushes.delivery import PushRunner, freeze_heap, preview

    db, engine = await _prepared(settings, args.db)
    now = args.now or datetime.now(UTC)
    try:
        if args.dry_run:
            lines = await preview(engine, now)
            for _, line in lines:
                print(line)
            print(f"dry run at {now.isoformat()}: {len(lines)} due, nothing sent or recorded")
            return EXIT_OK
        senders = Senders()
        async with AsyncExitStack() as stack:
            for platform in platforms:
                if platform.configured(settings):
                    senders.add(platform.name.lower(), await _sender(stack, platform, engine, settings))
            if not senders.names:
                print("no chat platform is configured: due pushes wait until one is "
                      "(or expire when they are too late)", file=sys.stderr)
            runner = PushRunner(engine, senders, concurrency=settings.push_concurrency)
            freeze_heap()
            report, stop = await _until_stopped(runner, now, settings.shutdown_grace)
        if report is not None:
            for push, status in report.pushes:
                target = f"channel {push.user_id}" if push.to_channel else f"user {push.user_id}"
                print(f"{status}: {push.kind} to {push.platform} {target}: {push.preview}")
            print(f"pass at {now.isoformat()}: {report.summary()}")
        if stop.received is not None:
            cut = "the pass was cut off" if report is None else "the pass claimed nothing more"
            raise CliError(f"stopped by {stop.received.name}: {cut}; what is still due goes out with the next "
                           "pass (a push claimed and not sent, after its 5-minute lease)", 128 + stop.received)
        return EXIT_OK
    finally:
        await db.close()


async def _sender(stack: AsyncExitStack, platform: Platform, engine: Engine, settings: Settings) -> PushSender:
    """A platform opened for sending, or a one-line error naming it (the token is never shown)."""
    try:
        return await stack.enter_async_context(platform.sender(engine, settings))
    except Exception as exc:  # a platform's own errors: named in one line
        import logging

        logging.getLogger(__name__).debug("%s could not start", platform.name, exc_info=True)
        raise CliError(f"{platform.name} could not start: {_one_line(exc)}") from None


async def _until_stopped(runner: PushRunner, now: datetime,
                         grace: float) -> tuple[TickReport | None, StopSignal]:
    """``runner.tick(now)``; on SIGTERM/SIGINT it claims nothing more and gets ``grace`` seconds to
    send what it claimed, then it is cut off (``None``: no report)."""
    import asyncio
    import logging

    from bot.shutdown import StopSignal, cut_off

    stop = StopSignal(grace, on_stop=runner.stop)
    stop.install()
    try:
        work = asyncio.create_task(runner.tick(now))
        stopped = asyncio.create_task(stop.event.wait())
        await asyncio.wait([work, stopped], return_when=asyncio.FIRST_COMPLETED)
        if not work.done():
            await asyncio.wait([work], timeout=stop.remaining())
        stopped.cancel()
        if not work.done():
            cut = await cut_off()
            logging.getLogger(__name__).warning("the grace of %g s ran out; %d task(s) cut off %.1f s after "
                                                "the stop signal", grace, cut, stop.elapsed())
            return None, stop
        return work.result(), stop
    finally:
        stop.uninstall()


async def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.database import DatabaseError

    db = open_database(settings, args.db)
    try:
        await db.upgrade()
    except DatabaseError as exc:
        raise CliError(str(exc)) from exc
    finally:
        await db.close()
    print(f"database is up to date: {db.display_url}")
    return EXIT_OK


def _content_check(args: argparse.Namespace, settings: Settings) -> int:
    kb = load_content(settings, args.path)
    core = sum(1 for s in kb.skills.values() if s.core)
    print(
        f"{kb.root}: ok ({len(kb.phases)} phases, {core} core skills, "
        f"{len(kb.skills) - core} electives, {len(kb.tracks)} tracks, {len(kb.questions)} questions, "
        f"{len(kb.messages)} messages)"
    )
    return EXIT_OK


def _quiz_grade_setup() -> Path | None:
    """Logging and the knowledge directory of ``quiz grade``: from plain values in the environment
    without ``Settings`` (``_environment``), otherwise from ``Settings``."""
    env = _environment("knowledge_dir", "log_level", "log_format")
    if env is not None:
        level = env.get("log_level", DEFAULT_LOG_LEVEL).upper()
        form = env.get("log_format", DEFAULT_LOG_FORMAT).lower()
        knowledge = env.get("knowledge_dir")
        if level in LOG_LEVELS and form in LOG_FORMATS and (knowledge is None or knowledge.strip()):
            from bot.logs import start_logging

            start_logging(form, level, secrets=_secrets_in_settings)
            return None if knowledge is None else Path(knowledge)
    settings = load_settings()
    from bot.logs import configure_logging

    configure_logging(settings)
    return settings.knowledge_dir


def _secrets_in_settings() -> list[str]:
    """The tokens and the database password to mask in logs (asked at the first record, if any)."""
    from bot.logs import secrets_of

    try:
        return secrets_of(load_settings())
    except CliError:
        return []


def _quiz_grade(args: argparse.Namespace, knowledge_dir: Path | None) -> int:
    """``quiz grade``: the knowledge base and the grader, no database and no chat SDK."""
    import json

    from bot.quiz.grader import grade_answer

    kb = _knowledge(knowledge_dir)
    questions = dict(kb.questions)
    if args.pack is not None:
        questions.update((q.id, q) for q in _read_pack(args.pack, kb).questions)
    question = questions.get(args.question)
    if question is None:
        from bot.intents import closest

        near = closest(args.question, questions)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise CliError(f"unknown question {args.question!r}{hint}", EXIT_USAGE)
    result = grade_answer(question, args.answer)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
        return EXIT_OK
    labels = {c.id: c.label.get(args.lang) for c in question.rubric}
    labels.update((m.id, m.label.get(args.lang)) for m in question.misconceptions)
    print(f"{result.verdict} (score {result.score:.2f})")
    for concept in result.hit:
        print(f"  hit: {labels.get(concept, concept)}  <- \"{result.quote(concept)}\"")
    for concept, quote in result.wrong:
        print(f"  wrong: {labels.get(concept, concept)}  <- \"{quote}\"")
    for concept in result.missed:
        print(f"  missed: {labels.get(concept, concept)}")
    if result.term_list:
        print("  (a list of terms without explanation: at most partial)")
    if result.brief:
        print("  (far shorter than a complete answer: at most partial)")
    if result.unsure:
        print("  (says the learner is unsure of part of it: at most partial)")
    feedback = question.model_answer or question.explanation
    if feedback is not None:
        print(f"model answer: {feedback.get(args.lang)}")
    return EXIT_OK


async def _quiz_disputes(args: argparse.Namespace, settings: Settings) -> int:
    """``quiz disputes``: what learners disagreed with, for the question's authors."""
    if args.limit < 1:
        raise CliError("--limit must be 1 or more", EXIT_USAGE)
    import json

    from bot.quiz.bank import QuestionBank
    from bot.storage.database import DatabaseError
    from bot.storage.repository import Repository

    bank = QuestionBank(load_content(settings))
    db = open_database(settings, args.db)
    try:
        await db.upgrade()
        async with db.transaction() as session:
            store = Repository(session).quiz
            names = [p.name for p in await store.packs()]
            if args.pack is not None and args.pack not in names:
                raise CliError(f"no pack named {args.pack!r} (packs here: {', '.join(names) or 'none'})", EXIT_USAGE)
            rows = await store.disputes(args.pack, args.limit)
            await bank.refresh(store)
    except DatabaseError as exc:
        raise CliError(str(exc)) from exc
    finally:
        await db.close()
    for answer, pack in rows:
        question = bank.get(answer.question_id)
        hit = [c for c in (answer.concepts_hit or "").split(",") if c]
        missed = [c.id for c in question.rubric if c.id not in hit] if question is not None else []
        entry = {"disputed_at": f"{answer.disputed_at:%Y-%m-%d %H:%M} UTC", "question": answer.question_id,
                 "pack": pack, "verdict": answer.verdict, "score": round(answer.score, 2),
                 "answer": answer.answer_text, "hit": hit, "missed": missed}
        if args.json:
            print(json.dumps(entry, ensure_ascii=False))
            continue
        where = f"pack {pack}" if pack else "built-in"
        print(f"{entry['disputed_at']}  {answer.question_id} ({where})  {answer.verdict} {answer.score:.0%}")
        print(f"  answer: {answer.answer_text if answer.answer_text is not None else '(text not kept)'}")
        print(f"  hit: {', '.join(hit) or '-'}")
        print(f"  missed: {', '.join(missed) or '-'}")
    if not rows and not args.json:
        scope = f" for pack {args.pack!r}" if args.pack else ""
        print(f"no disputed answers{scope} in {db.display_url}")
    return EXIT_OK


HEALTH_TIMEOUT_SECONDS = 5
# Defaults of the Settings fields read without Settings (a test keeps them equal to bot/settings.py's).
DEFAULT_METRICS_PORT = 9108
DEFAULT_LOG_LEVEL, LOG_LEVELS = "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_LOG_FORMAT, LOG_FORMATS = "auto", ("auto", "json", "text")


def _environment(*names: str) -> dict[str, str] | None:
    """The ``JALUR_<NAME>`` variables of ``names`` that are set, as ``{name: value}`` (any case, as
    ``Settings`` matches them); ``None`` when a ``.env`` file in the working directory may set more.

    ``jalur health`` (every 30 s in the container) and ``jalur quiz grade`` need one or three
    settings, and pydantic-settings, with the asyncio it imports, takes longer to load than the
    healthcheck's whole request. They read plain values here; anything else (a ``.env`` file, a
    value that is not plain) goes through ``Settings``, which reads it or names the problem exactly
    as every other command does. Other settings are not checked by these two commands.
    """
    if Path(".env").exists():
        return None
    found: dict[str, str] = {}
    for key, value in os.environ.items():
        name = key.lower().removeprefix("jalur_")
        if name in names and key.upper() == f"JALUR_{name.upper()}" and (name not in found or key.isupper()):
            found[name] = value
    return found


def _metrics_port() -> int:
    """``JALUR_METRICS_PORT`` as ``Settings`` reads it (``_environment``)."""
    env = _environment("metrics_port")
    value = "" if env is None else env.get("metrics_port", str(DEFAULT_METRICS_PORT))
    if value.strip().isascii() and value.strip().isdigit() and int(value) <= 65535:
        return int(value)
    return load_settings().metrics_port


def _health(args: argparse.Namespace) -> int:
    """``jalur health``: exit 0 when the endpoint answers 200 (the container healthcheck)."""
    port = _metrics_port() if args.url is None else None
    if args.container and args.url is None:
        if not runs_jalur_run(_init_command()):
            print("healthy: nothing to check (this container does not run `jalur run`)")
            return EXIT_OK
        if not port:
            print("healthy: not checked (the health endpoints are off: JALUR_METRICS_PORT=0)")
            return EXIT_OK
    if args.url is None and not port:
        raise CliError("the health endpoints are off (JALUR_METRICS_PORT=0); give --url", EXIT_USAGE)
    base = (args.url or f"http://127.0.0.1:{port}").rstrip("/")
    url = f"{base}/{'readyz' if args.ready else 'healthz'}"
    try:
        status, body = _plain_http_get(url) or _urllib_get(url)
    except OSError as exc:
        raise CliError(f"no answer from {url}: {getattr(exc, 'reason', exc)}") from None
    print(body.decode("utf-8", "replace"))
    if status // 100 != 2:
        raise CliError(f"{url} answered {status}")
    return EXIT_OK


def _init_command() -> list[str] | None:
    """The command line of process 1 (the container's command, or its init's), None when unreadable."""
    try:
        raw = Path("/proc/1/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


def runs_jalur_run(command: list[str] | None) -> bool:
    """Whether a container's command line is ``jalur run`` (also behind an init: ``docker-init -- jalur
    run``, or as ``python -m adapters run``); True when it cannot be read, so the endpoint is asked."""
    if command is None:
        return True
    for index, part in enumerate(command[:-1]):
        named = Path(part).name == "jalur" or (part == "adapters" and index and command[index - 1] == "-m")
        if named and command[index + 1] == "run":
            return True
    return False


_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TARGET = re.compile(r"/[!-~]*")  # a request target http.client would send as it is


def _plain_http_get(url: str) -> tuple[int, bytes] | None:
    """GET ``url`` over a socket when it is plain ``http://host:port/path`` and no proxy is set.

    ``jalur health`` is the container's healthcheck: urllib.request and
    http.client load ssl and the email package, most of the command's start.
    One HTTP/1.0 request needs none of that. ``None`` (the caller asks urllib)
    for anything else: https, credentials in the URL, a proxy in the
    environment, a redirect, an answer this does not read plainly.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        port = parts.port or 80
    except ValueError:
        return None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if (parts.scheme != "http" or not parts.hostname or parts.username is not None or parts.fragment
            or not _TARGET.fullmatch(target) or any(k.lower().endswith("_proxy") for k in os.environ)):
        return None
    import socket

    request = f"GET {target} HTTP/1.0\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n"
    received = b""
    with socket.create_connection((parts.hostname, port), timeout=HEALTH_TIMEOUT_SECONDS) as connection:
        connection.sendall(request.encode("ascii"))
        while chunk := connection.recv(65536):
            received += chunk
            answer = _http_answer(received)
            if answer is not None and answer[2] is True:
                break
    answer = _http_answer(received)
    if answer is None or answer[2] is False or answer[0] in _REDIRECTS or answer[0] < 200:
        return None
    return answer[0], answer[1]


def _http_answer(received: bytes) -> tuple[int, bytes, bool | None] | None:
    """Status, body and whether the body is all there by its Content-Length (``None``: no length given,
    the body ends with the connection); ``None`` when the answer is not plain HTTP/1.x."""
    head, blank, body = received.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = lines[0].split(None, 2)
    if not blank or len(status) < 2 or not status[0].startswith(b"HTTP/1.") or not status[1].isdigit():
        return None
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(b":") for line in lines[1:])}
    if b"transfer-encoding" in headers:
        return None
    length = headers.get(b"content-length", b"")
    if not length.isdigit():
        return int(status[1]), body, None
    return int(status[1]), body[: int(length)], len(body) >= int(length)


def _urllib_get(url: str) -> tuple[int, bytes]:
    """GET ``url`` with urllib (https, proxies, redirects); an HTTP error status is returned, not raised."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=HEALTH_TIMEOUT_SECONDS) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _read_pack(path: Path, kb: KnowledgeBase) -> Pack:
    from bot.content.loader import ContentError
    from bot.quiz.packs import read_pack

    try:
        return read_pack(path, kb)
    except ContentError as exc:
        raise CliError(f"broken pack: {exc}") from exc


def _pack_validate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.quiz.packs import rubric_notes

    pack = _read_pack(args.file, load_content(settings))
    kinds = {kind: sum(1 for q in pack.questions if q.kind == kind) for kind in ("open", "choice")}
    print(f"{args.file}: ok, pack {pack.name!r}: {len(pack.questions)} questions "
          f"({kinds['open']} open, {kinds['choice']} choice)")
    for note in rubric_notes(pack):
        print(f"note: {note}")
    return EXIT_OK


async def _pack_add(store: QuizStore, args: argparse.Namespace, pack: Pack | None, where: str) -> None:
    assert pack is not None
    from bot.quiz.packs import store_pack

    replaced = await store_pack(store, pack, datetime.now(UTC))
    action = f"replaced {replaced} questions of" if replaced else "added"
    print(f"{action} pack {pack.name!r}: {len(pack.questions)} questions in {where}")


async def _pack_remove(store: QuizStore, args: argparse.Namespace, pack: Pack | None, where: str) -> None:
    removed = await store.remove_pack(args.name)
    if not removed:
        names = [p.name for p in await store.packs()]
        known = f"; packs here: {', '.join(names)}" if names else "; there are no packs here"
        raise CliError(f"no pack named {args.name!r}{known}", EXIT_USAGE)
    print(f"removed pack {args.name!r} ({removed} questions); learners' review history is kept")


async def _pack_list(store: QuizStore, args: argparse.Namespace, pack: Pack | None, where: str) -> None:
    packs = await store.packs()
    for summary in packs:
        print(f"{summary.name}\t{summary.questions} questions\tadded {summary.added_at:%Y-%m-%d %H:%M} UTC")
    if not packs:
        print(f"no packs in {where}")


_PACK_ACTIONS = {"add": _pack_add, "remove": _pack_remove, "list": _pack_list}


async def _pack_db(args: argparse.Namespace, settings: Settings) -> int:
    """``pack add|remove|list``: one transaction on the migrated database."""
    from bot.quiz.packs import PackError
    from bot.storage.database import DatabaseError
    from bot.storage.repository import Repository

    pack = _read_pack(args.file, load_content(settings)) if args.pack_command == "add" else None
    db = open_database(settings, args.db)
    try:
        await db.upgrade()
        async with db.transaction() as session:
            await _PACK_ACTIONS[args.pack_command](Repository(session).quiz, args, pack, db.display_url)
    except (DatabaseError, PackError) as exc:
        raise CliError(str(exc)) from exc
    finally:
        await db.close()
    return EXIT_OK


def _one_line(exc: BaseException) -> str:
    """``Type: message`` of an exception, on one line."""
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _print_error(message: str) -> None:
    """``jalur: error: ...`` on standard error, with tokens, secrets and passwords masked."""
    from bot.logs import Redactor

    print(f"jalur: error: {Redactor(_secrets_in_settings).clean(message)}", file=sys.stderr)


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _await(command: Coroutine[Any, Any, int]) -> int:
    """Run an async command on a new event loop (asyncio is imported only by the commands that need it)."""
    import asyncio

    return asyncio.run(command)


def main(
    argv: Sequence[str] | None = None,
    *,
    console: ConsoleChat,
    platforms: Sequence[Platform] = (),
) -> int:
    """Run the ``jalur`` command; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(_values_as_values(sys.argv[1:] if argv is None else argv))
    collecting, frozen = gc.isenabled(), gc.get_freeze_count()
    gc.disable()  # until the command has started (``_started``); a short command ends first
    try:
        if args.command == "health":  # the healthcheck: no settings object, no logging set-up (it logs nothing)
            return _health(args)
        if args.command == "quiz" and args.quiz_command == "grade":
            return _quiz_grade(args, _quiz_grade_setup())
        settings = load_settings()
        from bot.logs import configure_logging

        if args.command == "chat":
            return _chat_logged(args, settings, console)
        configure_logging(settings, access=args.command == "run")
        if args.command == "run":
            return _await(_run(args, settings, platforms))
        if args.command == "dashboard":
            return _await(_dashboard(args, settings))
        if args.command == "pushes" and args.pushes_command == "tick":
            return _await(_pushes_tick(args, settings, platforms))
        if args.command == "db" and args.db_command == "upgrade":
            return _await(_db_upgrade(args, settings))
        if args.command == "quiz" and args.quiz_command == "disputes":
            return _await(_quiz_disputes(args, settings))
        if args.command == "pack" and args.pack_command == "validate":
            return _pack_validate(args, settings)
        if args.command == "pack" and args.pack_command in _PACK_ACTIONS:
            return _await(_pack_db(args, settings))
        if args.command == "content" and args.content_command == "check":
            return _content_check(args, settings)
        parser.print_help()
        return EXIT_USAGE
    except CliError as exc:
        _print_error(str(exc))
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `jalur chat | head -1`: the reader left; nothing to say, nowhere to say it
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # an operator sees one line, never a traceback
        import logging

        logging.getLogger(__name__).debug("jalur %s failed", args.command, exc_info=True)
        _print_error(f"{_one_line(exc)} (JALUR_LOG_LEVEL=DEBUG logs where it happened)")
        return EXIT_FAILURE
    finally:  # the collector as it was, for a caller that goes on (a test running commands in its process)
        if not frozen:
            gc.unfreeze()
        if collecting:
            gc.enable()
