"""How often everyday free text reaches the action a learner meant.

``python benchmarks/everyday_requests.py [FILE ...]`` sends every case of each
file through the real engine (a throwaway SQLite database) as a learner who
finished setup would, and prints per file: requests routed to their action (by
action and language) and "not requests" left alone (an answer with a quiz
question open, or chit-chat with nothing open). Default files: the held-out
set written blind (``benchmarks/intents/everyday_requests_holdout.yaml``) and
the development set the intent phrases were tuned on
(``tests/data/everyday_requests.yaml``).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from _common import ROOT, Backends
from chat import Chat

from bot.content.loader import load_knowledge
from bot.engine import Engine
from bot.logs import ACCESS_LOGGER
from bot.settings import Settings

DEFAULT_FILES = (ROOT / "benchmarks" / "intents" / "everyday_requests_holdout.yaml",
                 ROOT / "tests" / "data" / "everyday_requests.yaml")


class _Routes(logging.Handler):
    """Remembers the route of the last handled message, from the access log."""

    def __init__(self) -> None:
        super().__init__()
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "command"):
            self.last = str(record.command)


async def _route(engine: Engine, routes: _Routes, user: str, case: dict[str, Any], expected_quiz: bool) -> str:
    chat = Chat(engine, user)
    await chat.onboard(lang=case["lang"], track="python")
    if expected_quiz:
        await chat.say("/quiz 1")
    await chat.say(case["text"])
    return routes.last


async def run(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    backends = Backends(None)
    db = await backends.new("sqlite", "intents")
    engine = Engine(db, load_knowledge(), Settings(database_url=str(db.url)))
    routes = _Routes()
    access = logging.getLogger(ACCESS_LOGGER)
    access.addHandler(routes)
    access.setLevel(logging.INFO)
    hits: Counter[tuple[str, str]] = Counter()
    totals: Counter[tuple[str, str]] = Counter()
    misses: list[str] = []
    try:
        for number, case in enumerate(data.get("requests", [])):
            got = await _route(engine, routes, f"r{number}", case, False)
            key = (case["action"], case["lang"])
            totals[key] += 1
            hits[key] += got == case["action"]
            if got != case["action"]:
                misses.append(f"  {case['lang']} {case['action']:<10} -> {got:<15} {case['text']!r}")
        left_alone = Counter[str]()
        alone_totals = Counter[str]()
        for number, case in enumerate(data.get("not_requests", [])):
            quiz = case.get("while") == "quiz"
            got = await _route(engine, routes, f"n{number}", case, quiz)
            expected = "answer" if quiz else "not_understood"
            alone_totals[case["while"]] += 1
            left_alone[case["while"]] += got == expected
            if got != expected:
                misses.append(f"  {case['lang']} ({case['while']:<4}) -> {got:<15} {case['text']!r}")
    finally:
        access.removeHandler(routes)
        await backends.drop(db)
        await backends.close()
    total, hit = sum(totals.values()), sum(hits.values())
    print(f"\n== {path.relative_to(ROOT)}")
    print(f"requests routed to their action: {hit}/{total} = {100 * hit / max(total, 1):.1f}%")
    for lang in ("en", "id"):
        t = sum(v for (_, lg), v in totals.items() if lg == lang)
        h = sum(v for (_, lg), v in hits.items() if lg == lang)
        print(f"  {lang}: {h}/{t} = {100 * h / max(t, 1):.1f}%")
    for action in sorted({a for a, _ in totals}):
        t = sum(v for (a, _), v in totals.items() if a == action)
        h = sum(v for (a, _), v in hits.items() if a == action)
        print(f"  {action:<10} {h}/{t}")
    for where in sorted(alone_totals):
        print(f"not requests left alone ({where}): {left_alone[where]}/{alone_totals[where]}")
    if misses:
        print("misses:")
        print("\n".join(misses))


def main(argv: list[str]) -> int:
    files = [Path(a).resolve() for a in argv] or [p for p in DEFAULT_FILES if p.exists()]
    for path in files:
        asyncio.run(run(path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
