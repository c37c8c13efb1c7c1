"""Push delivery: the cost of finding what is due, and the send pipeline's pace.

Usage:  python benchmarks/pushes.py [--postgres URL] [--rate 200] [--pushes 2000] [--profile]
        [--skip-claim] [--skip-send] [--skip-paid] [--skip-crash]

1. *Find and claim.* Databases with 10,000 and 100,000 onboarded learners
   spread over 12 timezones, of whom the same 1,000 have their daily quiz
   due in the measured minute (the rest later that day). The time to find
   and claim that minute's pushes (the scheduler's claim step, 200 a
   transaction, as ``jalur run`` does it) on SQLite and PostgreSQL. The
   ratio 100k/10k shows whether the cost follows what is due (about 1) or
   the number of learners (about 10).
2. *Send pipeline.* A full pass (claim, compose each daily quiz, send, record)
   of ``--pushes`` realistic learners (skills, review cards with answers, a
   week of streak days and of sent quizzes) through the real Telegram adapter
   to the fake Bot API in its own process, which answers 429 beyond
   ``--rate`` messages in any sliding second (1,000 for paid broadcasts) and
   counts the most that arrived in one; Jalur is set to the same rate. Prints
   the achieved rate as a fraction of the limit (target 95% or more), the most
   messages in any second (at most the limit), the 429s (target 0) and the
   process's CPU time per push (target 1 ms), at 30 and 200 a second and in
   the paid lane at 1,000. Then what the machine charges for waking up, in the
   same run: how often the pass's threads slept and woke per push, and the CPU
   of one wake-up of an idle event loop that sleeps as long between wake-ups
   and does nothing (on a shared VM far more than on bare metal); their
   product is the least part of a push's CPU that is waking up, not work.
3. *Crash window.* ``jalur pushes tick`` killed with SIGKILL half-way through
   a pass, then a tick after the lease: learners who got the quiz twice
   (target: at most ``--concurrency``) and not at all (target 0).

The PostgreSQL half needs a server (default: the local one, database test);
each run creates and drops its own databases.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import delete, insert, text, update
from sqlalchemy.ext.asyncio import AsyncSession

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from _common import Backends, fake_telegram_process  # noqa: E402

from adapters.telegram.bot import telegram_sender  # noqa: E402
from bot.content.loader import KnowledgeBase, load_knowledge  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.outbound import Senders  # noqa: E402
from bot.pushes.delivery import PushRunner, claim_batch, freeze_heap  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.repository import Repository  # noqa: E402
from bot.storage.tables import (  # noqa: E402
    Identity,
    Learner,
    PushDelivery,
    PushSchedule,
    QuizAnswer,
    ReviewCard,
    SkillProgress,
    StreakDay,
)

ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Singapore", "Asia/Kolkata", "Asia/Tokyo",
         "Europe/Berlin", "Europe/London", "America/New_York", "America/Sao_Paulo", "Australia/Sydney", "UTC")
MINUTE = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # the measured minute: 19:00 in Jakarta
DUE_IN_MINUTE = 1000
BATCH = 200
REPEATS = 3
CHUNK = 5000
LEASE_RUN_OUT = timedelta(minutes=6)  # a second tick this much later takes over what the killed one claimed
CARDS = 20  # review cards (each with an answer) per realistic learner


async def populate(db: Database, learners: int, due: int, *, seed: int = 7, history: bool = False) -> list[str]:
    """``learners`` onboarded Telegram learners; ``due`` of them due at MINUTE, the rest later that day.

    With ``history`` each learner is a realistic one a few weeks in: phase 1 skills done or in
    progress, CARDS review cards (some due) with an answer each, a week of streak days and a
    week of daily quizzes in the delivery ledger.
    """
    rng = random.Random(seed)
    now = MINUTE - timedelta(days=1)
    due_subjects = []
    kb = load_knowledge() if history else None
    async with db.transaction() as session:
        for start in range(1, learners + 1, CHUNK):
            ids = range(start, min(start + CHUNK, learners + 1))
            await session.execute(insert(Learner), [
                {"id": i, "language": "en" if i % 3 else "id", "track": "go", "timezone": rng.choice(ZONES),
                 "onboarding_step": None, "plan_start": date(2026, 2, 1), "quiz_minute": rng.randrange(0, 1440),
                 "streak_current": 7, "streak_longest": 9, "streak_last_day": date(2026, 3, 1),
                 "created_at": now, "updated_at": now} for i in ids])
            await session.execute(insert(Identity), [
                {"platform": "telegram", "external_id": str(100000 + i), "learner_id": i, "created_at": now}
                for i in ids])
            rows = []
            for i in ids:
                soon = i <= due
                at = MINUTE - timedelta(seconds=rng.randrange(0, 59)) if soon else \
                    MINUTE + timedelta(minutes=rng.randrange(1, 24 * 60))
                rows.append({"kind": "daily_quiz", "subject": str(i), "due_at": at, "period": "2026-03-02"})
                if soon:
                    due_subjects.append(str(i))
            await session.execute(insert(PushSchedule), rows)
            if kb is not None:
                await _history(session, kb, ids, rng)
        if db.url.get_backend_name() == "postgresql":
            await session.execute(text("SELECT setval('learners_id_seq', :n)"), {"n": learners})
            await session.execute(text("SELECT setval('push_deliveries_id_seq', (SELECT max(id) FROM "
                                       "push_deliveries))"))
    if db.url.get_backend_name() == "postgresql":
        await db.autocommit("ANALYZE")
    return due_subjects


async def _history(session: AsyncSession, kb: KnowledgeBase, ids: range, rng: random.Random) -> None:
    """Skills, cards, answers, streak days and a week of sent daily quizzes for ``ids``."""
    phase1 = [s.id for s in kb.skills_in_phase(1)]
    by_skill: dict[str, list[str]] = {}
    for question in kb.questions.values():
        by_skill.setdefault(question.skill, []).append(question.id)
    skills, cards, answers, days, ledger = [], [], [], [], []
    for i in ids:
        done = phase1[:rng.randrange(3, len(phase1))]
        skills += [{"learner_id": i, "skill_id": s, "status": "done", "source": "learner", "updated_at": MINUTE}
                   for s in done]
        asked = [q for s in done for q in by_skill.get(s, [])]
        for n, question in enumerate(rng.sample(asked, min(CARDS, len(asked)))):
            when = MINUTE - timedelta(days=rng.randrange(1, 21), minutes=n)
            cards.append({"learner_id": i, "question_id": question, "skill_id": kb.questions[question].skill,
                          "state": 2, "step": None, "stability": rng.uniform(1, 20), "difficulty": rng.uniform(3, 8),
                          "due": MINUTE + timedelta(days=rng.randrange(-3, 10)), "last_review": when,
                          "reviews": rng.randrange(1, 4)})
            answers.append({"learner_id": i, "question_id": question, "skill_id": kb.questions[question].skill,
                            "asked_at": when, "answered_at": when + timedelta(minutes=2), "verdict": "correct",
                            "score": 1.0, "rating": 3, "self_rated": False})
        days += [{"learner_id": i, "day": date(2026, 3, 1) - timedelta(days=d), "kind": "active"} for d in range(7)]
        ledger += [{"kind": "daily_quiz", "subject": str(i), "period": (date(2026, 3, 1) - timedelta(days=d)).isoformat(),
                    "due_at": MINUTE - timedelta(days=d + 1), "status": "sent", "attempts": 1, "platform": "telegram",
                    "claimed_at": MINUTE - timedelta(days=d + 1), "finished_at": MINUTE - timedelta(days=d + 1)}
                   for d in range(7)]
    for table, rows in ((SkillProgress, skills), (ReviewCard, cards), (QuizAnswer, answers), (StreakDay, days),
                        (PushDelivery, ledger)):
        for start in range(0, len(rows), 2000):
            await session.execute(insert(table), rows[start:start + 2000])


async def reset(db: Database, subjects: list[str]) -> None:
    """Make the measured minute's pushes due again and forget their ledger rows."""
    async with db.transaction() as session:
        await session.execute(delete(PushDelivery).where(PushDelivery.period == "2026-03-02"))
        await session.execute(update(PushSchedule).where(PushSchedule.subject.in_(subjects))
                              .values(due_at=MINUTE - timedelta(seconds=30), period="2026-03-02"))


async def claim_minute(db: Database) -> int:
    """The scheduler's claim step for MINUTE, batch after batch; the number of pushes claimed."""
    claimed = 0
    while True:
        async with db.transaction() as session:
            claim = await claim_batch(Repository(session), MINUTE, BATCH)
        claimed += len(claim.deliveries)
        if claim.seen < BATCH:
            return claimed


async def bench_claim(backends: Backends, backend: str) -> None:
    results = {}
    for learners in (10_000, 100_000):
        db = await backends.new(backend, f"claim{learners}")
        try:
            started = time.perf_counter()
            subjects = await populate(db, learners, DUE_IN_MINUTE)
            setup = time.perf_counter() - started
            times = []
            for _ in range(REPEATS):
                await reset(db, subjects)
                started = time.perf_counter()
                claimed = await claim_minute(db)
                times.append(time.perf_counter() - started)
                assert claimed == DUE_IN_MINUTE, claimed
            results[learners] = statistics.median(times)
            print(f"  {backend:<10} {learners:>7,} learners: claimed {DUE_IN_MINUTE} due pushes in "
                  f"{results[learners] * 1000:7.1f} ms (median of {REPEATS}; "
                  f"{results[learners] / DUE_IN_MINUTE * 1e6:5.0f} µs each; setup {setup:.0f} s)")
        finally:
            await db.close()
    ratio = results[100_000] / results[10_000]
    print(f"  {backend:<10} ratio 100k/10k: {ratio:.2f} (1.0 = cost follows what is due; 10 = follows learners)")


# --- send pipeline ---------------------------------------------------------------

def _call(port: int, method: str) -> dict[str, int]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/bot123456:TEST-token/{method}", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        result: dict[str, int] = json.loads(response.read())["result"]
        return result


def _settings(port: int, rate: float, *, paid: bool = False) -> Settings:
    from fake_telegram import TOKEN

    return Settings(_env_file=None, database_url="sqlite+aiosqlite:///unused.db", telegram_token=SecretStr(TOKEN),
                    telegram_api_url=f"http://127.0.0.1:{port}/bot", telegram_rate=rate,
                    telegram_paid_broadcast=paid)


def sleeps() -> int:
    """Times this process's threads went to sleep so far (voluntary context switches, all threads):
    each is one wake-up later. 0 where there is no ``/proc`` (not Linux)."""
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        return 0
    total = 0
    for task in tasks.iterdir():
        try:
            status = (task / "status").read_text()
        except OSError:  # a thread that ended meanwhile
            continue
        total += int(status.split("voluntary_ctxt_switches:")[1].split()[0])
    return total


async def wake_charge(interval: float, *, budget: float = 4.0) -> float:
    """CPU seconds this machine charges for one wake-up of an idle event loop that sleeps ``interval``
    seconds between wake-ups and does nothing else: measured in the same run, the least each of a
    pass's wake-ups costs whatever it does."""
    count = max(50, min(300, int(budget / max(interval, 1e-4))))
    cpu = time.process_time()
    for _ in range(count):
        await asyncio.sleep(interval)
    return (time.process_time() - cpu) / count


async def bench_send(backends: Backends, backend: str, rate: float, pushes: int, concurrency: int, *,
                     paid: bool = False, latency: float = 0.0, profile: bool = False) -> dict[str, float]:
    """One pass of ``pushes`` due daily quizzes for realistic learners against the enforcing fake."""
    db = await backends.new(backend, f"send{int(rate)}")
    try:
        await populate(db, pushes, pushes, history=True)
        limit = 1000.0 if paid else rate
        with fake_telegram_process(rate, delay=latency) as port:
            settings = _settings(port, rate, paid=paid)
            engine = Engine(db, load_knowledge(), settings)
            senders = Senders()
            async with telegram_sender(engine, settings) as telegram:
                senders.add("telegram", telegram)
                profiler = cProfile.Profile() if profile else None
                freeze_heap()  # as `jalur pushes tick` and `jalur run` do before their first pass
                slept = sleeps()
                cpu, started = time.process_time(), time.perf_counter()
                if profiler:
                    profiler.enable()
                report = await PushRunner(engine, senders, concurrency=concurrency).tick(MINUTE)
                if profiler:
                    profiler.disable()
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
                slept = sleeps() - slept
            stats = _call(port, "benchStats")
        charge = await wake_charge(elapsed / max(slept, 1))
        if profiler:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(45)
        sent = report.count("sent")
        figures = {"sent": sent, "messages": stats["accepted"], "elapsed": elapsed,
                   "throughput": stats["accepted"] / elapsed / limit,
                   "peak": stats["paid_peak" if paid else "peak"], "too_many": stats["too_many"],
                   "cpu_ms": cpu / max(sent, 1) * 1000, "wakes": slept / max(sent, 1), "wake_ms": charge * 1000}
        lane = "paid lane" if paid else "limit"
        print(f"  {backend:<10} {lane} {limit:6.0f}/s: {sent}/{pushes} daily quizzes ({stats['accepted']} messages) "
              f"in {elapsed:5.1f} s = {figures['throughput']:6.1%} of the limit; most in any 1 s: "
              f"{figures['peak']:.0f}; 429s: {stats['too_many']}; CPU {figures['cpu_ms']:.2f} ms/push")
        if slept:
            print(f"  {'':<10} the machine, same run: the pass slept and woke {figures['wakes']:.1f} times a push, and an "
                  f"idle event loop woken as often costs {figures['wake_ms']:.3f} ms a wake-up: at least "
                  f"{figures['wakes'] * figures['wake_ms']:.2f} ms of a push's CPU is waking up")
        return figures
    finally:
        await backends.drop(db)


async def bench_crash(backends: Backends, backend: str, rate: float, pushes: int, concurrency: int) -> dict[str, int]:
    """``jalur pushes tick`` killed with SIGKILL half-way through a pass, then a second tick: how many
    learners got the quiz twice, and how many not at all."""
    db = await backends.new(backend, "crash")
    try:
        await populate(db, pushes, pushes, history=True)
        url = db.url.render_as_string(hide_password=False)
        with fake_telegram_process(rate) as port:
            env = {k: v for k, v in os.environ.items() if not k.startswith("JALUR_")}
            env.update({"JALUR_DATABASE_URL": url, "JALUR_TELEGRAM_TOKEN": _settings(port, rate).telegram_token
                        .get_secret_value(),  # type: ignore[union-attr]
                        "JALUR_TELEGRAM_API_URL": f"http://127.0.0.1:{port}/bot", "JALUR_TELEGRAM_RATE": str(rate),
                        "JALUR_PUSH_CONCURRENCY": str(concurrency), "JALUR_METRICS_PORT": "0",
                        "JALUR_TELEGRAM_QUIZ_POLLS": "false"})  # one message per push, so a repeat is a duplicate
            command = [sys.executable, "-m", "adapters", "pushes", "tick", "--now", MINUTE.isoformat()]
            first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while _call(port, "benchStats")["chats"] < pushes // 2 and first.poll() is None:
                time.sleep(0.01)
            first.send_signal(signal.SIGKILL)
            first.wait()
            at_kill = _call(port, "benchStats")["chats"]
            later = (MINUTE + LEASE_RUN_OUT).isoformat()
            second = subprocess.run([*command[:-1], later], env=env, capture_output=True, text=True, check=False)
            assert second.returncode == 0, second.stderr
            chats = _call(port, "benchChats")
        duplicates = sum(n - 1 for n in chats.values() if n > 1)
        missing = pushes - len(chats)
        print(f"  {backend:<10} kill -9 after {at_kill} of {pushes} learners got their quiz (concurrency "
              f"{concurrency}), then a tick after the lease: {duplicates} got it twice, {missing} not at all")
        return {"duplicates": duplicates, "missing": missing}
    finally:
        await backends.drop(db)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test",
                        help="admin URL of a PostgreSQL server ('' to skip PostgreSQL)")
    parser.add_argument("--rate", type=float, action="append", default=None,
                        help="enforced platform rate(s) for the send pipeline (default: 30 and 200)")
    parser.add_argument("--pushes", type=int, default=2000, help="due daily quizzes in each send run")
    parser.add_argument("--concurrency", type=int, default=Settings(_env_file=None).push_concurrency,
                        help="pushes in flight at once (JALUR_PUSH_CONCURRENCY)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds the fake takes to answer a message")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append", default=None)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each send run")
    for part in ("claim", "send", "paid", "crash"):
        parser.add_argument(f"--skip-{part}", action="store_true")
    args = parser.parse_args()
    backends_list = args.backend or ["sqlite"] + (["postgresql"] if args.postgres else [])
    backends = Backends(args.postgres or None)
    try:
        if not args.skip_claim:
            print(f"Find and claim one minute's due pushes ({DUE_IN_MINUTE} due, batches of {BATCH}):")
            for backend in backends_list:
                await bench_claim(backends, backend)
        if not args.skip_send:
            print(f"Send pipeline (claim + compose + send + record), {args.pushes} realistic learners, against a "
                  "fake Bot API that answers 429 beyond the limit in any sliding second:")
            for backend in backends_list:
                for rate in args.rate or [30.0, 200.0]:
                    await bench_send(backends, backend, rate, args.pushes, args.concurrency, latency=args.latency,
                                     profile=args.profile)
                if not args.skip_paid:
                    await bench_send(backends, backend, 30.0, args.pushes, max(args.concurrency, 64), paid=True,
                                     latency=args.latency, profile=args.profile)
        if not args.skip_crash:
            print("Crash window (kill -9 of `jalur pushes tick` half-way, then a second tick):")
            for backend in backends_list:
                await bench_crash(backends, backend, 200.0, args.pushes, args.concurrency)
    finally:
        await backends.close()


if __name__ == "__main__":
    asyncio.run(main())
