"""The engine alone, no platform: throughput and latency of ``Engine.handle``.

Usage:  python benchmarks/engine_load.py [--quick] [--learners 64] [--rounds 5]
                                         [--concurrency 1 --concurrency 16] [--postgres URL | --postgres '']

Each learner is onboarded first (``/start``, ``/lang en``, ``/track go``,
``/level 0``, ``/tz Asia/Jakarta``; not measured), then talks ``--rounds``
rounds of the conversation the Telegram benchmark uses: the text ``/next``,
the "Done" button's payload (``/done SKILL``), the text ``/quiz``, and an
answer button (a random choice option or "I don't know", ``/answer ID ?``).
Five rounds close phase 1's five core skills; after that ``/next`` shows the
phase's project checklist instead of a skill, so more rounds would change the
mix (a typed ``/done`` is sent then, and counted as a fallback).
Every message is ``await engine.handle(Incoming(...), now=datetime.now(UTC))``
on a migrated database, exactly as an adapter calls it.

With concurrency C, C learners talk at once (one message at a time each, as
the adapters serialize a learner's messages); when a learner has finished its
rounds the next one takes its place. Printed per backend (SQLite file,
PostgreSQL) and concurrency: messages a second (wall clock), p50 and p99
latency of one ``handle``, CPU of this process per message, and errors (the
apology reply). With concurrency 1 it also counts the SQL statements each
kind of message runs (a SQLAlchemy ``before_cursor_execute`` listener) and
prints the p50 latency per kind.

The PostgreSQL half needs a server (default: the local one, database test);
each run creates and drops its own databases.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from _common import (
    DEFAULT_POSTGRES,
    ONBOARDING,
    STEPS,
    Backends,
    StatementCounter,
    answer_payload,
    button,
    median,
    percentile,
    postgres_reachable,
)

from bot.content.loader import KnowledgeBase, load_knowledge
from bot.conversation import Incoming, Reply
from bot.engine import Engine
from bot.settings import Settings

PLATFORM = "bench"


@dataclass
class Run:
    """What one configuration measured."""

    backend: str
    concurrency: int
    messages: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    errors: int = 0
    fallbacks: int = 0
    latencies: list[float] = field(default_factory=list)
    by_step: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statements: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


class Talker:
    """Sends one learner's messages through the engine and records each one's latency."""

    def __init__(self, engine: Engine, run: Run, counter: StatementCounter | None) -> None:
        self.engine = engine
        self.run = run
        self.counter = counter
        self.apology = engine.texts("en", "error.internal")

    async def send(self, user: int, step: str, *, text: str = "", payload: str | None = None,
                   measured: bool = True) -> list[Reply]:
        incoming = Incoming(platform=PLATFORM, user_id=str(user), chat_id=str(user), text=text, payload=payload,
                            language_hint="en")
        before = self.counter.count if self.counter else 0
        started = time.perf_counter()
        replies = await self.engine.handle(incoming, now=datetime.now(UTC))
        elapsed = time.perf_counter() - started
        if self.counter is not None:
            self.run.statements[step].append(self.counter.count - before)
        if any(r.text == self.apology for r in replies):
            self.run.errors += 1
        if measured:
            self.run.messages += 1
            self.run.latencies.append(elapsed)
            self.run.by_step[step].append(elapsed)
        return replies

    async def onboard(self, user: int) -> None:
        await self.send(user, "start", text="/start", measured=False)
        for payload in ONBOARDING:
            await self.send(user, payload.split()[0][1:], payload=payload, measured=False)

    async def talk(self, user: int, rounds: int, rng: random.Random) -> None:
        for _ in range(rounds):
            replies = await self.send(user, "next", text="/next")
            # a review suggestion or the end of the plan has no Done button: /done closes the current skill
            done = button(replies, "/done ")
            if done is None:
                self.run.fallbacks += 1
            await self.send(user, "done", payload=done) if done else await self.send(user, "done", text="/done")
            replies = await self.send(user, "quiz", text="/quiz")
            answer = answer_payload(replies, rng)
            if answer is not None:
                await self.send(user, "answer", payload=answer)


async def measure(backends: Backends, kb: KnowledgeBase, settings: Settings, backend: str, concurrency: int,
                  learners: int, rounds: int, seed: int) -> Run:
    db = await backends.new(backend, f"load{concurrency}")
    run = Run(backend, concurrency)
    counter = StatementCounter(db) if concurrency == 1 else None
    rng = random.Random(seed)
    try:
        engine = Engine(db, kb, settings)
        talker = Talker(engine, run, counter)
        users = list(range(1, learners + 1))
        gate = asyncio.Semaphore(concurrency)

        async def onboard(user: int) -> None:
            async with gate:
                await talker.onboard(user)

        await asyncio.gather(*(onboard(u) for u in users))
        queue: asyncio.Queue[int] = asyncio.Queue()
        for user in users:
            queue.put_nowait(user)

        async def worker() -> None:
            while not queue.empty():
                await talker.talk(queue.get_nowait(), rounds, rng)

        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        run.wall, run.cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        if counter is not None:
            counter.close()
        await backends.drop(db)
    return run


def print_table(runs: list[Run]) -> None:
    print()
    print(f"{'backend':<11}{'learners':>9}{'msgs':>7}{'msg/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms/msg':>12}"
          f"{'errors':>8}{'no Done':>9}")
    for r in runs:
        print(f"{r.backend:<11}{r.concurrency:>9}{r.messages:>7}{r.messages / r.wall:>9.1f}"
              f"{percentile(r.latencies, 50) * 1000:>9.1f}{percentile(r.latencies, 99) * 1000:>9.1f}"
              f"{r.cpu / r.messages * 1000:>12.2f}{r.errors:>8}{r.fallbacks:>9}")
    print("(learners = learners talking at once; CPU = this process, all threads, per message; errors = "
          "apology replies; no Done = /next showed no Done button, a typed /done was sent)")
    for r in runs:
        if r.concurrency != 1:
            continue
        print(f"\n{r.backend}, one learner at a time: per kind of message")
        print(f"  {'message':<14}{'p50 ms':>9}{'p99 ms':>9}{'SQL statements (median, max)':>31}")
        kinds = [k for k in ("start", *(p.split()[0][1:] for p in ONBOARDING)) if k in r.statements]
        for kind in (*STEPS, *kinds):
            times = r.by_step.get(kind, [])
            counts = r.statements.get(kind, [])
            p50 = f"{percentile(times, 50) * 1000:9.1f}" if times else f"{'-':>9}"
            p99 = f"{percentile(times, 99) * 1000:9.1f}" if times else f"{'-':>9}"
            label = kind if kind in STEPS else f"{kind} (onb.)"
            print(f"  {label:<14}{p50}{p99}{median(counts):>20.0f}, {max(counts) if counts else 0:>3}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES,
                        help="admin URL of a PostgreSQL server ('' to skip PostgreSQL)")
    parser.add_argument("--learners", type=int, default=None, help="learners per configuration (default 64)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="conversation rounds per learner (default 5: phase 1's core skills)")
    parser.add_argument("--concurrency", type=int, action="append", default=None,
                        help="learners talking at once (repeatable; default 1 and 16)")
    parser.add_argument("--quick", action="store_true", help="small sizes: 16 learners x 3 rounds")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    learners = args.learners or (16 if args.quick else 64)
    rounds = 3 if args.quick and args.rounds == 5 else args.rounds
    concurrencies = args.concurrency or [1, 16]

    kb = load_knowledge()
    settings = Settings(_env_file=None, database_url="sqlite+aiosqlite:///unused.db",
                        default_language="en", default_timezone="Asia/Jakarta")
    backend_list = ["sqlite"] + (["postgresql"] if await postgres_reachable(args.postgres) else [])
    backends = Backends(args.postgres or None)
    print(f"Engine.handle alone: {learners} learners x {rounds} rounds x 4 messages per configuration "
          f"({', '.join(STEPS)})")
    runs = []
    try:
        for backend in backend_list:
            for concurrency in concurrencies:
                run = await measure(backends, kb, settings, backend, concurrency, learners, rounds, args.seed)
                print(f"  {backend:<10} {concurrency:>2} at once: {run.messages} messages in {run.wall:5.1f} s",
                      flush=True)
                runs.append(run)
    finally:
        await backends.close()
    print_table(runs)


if __name__ == "__main__":
    asyncio.run(main())
