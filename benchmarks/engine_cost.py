"""What Jalur costs per Telegram update, against an echo bot on the same python-telegram-bot stack.

Usage:  python benchmarks/engine_cost.py [--quick] [--rounds 9] [--learners 25] [--rate 1000]
                                         [--backend sqlite|postgresql] [--top 15]

Both bots are python-telegram-bot 22 ``Application`` objects built with the
builder options of ``adapters/telegram/bot.py`` (token, ``base_url`` of the
fake Bot API, the same ``AIORateLimiter``, concurrent updates), initialized
but not polling: each update is fed with
``await app.process_update(Update.de_json(payload, app.bot))``, and every
call they make goes over HTTP to the fake Bot API (``tests/fake_telegram.py``,
no rate limit) running in its own process.

* *Jalur*: the real ``TelegramAdapter`` in front of the real ``Engine`` on a
  migrated SQLite file (or PostgreSQL with ``--backend postgresql``). Each
  learner is onboarded first (``/start``, then the buttons ``/lang en``,
  ``/track go``, ``/level 0``, ``/tz Asia/Jakarta``; not measured). Measured:
  the text ``/next``, a press of its "Done" button (``/done SKILL``), the
  text ``/quiz``, a press of an answer button (a random option or "I don't
  know"); the presses carry the bot's message, as Telegram sends them, so a
  verdict is edited into the question.
* *Echo*: a handler that answers each message with one ``send_message`` of
  its text, and each button with ``answer()`` plus one ``send_message`` of its
  data. It replays the updates of the previous Jalur round (new update ids),
  so both parse the same payloads.

Rounds alternate (echo, Jalur, echo, Jalur...) after one warm-up round each;
per round the CPU time of this process (``time.process_time``, all threads,
so the aiosqlite worker thread counts) and the wall time per update are
averaged, and the medians over rounds are printed with the ratio Jalur/echo
(target: CPU ratio 1.5 or less). The CPU inside ``Engine.handle`` is timed
separately, which splits Jalur's cost into engine and platform.

Three extra Jalur rounds (not in the medians) explain the cost: one under
cProfile for whole updates and one for ``Engine.handle`` alone (the share of
main-thread time per package: Jalur's code, SQLAlchemy, the database driver,
asyncio, python-telegram-bot, httpx; the SQL statements per kind of update,
counted with a ``before_cursor_execute`` listener), and one with every
function of ``bot/`` and ``adapters/`` wrapped to add up its inclusive CPU
(cProfile cannot attribute time to coroutines that suspend), which lists
Jalur's hotspots. Timings are noisy on a shared machine: compare the
ratios, not the absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import functools
import inspect
import itertools
import json
import pstats
import random
import sys
import time
import types
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from _common import (
    DEFAULT_POSTGRES,
    ONBOARDING,
    ROOT,
    STEPS,
    Backends,
    StatementCounter,
    answer_payload,
    button,
    fake_telegram_process,
    median,
    reply_with_button,
    verdict,
)
from fake_telegram import TOKEN, FakeTelegram
from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from adapters.telegram.bot import TelegramAdapter
from adapters.telegram.pacing import PacedRateLimiter
from adapters.telegram.render import messages
from bot.content.loader import load_knowledge
from bot.conversation import Incoming, Reply
from bot.engine import Engine
from bot.settings import Settings

TARGET_RATIO = 1.5


# --- the two bots -------------------------------------------------------------------

class HandleTimer:
    """Wraps ``engine.handle``: keeps each learner's last replies and the CPU/wall time spent inside."""

    def __init__(self, engine: Engine) -> None:
        self._handle = engine.handle
        self.last: dict[str, list[Reply]] = {}
        self.cpu = 0.0
        self.wall = 0.0
        self.profiler: cProfile.Profile | None = None  # set: profile the engine alone
        engine.handle = self.handle  # type: ignore[method-assign]

    async def handle(self, incoming: Incoming, *, now: datetime) -> list[Reply]:
        cpu, wall = time.process_time(), time.perf_counter()
        if self.profiler is not None:
            self.profiler.enable()
        try:
            replies = await self._handle(incoming, now=now)
        finally:
            if self.profiler is not None:
                self.profiler.disable()
        self.cpu += time.process_time() - cpu
        self.wall += time.perf_counter() - wall
        self.last[incoming.user_id] = replies
        return replies


def echo_app(settings: Settings) -> Application:  # type: ignore[type-arg]
    """The floor: the same builder options as the adapter, a handler that echoes."""
    assert settings.telegram_token is not None
    app = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .rate_limiter(PacedRateLimiter(settings.telegram_rate))
        .concurrent_updates(True)
        .build()
    )

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is not None:
            await query.answer()
            chat_id = query.message.chat.id if query.message is not None else query.from_user.id
            await context.bot.send_message(chat_id, str(query.data))
        elif update.message is not None and update.message.text:
            await context.bot.send_message(update.message.chat.id, update.message.text)

    app.add_handler(TypeHandler(Update, on_update))
    return app


class HttpCounter:
    """Counts HTTP requests a bot makes (an httpx event hook)."""

    def __init__(self, app: Application) -> None:  # type: ignore[type-arg]
        self.count = 0
        client = app.bot.request._client  # type: ignore[attr-defined]
        client.event_hooks = {"request": [self._seen], "response": []}

    async def _seen(self, _request: Any) -> None:
        self.count += 1


# --- updates ------------------------------------------------------------------------

class Updates:
    """Update payloads as Telegram sends them (built with the fake's own helpers)."""

    def __init__(self) -> None:
        self.builder = FakeTelegram()
        self.ids = itertools.count(1)

    def _take(self) -> dict[str, Any]:
        update = self.builder.updates.pop()
        update["update_id"] = next(self.ids)
        return update

    def text(self, user: int, text: str) -> dict[str, Any]:
        self.builder.say(user, text)
        return self._take()

    def press(self, user: int, data: str, shown: Reply | None) -> dict[str, Any]:
        """A press of ``data`` on the message the bot drew for ``shown`` (as Telegram returned it)."""
        message = None
        if shown is not None:
            body, markup = messages(shown)[-1]
            params = {"chat_id": user, "text": body}
            if markup is not None:
                params["reply_markup"] = json.dumps(markup)
            message = self.builder.message_result(params)
        self.builder.press(user, data, message=message)
        return self._take()

    def again(self, update: dict[str, Any]) -> dict[str, Any]:
        """The same update with a new id."""
        return dict(update, update_id=next(self.ids))


@dataclass
class Round:
    """One round of one bot: per-update CPU and wall time, and per-kind detail."""

    cpu: list[float] = field(default_factory=list)
    main_thread: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    engine_cpu: float = 0.0
    http: int = 0
    by_step: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statements: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    @property
    def cpu_per_update(self) -> float:
        return sum(self.cpu) / len(self.cpu)

    @property
    def wall_per_update(self) -> float:
        return sum(self.wall) / len(self.wall)


async def feed(app: Application, payload: dict[str, Any], result: Round | None, step: str = "",  # type: ignore[type-arg]
               profiler: cProfile.Profile | None = None) -> None:
    """Process one update to the end (the handler blocks) and time it."""
    if profiler is not None:
        profiler.enable()
    cpu, thread, wall = time.process_time(), time.thread_time(), time.perf_counter()
    await app.process_update(Update.de_json(payload, app.bot))
    cpu, thread, wall = time.process_time() - cpu, time.thread_time() - thread, time.perf_counter() - wall
    if profiler is not None:
        profiler.disable()
    if result is not None:
        result.cpu.append(cpu)
        result.main_thread.append(thread)
        result.wall.append(wall)
        result.by_step[step].append(cpu)


class JalurBench:
    """The real adapter and engine; fresh learners every round."""

    def __init__(self, adapter: TelegramAdapter, timer: HandleTimer, updates: Updates, http: HttpCounter,
                 seed: int) -> None:
        self.adapter = adapter
        self.timer = timer
        self.updates = updates
        self.http = http
        self.rng = random.Random(seed)
        self.users = itertools.count(1_000_001)

    async def round(self, learners: int, *, profiler: cProfile.Profile | None = None,
                    engine_profiler: cProfile.Profile | None = None, counter: StatementCounter | None = None,
                    tracer: Tracer | None = None) -> tuple[Round, list[dict[str, Any]]]:
        app, timer, updates = self.adapter.app, self.timer, self.updates
        users = [next(self.users) for _ in range(learners)]
        for user in users:  # onboarding, not measured
            await feed(app, updates.text(user, "/start"), None)
            for data in ONBOARDING:
                await feed(app, updates.press(user, data, None), None)
        result = Round()
        sent: list[dict[str, Any]] = []
        cpu_before, http_before = timer.cpu, self.http.count

        async def step(name: str, payload: dict[str, Any]) -> list[Reply]:
            sent.append(payload)
            before = counter.count if counter else 0
            timer.profiler = engine_profiler
            if tracer is not None:
                tracer.on = True
            await feed(app, payload, result, name, profiler)
            timer.profiler = None
            if tracer is not None:
                tracer.on = False
            if counter is not None:
                result.statements[name].append(counter.count - before)
            return timer.last[str(payload_user(payload))]

        for user in users:
            replies = await step("next", updates.text(user, "/next"))
            done = button(replies, "/done ")
            await step("done", updates.press(user, done, reply_with_button(replies, "/done ")) if done
                       else updates.text(user, "/done"))
            replies = await step("quiz", updates.text(user, "/quiz"))
            answer = answer_payload(replies, self.rng)
            if answer is not None:
                await step("answer", updates.press(user, answer, reply_with_button(replies, "/answer ")))
        result.engine_cpu = timer.cpu - cpu_before
        result.http = self.http.count - http_before
        return result, sent


def payload_user(payload: dict[str, Any]) -> int:
    body = payload.get("message") or payload.get("callback_query") or {}
    return int(body["from"]["id"])


def step_of(payload: dict[str, Any]) -> str:
    if "message" in payload:
        return "next" if payload["message"]["text"].startswith("/next") else "quiz"
    return "done" if payload["callback_query"]["data"].startswith("/done") else "answer"


async def echo_round(app: Application, replay: list[dict[str, Any]], updates: Updates,  # type: ignore[type-arg]
                     http: HttpCounter) -> Round:
    result = Round()
    before = http.count
    for payload in replay:
        await feed(app, updates.again(payload), result, step_of(payload))
    result.http = http.count - before
    return result



# --- inclusive CPU per Jalur function ------------------------------------------------------

class Tracer:
    """Wraps every function and method of Jalur's own modules (bot/, adapters/) to add up the
    process CPU spent inside each call, inclusive of what it calls.

    Updates are processed one at a time, so the CPU between entering and leaving a coroutine is
    that coroutine's (and its callees'), which cProfile cannot tell for coroutines.
    """

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.on = False
        self._undo: list[tuple[Any, str, Any, bool]] = []
        self._wrapped: dict[Any, Any] = {}

    def _wrap(self, function: Any, key: str) -> Any:
        if function in self._wrapped:
            return self._wrapped[function]
        tracer = self
        if inspect.iscoroutinefunction(function):
            @functools.wraps(function)
            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                if not tracer.on:
                    return await function(*args, **kwargs)
                started = time.process_time()
                try:
                    return await function(*args, **kwargs)
                finally:
                    tracer.cpu[key] += time.process_time() - started
                    tracer.calls[key] += 1
        else:
            @functools.wraps(function)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                if not tracer.on:
                    return function(*args, **kwargs)
                started = time.process_time()
                try:
                    return function(*args, **kwargs)
                finally:
                    tracer.cpu[key] += time.process_time() - started
                    tracer.calls[key] += 1
        self._wrapped[function] = wrapper
        return wrapper

    @staticmethod
    def _traceable(value: Any) -> bool:
        if not isinstance(value, types.FunctionType) or value.__name__.startswith("__"):
            return False
        if inspect.isgeneratorfunction(value) or inspect.isasyncgenfunction(value):
            return False
        inner = getattr(value, "__wrapped__", None)  # @asynccontextmanager and the like
        return not (inner is not None and (inspect.isasyncgenfunction(inner) or inspect.isgeneratorfunction(inner)))

    @staticmethod
    def _plain(klass: type) -> bool:
        """Classes whose methods may be replaced (not pydantic models, enums or ORM tables)."""
        names = {base.__name__ for base in klass.__mro__}
        return not names & {"BaseModel", "BaseSettings", "Enum", "DeclarativeBase", "Base"}

    def _set(self, owner: Any, name: str, value: Any, is_dict: bool = False) -> None:
        old = owner[name] if is_dict else getattr(owner, name)
        self._undo.append((owner, name, old, is_dict))
        if is_dict:
            owner[name] = value
        else:
            setattr(owner, name, value)

    def install(self) -> None:
        own = [m for n, m in list(sys.modules.items()) if m is not None and n.split(".")[0] in {"bot", "adapters"}]
        for module in own:  # functions and methods defined in Jalur's modules
            for name, value in list(vars(module).items()):
                if self._traceable(value) and value.__module__ == module.__name__:
                    self._set(module, name, self._wrap(value, f"{module.__name__}.{value.__qualname__}"))
                elif isinstance(value, type) and value.__module__ == module.__name__ and self._plain(value):
                    fields = {f.name for f in dataclasses.fields(value)} if dataclasses.is_dataclass(value) else set()
                    for attr, member in list(vars(value).items()):
                        if self._traceable(member) and attr not in fields:
                            self._set(value, attr, self._wrap(member, f"{module.__name__}.{member.__qualname__}"))
        for module in own:  # names imported from other Jalur modules, and tables of handlers
            for name, value in list(vars(module).items()):
                if isinstance(value, types.FunctionType) and value in self._wrapped:
                    self._set(module, name, self._wrapped[value])
                elif isinstance(value, dict):
                    for key, item in list(value.items()):
                        if isinstance(item, types.FunctionType) and item in self._wrapped:
                            self._set(value, key, self._wrapped[item], is_dict=True)
                        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
                            changes = {f.name: self._wrapped[getattr(item, f.name)] for f in dataclasses.fields(item)
                                       if isinstance(getattr(item, f.name), types.FunctionType)
                                       and getattr(item, f.name) in self._wrapped}
                            if changes:
                                self._set(value, key, dataclasses.replace(item, **changes), is_dict=True)

    def uninstall(self) -> None:
        for owner, name, old, is_dict in reversed(self._undo):
            if is_dict:
                owner[name] = old
            else:
                setattr(owner, name, old)
        self._undo.clear()

    def print(self, updates: int, top: int) -> None:
        print(f"\nTop {top} functions of Jalur's own code by inclusive CPU (this process, all threads; ms per "
              "update, with what they call; nested functions overlap; the wrappers add some overhead):")
        for key, cpu in sorted(self.cpu.items(), key=lambda kv: -kv[1])[:top]:
            print(f"  {cpu / updates * 1000:7.2f}  {self.calls[key] / updates:6.1f} calls  {key}")


# --- the profile ----------------------------------------------------------------------

CATEGORIES = (
    ("Jalur engine (bot/)", lambda f, n: f.startswith(str(ROOT / "bot") + "/")),
    ("Jalur adapter (adapters/)", lambda f, n: f.startswith(str(ROOT / "adapters") + "/")),
    ("this benchmark", lambda f, n: f.startswith(str(ROOT / "benchmarks") + "/")),
    ("SQLAlchemy", lambda f, n: "/sqlalchemy/" in f),
    ("DB driver (aiosqlite, sqlite3, asyncpg)",
     lambda f, n: any(s in f for s in ("/aiosqlite/", "/sqlite3/", "/asyncpg/")) or "sqlite3" in n
     or "asyncpg" in n),
    ("python-telegram-bot", lambda f, n: "/telegram/" in f),
    ("httpx, httpcore, h11, anyio", lambda f, n: any(s in f for s in ("/httpx/", "/httpcore/", "/h11/", "/anyio/"))),
    ("rapidfuzz, fsrs, pydantic, yaml", lambda f, n: any(s in f for s in ("/rapidfuzz/", "/fsrs/", "/pydantic"))),
    ("asyncio, selectors, threads", lambda f, n: any(s in f for s in ("/asyncio/", "selectors.py", "threading.py",
                                                                       "/concurrent/"))
     or "select.epoll" in n or "_thread" in n or "_asyncio" in n or "_overlapped" in n),
    ("json", lambda f, n: "/json/" in f or "_json" in n),
)


def categorize(filename: str, name: str) -> str:
    for label, test in CATEGORIES:
        if test(filename, name):
            return label
    return "other stdlib and C builtins"  # C builtins are then charged to their callers


IDLE = "waiting for I/O in epoll (the fake's answer, the aiosqlite thread)"


def _rows(profiler: cProfile.Profile) -> dict[Any, Any]:
    return pstats.Stats(profiler).stats  # type: ignore[attr-defined,no-any-return]


def print_shares(profiler: cProfile.Profile, updates: int, what: str) -> None:
    """Own time per package; the main thread's wait in epoll is shown apart (it is not CPU)."""
    shares: dict[str, float] = defaultdict(float)
    for (filename, _line, name), (_cc, _nc, tottime, _ct, callers) in _rows(profiler).items():
        if "select.epoll" in name:
            shares[IDLE] += tottime
            continue
        label = categorize(filename, name)
        if filename == "~" and label == "other stdlib and C builtins" and callers:
            # a C builtin (dict.get, isinstance, str methods...) counts for the packages that call it
            weights = {caller: value[3] or 1e-9 for caller, value in callers.items()}
            whole = sum(weights.values())
            for (c_file, _c_line, c_name), weight in weights.items():
                shares[categorize(c_file, c_name)] += tottime * weight / whole
            continue
        shares[label] += tottime
    idle = shares.pop(IDLE, 0.0)
    busy = sum(shares.values())
    print(f"\nWhere {what} spends its main-thread time (cProfile, own time per package; "
          f"{busy / updates * 1000:.1f} ms busy + {idle / updates * 1000:.1f} ms {IDLE} per update, "
          "under the profiler):")
    for label, seconds in sorted(shares.items(), key=lambda kv: -kv[1]):
        if seconds / busy >= 0.002:
            print(f"  {label:<42}{seconds / busy:7.1%}")


def print_hotspots(profiler: cProfile.Profile, updates: int, top: int) -> None:
    raw = _rows(profiler)
    own = (str(ROOT / "bot") + "/", str(ROOT / "adapters") + "/")
    ours = [(key, value) for key, value in raw.items() if key[0].startswith(own)]

    def where(key: tuple[str, int, str]) -> str:
        return f"{key[0].removeprefix(str(ROOT) + '/')}:{key[1]} {key[2]}"

    print(f"\nTop {top} functions of Jalur's own code by own time (cProfile; ms per update; calls count each "
          "resumption of a coroutine):")
    for key, (_cc, nc, tt, _ct, _callers) in sorted(ours, key=lambda kv: -kv[1][2])[:top]:
        print(f"  {tt / updates * 1000:7.2f}  {nc / updates:6.1f} calls  {where(key)}")
    print(f"\nTop {top} functions overall by own time, the epoll wait left out (ms per update):")
    busy = [(k, v) for k, v in raw.items() if "select.epoll" not in k[2]]
    for key, (_cc, nc, tt, _ct, _callers) in sorted(busy, key=lambda kv: -kv[1][2])[:top]:
        print(f"  {tt / updates * 1000:7.2f}  {nc / updates:6.1f} calls  {where(key)}")


# --- main -------------------------------------------------------------------------------

async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds of 8 learners")
    parser.add_argument("--rounds", type=int, default=None, help="measured rounds per bot (default 9)")
    parser.add_argument("--learners", type=int, default=None, help="learners per round (default 25)")
    parser.add_argument("--rate", type=float, default=1000.0,
                        help="JALUR_TELEGRAM_RATE for both bots' AIORateLimiter (default 1000, the maximum, so "
                             "pacing does not hide the cost; the fake enforces none)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="admin URL for --backend postgresql")
    parser.add_argument("--top", type=int, default=15, help="hotspots to list")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.quick else 9)
    learners = args.learners or (8 if args.quick else 25)

    backends = Backends(args.postgres if args.backend == "postgresql" else None)
    with fake_telegram_process() as port:
        settings = Settings(_env_file=None, database_url="sqlite+aiosqlite:///unused.db",
                            default_language="en", default_timezone="Asia/Jakarta",
                            telegram_token=SecretStr(TOKEN), telegram_api_url=f"http://127.0.0.1:{port}/bot",
                            telegram_rate=args.rate)
        db = await backends.new(args.backend, "cost")
        engine = Engine(db, load_knowledge(), settings)
        timer = HandleTimer(engine)
        adapter = TelegramAdapter(engine, settings)
        echo = echo_app(settings)
        await adapter.app.initialize()
        await echo.initialize()
        try:
            updates = Updates()
            jalur = JalurBench(adapter, timer, updates, HttpCounter(adapter.app), args.seed)
            echo_http = HttpCounter(echo)
            print(f"Per Telegram update, {rounds} rounds x {learners} learners x 4 updates "
                  f"({', '.join(STEPS)}), Jalur on {args.backend}, limiter {args.rate:.0f}/s:", flush=True)
            _, replay = await jalur.round(learners)  # warm-up
            await echo_round(echo, replay, updates, echo_http)
            jalur_rounds, echo_rounds = [], []
            for number in range(1, rounds + 1):
                echo_rounds.append(await echo_round(echo, replay, updates, echo_http))
                result, replay = await jalur.round(learners)
                jalur_rounds.append(result)
                print(f"  round {number}: echo {echo_rounds[-1].cpu_per_update * 1000:5.2f} ms CPU, "
                      f"jalur {result.cpu_per_update * 1000:5.2f} ms CPU per update", flush=True)

            profiler = cProfile.Profile()
            counter = StatementCounter(db)
            profiled, _ = await jalur.round(learners, profiler=profiler, counter=counter)
            counter.close()
            engine_profiler = cProfile.Profile()
            await jalur.round(learners, engine_profiler=engine_profiler)
            tracer = Tracer()
            tracer.install()
            try:
                traced, _ = await jalur.round(learners, tracer=tracer)
            finally:
                tracer.uninstall()
        finally:
            await echo.shutdown()
            await adapter.app.shutdown()
            await backends.drop(db)
            await backends.close()

    n_updates = len(jalur_rounds[0].cpu)
    echo_cpu = median([r.cpu_per_update for r in echo_rounds])
    jalur_cpu = median([r.cpu_per_update for r in jalur_rounds])
    echo_wall = median([r.wall_per_update for r in echo_rounds])
    jalur_wall = median([r.wall_per_update for r in jalur_rounds])
    engine_cpu = median([r.engine_cpu / len(r.cpu) for r in jalur_rounds])
    print(f"\nMedians over {rounds} rounds ({n_updates} updates each), per update:")
    print(f"  {'':<24}{'CPU ms':>9}{'wall ms':>9}{'HTTP calls':>12}")
    print(f"  {'echo bot':<24}{echo_cpu * 1000:>9.2f}{echo_wall * 1000:>9.2f}"
          f"{echo_rounds[-1].http / n_updates:>12.2f}")
    print(f"  {'Jalur':<24}{jalur_cpu * 1000:>9.2f}{jalur_wall * 1000:>9.2f}"
          f"{jalur_rounds[-1].http / n_updates:>12.2f}")
    print(f"  {'  in Engine.handle':<24}{engine_cpu * 1000:>9.2f}")
    print(f"  {'  platform (the rest)':<24}{(jalur_cpu - engine_cpu) * 1000:>9.2f}")
    ratio = jalur_cpu / echo_cpu
    print(f"  ratio Jalur/echo: CPU {ratio:.2f}, wall {jalur_wall / echo_wall:.2f} "
          f"(target CPU <= {TARGET_RATIO}: {verdict(ratio <= TARGET_RATIO)})")
    print(f"  platform part alone / echo: {(jalur_cpu - engine_cpu) / echo_cpu:.2f}")
    for label, rs in (("echo", echo_rounds), ("Jalur", jalur_rounds)):
        main = median([sum(r.main_thread) / len(r.cpu) for r in rs])
        whole = median([r.cpu_per_update for r in rs])
        print(f"  {label}: main thread {main * 1000:.2f} ms, other threads (aiosqlite's worker) "
              f"{max(0.0, whole - main) * 1000:.2f} ms per update")

    print("\nPer kind of update (median CPU ms over all measured updates; SQL statements in the profiled round):")
    print(f"  {'update':<8}{'echo':>8}{'Jalur':>8}{'ratio':>8}{'SQL':>6}")
    for name in STEPS:
        e = median([c for r in echo_rounds for c in r.by_step[name]])
        j = median([c for r in jalur_rounds for c in r.by_step[name]])
        sql = median(profiled.statements.get(name, []))
        print(f"  {name:<8}{e * 1000:>8.2f}{j * 1000:>8.2f}{j / e:>8.2f}{sql:>6.0f}")
    print_shares(profiler, len(profiled.cpu), "one profiled Jalur round (whole updates)")
    print_shares(engine_profiler, len(profiled.cpu), "another round, inside Engine.handle only")
    tracer.print(len(traced.cpu), args.top)
    print_hotspots(profiler, len(profiled.cpu), args.top)


if __name__ == "__main__":
    asyncio.run(main())
