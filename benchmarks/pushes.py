"""Push delivery: the cost of finding what is due, and the send pipeline's pace.

Usage:  python benchmarks/pushes.py [--postgres URL] [--rate 1000] [--skip-claim] [--skip-send]

1. *Find and claim.* Databases with 10,000 and 100,000 onboarded learners
   spread over 12 timezones, of whom the same 1,000 have their daily quiz
   due in the measured minute (the rest later that day). The time to find
   and claim that minute's pushes (the scheduler's claim step, 200 a
   transaction, as ``jalur run`` does it) on SQLite and PostgreSQL. The
   ratio 100k/10k shows whether the cost follows what is due (about 1) or
   the number of learners (about 10).
2. *Send pipeline.* A full pass (claim, compose each daily quiz, send, record)
   through the real Telegram adapter to the fake Bot API in its own process,
   which enforces ``--rate`` messages a second (a token bucket with 100 ms of
   burst) and answers 429 above it; Jalur is set to the same rate. Prints the
   achieved rate as a fraction of the limit (target 95% or more) and the
   number of 429s (target 0).

The PostgreSQL half needs a server (default: the local one, database test);
each run creates and drops its own databases.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import delete, insert, text, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from _common import Backends, fake_telegram_process  # noqa: E402

from adapters.telegram.bot import telegram_sender  # noqa: E402
from bot.content.loader import load_knowledge  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.outbound import Senders  # noqa: E402
from bot.pushes.delivery import PushRunner, claim_batch  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.repository import Repository  # noqa: E402
from bot.storage.tables import Identity, Learner, PushDelivery, PushSchedule  # noqa: E402

ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Singapore", "Asia/Kolkata", "Asia/Tokyo",
         "Europe/Berlin", "Europe/London", "America/New_York", "America/Sao_Paulo", "Australia/Sydney", "UTC")
MINUTE = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # the measured minute: 19:00 in Jakarta
DUE_IN_MINUTE = 1000
BATCH = 200
REPEATS = 3
CHUNK = 5000


async def populate(db: Database, learners: int, due: int, *, seed: int = 7) -> list[str]:
    """``learners`` onboarded Telegram learners; ``due`` of them due at MINUTE, the rest later that day."""
    rng = random.Random(seed)
    now = MINUTE - timedelta(days=1)
    due_subjects = []
    async with db.transaction() as session:
        for start in range(1, learners + 1, CHUNK):
            ids = range(start, min(start + CHUNK, learners + 1))
            await session.execute(insert(Learner), [
                {"id": i, "language": "en" if i % 3 else "id", "track": "go", "timezone": rng.choice(ZONES),
                 "onboarding_step": None, "plan_start": date(2026, 2, 1), "quiz_minute": rng.randrange(0, 1440),
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
        if db.url.get_backend_name() == "postgresql":
            await session.execute(text("SELECT setval('learners_id_seq', :n)"), {"n": learners})
    if db.url.get_backend_name() == "postgresql":
        await db.autocommit("ANALYZE")
    return due_subjects


async def reset(db: Database, subjects: list[str]) -> None:
    """Make the measured minute's pushes due again and forget their ledger rows."""
    async with db.transaction() as session:
        await session.execute(delete(PushDelivery))
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

def _stats(port: int) -> dict[str, int]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/bot123456:TEST-token/benchStats", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["result"]


async def bench_send(backends: Backends, backend: str, rate: float, seconds: float, concurrency: int) -> None:
    from fake_telegram import TOKEN

    pushes = int(rate * seconds)
    db = await backends.new(backend, f"send{int(rate)}")
    try:
        with fake_telegram_process(rate) as port:
            await populate(db, pushes, pushes)
            settings = Settings(_env_file=None, database_url="sqlite+aiosqlite:///unused.db",
                                telegram_token=SecretStr(TOKEN), telegram_api_url=f"http://127.0.0.1:{port}/bot",
                                telegram_rate=rate)
            engine = Engine(db, load_knowledge(), settings)
            senders = Senders()
            async with telegram_sender(engine, settings) as telegram:
                senders.add("telegram", telegram)
                before = _stats(port)
                started = time.perf_counter()
                report = await PushRunner(engine, senders, concurrency=concurrency).tick(MINUTE)
                elapsed = time.perf_counter() - started
            after = _stats(port)
        sent = report.count("sent")
        achieved = sent / elapsed
        print(f"  {backend:<10} limit {rate:6.0f}/s: {sent}/{pushes} daily quizzes in {elapsed:5.1f} s = "
              f"{achieved:6.1f}/s = {achieved / rate:6.1%} of the limit; "
              f"429s: {after['too_many'] - before['too_many']}")
    finally:
        await db.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test",
                        help="admin URL of a PostgreSQL server ('' to skip PostgreSQL)")
    parser.add_argument("--rate", type=float, action="append", default=None,
                        help="enforced platform rate(s) for the send pipeline (default: 30 and 1000)")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each send run at full rate")
    parser.add_argument("--concurrency", type=int, default=Settings(_env_file=None).push_concurrency,
                        help="pushes in flight at once (JALUR_PUSH_CONCURRENCY)")
    parser.add_argument("--skip-claim", action="store_true")
    parser.add_argument("--skip-send", action="store_true")
    args = parser.parse_args()
    backends_list = ["sqlite"] + (["postgresql"] if args.postgres else [])
    backends = Backends(args.postgres or None)
    try:
        if not args.skip_claim:
            print(f"Find and claim one minute's due pushes ({DUE_IN_MINUTE} due, batches of {BATCH}):")
            for backend in backends_list:
                await bench_claim(backends, backend)
        if not args.skip_send:
            print("Send pipeline (claim + compose + send + record) against a rate-limited fake Bot API:")
            for backend in backends_list:
                for rate in args.rate or [30.0, 1000.0]:
                    await bench_send(backends, backend, rate, args.seconds, args.concurrency)
    finally:
        await backends.close()


if __name__ == "__main__":
    asyncio.run(main())
