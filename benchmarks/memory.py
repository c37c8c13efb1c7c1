"""Resident memory of the real ``jalur run`` with 1,000 and with 100,000 learners in the database.

Usage:  python benchmarks/memory.py [--quick] [--learners 1000 --learners 100000] [--due 100]
                                    [--talkers 10] [--postgres URL | --postgres '']

For each backend (a SQLite file, and PostgreSQL when reachable) and each size,
a migrated database gets that many onboarded Telegram learners in bulk (SQL
inserts as in ``pushes.py``), each with a daily quiz and a weekly nudge in the
push schedule, spread over the next day and 12 timezones. Then
``.venv/bin/jalur run`` starts as a subprocess (``HOME`` a temporary
directory, ``JALUR_PUSH_INTERVAL=5``, the default rate of 30 messages a
second), polling a fake Telegram Bot API (``tests/fake_telegram.py``) that
this script serves in its own asyncio loop, so the measured process is
``jalur run`` alone. Its VmRSS and VmHWM (peak) come from
``/proc/PID/status`` at three moments:

1. *start-up*: polling has started and the first push pass (nothing due) is over;
2. *after pushes*: ``--due`` daily quizzes were made due (an UPDATE of the
   schedule) and a push pass delivered them all to the fake;
3. *after updates*: ``--talkers`` existing learners each sent ``/next``,
   pressed "Done", sent ``/quiz`` and pressed an answer button, and
   ``--talkers / 2`` new users went through onboarding.

Targets: flat (the 100k/1k ratio of each column near 1; "flat" is printed for
1.10 or less) and under 150 MB. The PostgreSQL databases are created and
dropped by the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _common import ONBOARDING, ROOT, Backends, postgres_reachable, verdict
from fake_telegram import TOKEN, Call, FakeTelegram
from sqlalchemy import insert, text, update

from bot.storage.database import Database
from bot.storage.tables import Identity, Learner, PushSchedule

ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Singapore", "Asia/Kolkata", "Asia/Tokyo",
         "Europe/Berlin", "Europe/London", "America/New_York", "America/Sao_Paulo", "Australia/Sydney", "UTC")
CHUNK = 5000
EXTERNAL = 100_000  # learner i is Telegram user EXTERNAL + i
JALUR = ROOT / ".venv" / "bin" / "jalur"
TARGET_MB = 150.0
FLAT = 1.10
PHASES = ("start-up", "after pushes", "after updates")


# --- the database --------------------------------------------------------------------

async def populate(db: Database, learners: int, now: datetime, *, seed: int = 7) -> None:
    """``learners`` onboarded Telegram learners with a daily quiz and a weekly nudge, all due later."""
    rng = random.Random(seed)
    created = now - timedelta(days=30)
    async with db.transaction() as session:
        for start in range(1, learners + 1, CHUNK):
            ids = range(start, min(start + CHUNK, learners + 1))
            await session.execute(insert(Learner), [
                {"id": i, "language": "en" if i % 3 else "id", "track": "go", "timezone": rng.choice(ZONES),
                 "onboarding_step": None, "plan_start": date(2026, 1, 5), "quiz_minute": rng.randrange(0, 1440),
                 "created_at": created, "updated_at": created} for i in ids])
            await session.execute(insert(Identity), [
                {"platform": "telegram", "external_id": str(EXTERNAL + i), "learner_id": i, "created_at": created}
                for i in ids])
            rows = []
            for i in ids:
                at = now + timedelta(minutes=rng.randrange(60, 24 * 60))
                rows.append({"kind": "daily_quiz", "subject": str(i), "due_at": at,
                             "period": at.astimezone(ZoneInfo("Asia/Jakarta")).date().isoformat()})
                nudge = now + timedelta(minutes=rng.randrange(60, 7 * 24 * 60))
                rows.append({"kind": "weekly_nudge", "subject": str(i), "due_at": nudge,
                             "period": f"{nudge.isocalendar().year}-W{nudge.isocalendar().week:02d}"})
            await session.execute(insert(PushSchedule), rows)
        if not db.is_sqlite:
            await session.execute(text("SELECT setval('learners_id_seq', :n)"), {"n": learners})
    if not db.is_sqlite:
        await db.autocommit("ANALYZE")


async def make_due(db: Database, subjects: list[int]) -> datetime:
    """Make these learners' daily quizzes due now (as if their quiz time had come)."""
    now = datetime.now(UTC)
    async with db.transaction() as session:
        await session.execute(update(PushSchedule)
                              .where(PushSchedule.kind == "daily_quiz",
                                     PushSchedule.subject.in_([str(s) for s in subjects]))
                              .values(due_at=now - timedelta(seconds=1)))
    return now


# --- the process ---------------------------------------------------------------------

def memory_of(pid: int) -> tuple[float, float]:
    """VmRSS and VmHWM of ``pid`` in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


@dataclass
class Result:
    backend: str
    learners: int
    rss: dict[str, float] = field(default_factory=dict)
    hwm: float = 0.0
    pushes: int = 0
    updates: int = 0
    answered: int = 0
    startup_s: float = 0.0
    push_s: float = 0.0
    problems: list[str] = field(default_factory=list)


class Driver:
    """Plays learners against the fake and waits for Jalur's answers."""

    def __init__(self, fake: FakeTelegram, timeout: float) -> None:
        self.fake = fake
        self.timeout = timeout
        self.updates = 0

    async def until(self, predicate: Callable[[], Any], timeout: float | None = None) -> Any:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            found = predicate()
            if found:
                return found
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(0.02)

    def _calls_to(self, chat: int, since: int) -> list[Call]:
        return [c for c in self.fake.calls[since:] if c.method in {"sendMessage", "editMessageText"}
                and int(c.params["chat_id"]) == chat]

    async def act(self, send: Callable[[], Any], chat: int, prefix: str | None) -> Call | None:
        """Send an update; the first message to ``chat`` with a button starting with ``prefix``
        (``prefix`` None: any edited message)."""
        since = len(self.fake.calls)
        send()
        self.updates += 1

        def found() -> Call | None:
            for call in self._calls_to(chat, since):
                if prefix is None and call.method == "editMessageText":
                    return call
                if prefix is not None and any(b["callback_data"].startswith(prefix) for b in call.buttons):
                    return call
            return None

        return await self.until(found)

    @staticmethod
    def data(call: Call, prefix: str, rng: random.Random | None = None) -> str:
        options = [b["callback_data"] for b in call.buttons if b["callback_data"].startswith(prefix)]
        return rng.choice(options) if rng else options[0]

    async def conversation(self, user: int, rng: random.Random) -> bool:
        """/next, Done, /quiz, an answer: True when every step was answered."""
        fake = self.fake
        shown = await self.act(lambda: fake.say(user, "/next"), user, "/done ")
        if shown is None:
            return False
        done = self.data(shown, "/done ")
        message = fake.message_result(shown.params)
        if await self.act(lambda: fake.press(user, done, message=message), user, "/done ") is None:
            return False
        question = await self.act(lambda: fake.say(user, "/quiz"), user, "/answer ")
        if question is None:
            return False
        answer = self.data(question, "/answer ", rng)
        message = fake.message_result(question.params)
        return await self.act(lambda: fake.press(user, answer, message=message), user, None) is not None

    async def onboarding(self, user: int) -> bool:
        fake = self.fake
        if await self.act(lambda: fake.say(user, "/start"), user, "/lang ") is None:
            return False
        expected = ("/track ", "/level ", "/tz ", "/next")
        for data, prefix in zip(ONBOARDING, expected, strict=True):
            if await self.act(lambda d=data: fake.press(user, d), user, prefix) is None:
                return False
        return True


async def measure(backends: Backends, backend: str, learners: int, args: argparse.Namespace) -> Result:
    result = Result(backend, learners)
    db = await backends.new(backend, f"mem{learners}")
    home = tempfile.TemporaryDirectory(prefix="jalur-mem-home-")
    fake = FakeTelegram()
    process: asyncio.subprocess.Process | None = None
    log_path = Path(home.name) / "jalur.log"
    try:
        started = time.perf_counter()
        await populate(db, learners, datetime.now(UTC))
        print(f"  {backend:<10} {learners:>7,} learners: database ready in {time.perf_counter() - started:4.1f} s",
              flush=True)
        await fake.start()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home.name, "LANG": "C.UTF-8",
            "JALUR_TELEGRAM_TOKEN": TOKEN, "JALUR_TELEGRAM_API_URL": fake.api_url,
            "JALUR_DATABASE_URL": db.url.render_as_string(hide_password=False),
            "JALUR_PUSH_INTERVAL": "5", "JALUR_METRICS_PORT": "0", "JALUR_LOG_LEVEL": "WARNING",
        }
        driver = Driver(fake, args.timeout)
        with log_path.open("w") as log:
            launched = time.perf_counter()
            process = await asyncio.create_subprocess_exec(str(JALUR), "run", env=env, cwd=home.name,
                                                           stdout=log, stderr=log)
            pid = process.pid
            polling = await driver.until(lambda: fake.methods("deleteWebhook"), timeout=60)  # start_polling calls it
            if not polling:
                raise RuntimeError(f"jalur run did not start polling; log: {log_path.read_text()[-2000:]}")
            result.startup_s = time.perf_counter() - launched
            await asyncio.sleep(args.settle)  # the first push pass runs at start; nothing is due
            result.rss["start-up"], _ = memory_of(pid)

            # pushes: make some daily quizzes due; the next pass (every 5 s) sends them
            due = list(range(1, min(args.due, learners) + 1))
            due_chats = {EXTERNAL + s for s in due}

            def pushed() -> int:
                return len({int(c.params["chat_id"]) for c in fake.methods("sendMessage")
                            if int(c.params["chat_id"]) in due_chats})

            since = time.perf_counter()
            await make_due(db, due)
            await driver.until(lambda: pushed() >= len(due), timeout=60)
            result.push_s = time.perf_counter() - since
            result.pushes = pushed()
            if result.pushes < len(due):
                result.problems.append(f"only {result.pushes}/{len(due)} pushes arrived")
            await asyncio.sleep(args.settle)  # the outcomes are recorded
            result.rss["after pushes"], _ = memory_of(pid)

            # updates: learners who got a push talk; a few new users onboard
            rng = random.Random(args.seed)
            talkers = due[: args.talkers]
            for subject in talkers:
                result.answered += await driver.conversation(EXTERNAL + subject, rng)
            for n in range(max(1, args.talkers // 2)):
                result.answered += await driver.onboarding(9_000_000 + n)
            result.updates = driver.updates
            await asyncio.sleep(args.settle)
            result.rss["after updates"], result.hwm = memory_of(pid)
            if process.returncode is not None:
                result.problems.append(f"jalur run exited with {process.returncode}")
    finally:
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), timeout=15)
            except TimeoutError:
                process.kill()
                await process.wait()
        await fake.stop()
        await backends.drop(db)
        errors = [line for line in log_path.read_text().splitlines() if "Traceback" in line or "ERROR" in line] \
            if log_path.exists() else []
        if errors:
            result.problems.append(f"{len(errors)} error lines in the log, first: {errors[0][:160]}")
        home.cleanup()
    talkers_n = min(args.talkers, args.due, learners)
    expected = talkers_n + max(1, args.talkers // 2)
    if result.answered < expected:
        result.problems.append(f"only {result.answered}/{expected} conversations were answered to the end")
    print(f"  {backend:<10} {learners:>7,} learners: polling after {result.startup_s:4.1f} s, "
          f"{result.pushes} pushes in {result.push_s:4.1f} s, {result.updates} updates; RSS "
          + ", ".join(f"{p} {result.rss.get(p, float('nan')):.1f} MB" for p in PHASES)
          + f", peak {result.hwm:.1f} MB", flush=True)
    for problem in result.problems:
        print(f"    problem: {problem}")
    return result


def print_table(results: list[Result], sizes: list[int]) -> None:
    print()
    header = f"{'backend':<11}{'learners':>9}" + "".join(f"{p + ' MB':>18}" for p in PHASES) + f"{'peak MB':>10}"
    print(header)
    for r in results:
        print(f"{r.backend:<11}{r.learners:>9,}" + "".join(f"{r.rss.get(p, float('nan')):>18.1f}" for p in PHASES)
              + f"{r.hwm:>10.1f}")
    small, large = min(sizes), max(sizes)
    for backend in dict.fromkeys(r.backend for r in results):
        rows = {r.learners: r for r in results if r.backend == backend}
        if small not in rows or large not in rows or small == large:
            continue
        a, b = rows[small], rows[large]
        ratios = [b.rss[p] / a.rss[p] for p in PHASES if p in a.rss and p in b.rss] + [b.hwm / a.hwm]
        print(f"{backend:<11}{'ratio':>9}" + "".join(f"{x:>18.2f}" for x in ratios[:-1]) + f"{ratios[-1]:>10.2f}"
              + f"   ({large:,}/{small:,})")
    worst = max(r.hwm for r in results)
    flat = all(x <= FLAT for backend in dict.fromkeys(r.backend for r in results)
               for x in _ratios(results, backend, small, large))
    print(f"\nPeak of all runs {worst:.1f} MB (target < {TARGET_MB:.0f} MB: {verdict(worst < TARGET_MB)}); "
          f"{large:,}/{small:,} ratios {'all' if flat else 'not all'} <= {FLAT} ({verdict(flat)} for 'flat')")


def _ratios(results: list[Result], backend: str, small: int, large: int) -> list[float]:
    rows = {r.learners: r for r in results if r.backend == backend}
    if small not in rows or large not in rows or small == large:
        return []
    a, b = rows[small], rows[large]
    return [b.rss[p] / a.rss[p] for p in PHASES if p in a.rss and p in b.rss] + [b.hwm / a.hwm]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test",
                        help="admin URL of a PostgreSQL server ('' to skip PostgreSQL)")
    parser.add_argument("--learners", type=int, action="append", default=None,
                        help="learners in the database (repeatable; default 1000 and 100000; --quick: 1000 and 10000)")
    parser.add_argument("--due", type=int, default=None, help="daily quizzes made due (default 100; --quick 30)")
    parser.add_argument("--talkers", type=int, default=None,
                        help="learners who talk after the pushes (default 10; --quick 4); half as many new "
                             "users onboard")
    parser.add_argument("--settle", type=float, default=6.0,
                        help="seconds to wait before each reading (default 6, more than one push interval)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for one reply")
    parser.add_argument("--quick", action="store_true", help="SQLite only, 1,000 and 10,000 learners, fewer pushes")
    parser.add_argument("--no-imports", action="store_true", help="skip the start-up memory breakdown")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = args.learners or ([1000, 10_000] if args.quick else [1000, 100_000])
    args.due = args.due or (30 if args.quick else 100)
    args.talkers = args.talkers or (4 if args.quick else 10)
    if args.quick:
        args.settle = min(args.settle, 2.0)
    backend_list = ["sqlite"]
    if not args.quick and await postgres_reachable(args.postgres):
        backend_list.append("postgresql")
    backends = Backends(args.postgres or None)
    print(f"Resident memory of `jalur run` ({JALUR}); {args.due} pushes due, {args.talkers} learners talking, "
          f"{max(1, args.talkers // 2)} onboarding:")
    results = []
    try:
        for backend in backend_list:
            for learners in sizes:
                results.append(await measure(backends, backend, learners, args))
    finally:
        await backends.close()
    print_table(results, sizes)
    if not args.no_imports:
        await import_breakdown()


# What a fresh interpreter holds after each step of what `jalur run` loads (cumulative).
STEPS_SCRIPT = '''
import sys
from pathlib import Path
def rss():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
print(f"python itself\t{rss():.1f}", flush=True)
steps = [
    ("sqlalchemy (core)", "import sqlalchemy"),
    ("sqlalchemy orm + asyncio", "import sqlalchemy.orm, sqlalchemy.ext.asyncio"),
    ("aiosqlite + asyncpg", "import aiosqlite, asyncpg"),
    ("alembic", "import alembic.command"),
    ("pydantic-settings", "import pydantic_settings"),
    ("python-telegram-bot (+ httpx)", "import telegram.ext"),
    ("discord.py (+ aiohttp)", "import discord"),
    ("apscheduler", "import apscheduler.schedulers.asyncio"),
    ("rapidfuzz, fsrs", "import rapidfuzz, fsrs"),
    ("Jalur's modules (jalur run's imports)",
     "import adapters.launcher, adapters.telegram.bot, adapters.discord.bot, bot.engine, bot.service"),
    ("the knowledge base (load_knowledge)", "from bot.content.loader import load_knowledge; kb = load_knowledge()"),
    ("Engine (matcher, bank, finder)", "from bot.engine import Engine; from bot.settings import Settings; "
     "from bot.storage.database import Database; "
     "e = Engine(Database('sqlite+aiosqlite:///' + sys.argv[1]), kb, Settings(_env_file=None))"),
]
before = rss()
for label, code in steps:
    try:
        exec(code)
    except Exception as exc:
        print(f"{label} (failed: {type(exc).__name__})\t{rss():.1f}", flush=True)
        continue
    print(f"{label}\t{rss():.1f}", flush=True)
'''


async def import_breakdown() -> None:
    """RSS of a fresh interpreter after each library `jalur run` loads, to see where start-up memory goes."""
    with tempfile.TemporaryDirectory(prefix="jalur-mem-") as tmp:
        process = await asyncio.create_subprocess_exec(
            str(ROOT / ".venv" / "bin" / "python"), "-c", STEPS_SCRIPT, f"{tmp}/x.db", cwd=str(ROOT),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env={**os.environ, "HOME": tmp})
        out, err = await process.communicate()
    print("\nWhere start-up memory goes (a fresh interpreter loading what `jalur run` loads, in order):")
    print(f"  {'step':<42}{'RSS MB':>8}{'added':>8}")
    previous = None
    for line in out.decode().splitlines():
        label, _, value = line.partition("\t")
        mb = float(value)
        added = f"{mb - previous:8.1f}" if previous is not None else f"{'':>8}"
        print(f"  {label:<42}{mb:>8.1f}{added}")
        previous = mb
    if process.returncode:
        print(f"  (failed: {err.decode()[-300:]})")


if __name__ == "__main__":
    asyncio.run(main())
