"""Cold start of three ``jalur`` commands next to ``python -c pass``, measured side by side in one run.

Usage:  python benchmarks/cold_start.py [--quick] [--repeat N]

Each round runs, in turn, as fresh processes of the project's venv:

- ``python -c pass``: the floor, an interpreter that starts and stops;
- ``jalur quiz grade --question n-plus-one --answer ...``: a real grading of
  one open answer (knowledge loaded, rubric compiled, verdict printed);
- ``jalur chat``: started with ``/help`` on a piped standard input (a
  migrated SQLite file in ``JALUR_DATABASE_URL``), stopped with SIGKILL as
  soon as the first line of the reply arrives, so the figure is the time to
  the first reply;
- ``jalur health``: as the container's HEALTHCHECK runs it (no options;
  ``JALUR_METRICS_PORT`` names a tiny HTTP server this script serves in a
  thread, answering ``/healthz`` and ``/readyz`` as ``jalur run`` does).

Every child gets a temporary ``HOME`` and working directory and no other
``JALUR_*`` variable. A warm-up round (not counted) migrates the database
and fills the caches a process finds after an install and one earlier
command: bytecode (``PYTHONPYCACHEPREFIX`` in the temporary directory, so
even with ``PYTHONDONTWRITEBYTECODE`` set here no process compiles source)
and the parsed content (``bot/content/yaml_cache.py``, under the temporary
``HOME``). A child's wall time runs from its start to its exit (for chat: to
the first reply line); its CPU time is user + system of that child alone
(``os.wait4``). Each command's median is divided by the median of
``python -c pass`` from the same rounds; the spread is the range of the
per-round ratios. Targets (wall and CPU ratio): quiz grade 15, chat 25,
health 3.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
JALUR = [str(BIN / "jalur")] if (BIN / "jalur").exists() else [PYTHON, "-m", "adapters"]
ANSWER = ("One query loads the list and then one more query runs for every row; fix it with eager "
          "loading or a JOIN / IN query, and spot it by logging the number of queries.")
TARGETS = {"jalur quiz grade": 15.0, "jalur chat (first reply)": 25.0, "jalur health": 3.0}


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # seconds, user + system of the child


@dataclass
class Command:
    name: str
    run: Callable[[], Sample]
    samples: list[Sample] = field(default_factory=list)


# --- the health endpoint ---------------------------------------------------------------

class _Health(BaseHTTPRequestHandler):
    """Answers like ``jalur run``'s ``/healthz`` and ``/readyz``."""

    def do_GET(self) -> None:  # the name http.server calls
        bodies = {"/healthz": {"status": "alive"},
                  "/readyz": {"status": "ready", "database": "ok", "platforms": {}, "stopping": False}}
        body = bodies.get(self.path)
        data = json.dumps(body if body is not None else {"error": "not found"}).encode()
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # quiet: no line per request
        pass


# --- running one child -------------------------------------------------------------------

def _reap(process: subprocess.Popen[str]) -> float:
    """Wait for ``process``; its CPU time (user + system) in seconds."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


def run_to_exit(argv: Sequence[str], env: dict[str, str], cwd: str, expect: str) -> Sample:
    """Run ``argv`` to its end; it must exit 0 and print ``expect``."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    out, err = process.stdout.read(), process.stderr.read()
    cpu = _reap(process)
    wall = time.perf_counter() - started
    if process.returncode != 0 or expect not in out:
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}):\n{out}\n{err}")
    return Sample(wall, cpu)


def chat_to_first_reply(env: dict[str, str], cwd: str) -> Sample:
    """``jalur chat`` with ``/help`` piped in, stopped at the first line of the reply."""
    started = time.perf_counter()
    process = subprocess.Popen([*JALUR, "chat", "--user", "bench"], env=env, cwd=cwd, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("/help\n")
    process.stdin.flush()
    reply = ""
    for line in process.stdout:  # "> /help" (the echo), then the reply
        if line.strip() and not line.startswith("> "):
            reply = line
            break
    wall = time.perf_counter() - started
    process.send_signal(signal.SIGKILL)
    cpu = _reap(process)
    process.stdin.close()
    process.stdout.close()
    if not reply:
        raise SystemExit("jalur chat ended without a reply")
    return Sample(wall, cpu)


# --- report -----------------------------------------------------------------------------

def _ms(values: Sequence[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ({min(values) * 1000:.0f}-{max(values) * 1000:.0f})"


def _ratio(samples: Sequence[float], floor: Sequence[float]) -> tuple[float, float, float]:
    """Median over median floor, and the range of the per-round ratios."""
    per_round = [s / max(f, 1e-9) for s, f in zip(samples, floor, strict=True)]
    return statistics.median(samples) / max(statistics.median(floor), 1e-9), min(per_round), max(per_round)


def report(commands: Sequence[Command]) -> bool:
    floor = commands[0]
    floor_wall = [s.wall for s in floor.samples]
    floor_cpu = [s.cpu for s in floor.samples]
    print(f"{len(floor.samples)} rounds on {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
          "ms as median (min-max), ratios as median / median of python -c pass (per-round range)")
    print(f"{'command':<26} {'wall ms':>20} {'CPU ms':>20} {'wall ratio':>18} {'CPU ratio':>18}  target")
    met = True
    for command in commands:
        wall = [s.wall for s in command.samples]
        cpu = [s.cpu for s in command.samples]
        w, wl, wh = _ratio(wall, floor_wall)
        c, cl, ch = _ratio(cpu, floor_cpu)
        target = TARGETS.get(command.name)
        note = ""
        if target is not None:
            ok = w <= target and c <= target
            met = met and ok
            note = f"<= {target:.0f}x: {'met' if ok else 'MISSED'}"
        print(f"{command.name:<26} {_ms(wall):>20} {_ms(cpu):>20} "
              f"{f'{w:5.1f} ({wl:.1f}-{wh:.1f})':>18} {f'{c:5.1f} ({cl:.1f}-{ch:.1f})':>18}  {note}")
    return met


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of --repeat")
    parser.add_argument("--repeat", type=int, default=9, help="measured rounds (default 9)")
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else args.repeat

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, name="healthz", daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="jalur-cold-") as tmp:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("JALUR_") and k not in {"PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"}}
        env.update(HOME=tmp, PYTHONPYCACHEPREFIX=f"{tmp}/pycache", JALUR_DATABASE_URL=f"sqlite+aiosqlite:///{tmp}/jalur.db",
                   JALUR_METRICS_PORT=str(server.server_address[1]))
        commands = [
            Command("python -c pass", lambda: run_to_exit([PYTHON, "-c", "pass"], env, tmp, "")),
            Command("jalur quiz grade", lambda: run_to_exit(
                [*JALUR, "quiz", "grade", "--question", "n-plus-one", "--answer", ANSWER], env, tmp, "correct")),
            Command("jalur chat (first reply)", lambda: chat_to_first_reply(env, tmp)),
            Command("jalur health", lambda: run_to_exit([*JALUR, "health"], env, tmp, '"alive"')),
        ]
        run_to_exit([*JALUR, "db", "upgrade"], env, tmp, "up to date")
        for command in commands:  # warm-up: bytecode caches, the learner row
            command.run()
        for _ in range(rounds):
            for command in commands:
                command.samples.append(command.run())
    server.shutdown()
    met = report(commands)
    print("all targets met" if met else "some targets missed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
