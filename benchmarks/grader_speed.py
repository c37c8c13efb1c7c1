"""How long grading one open answer takes (it runs on the event loop, so it must stay short).

Usage:  python benchmarks/grader_speed.py [--quick]

Grades, for every open question of the bank, its model answers and the
blind learner answers of ``benchmarks/grader/blind_*.yaml`` ("typical"), and
a 5,000-character rambling answer (the most the grader reads). Prints p50,
p99 and the maximum per kind, with the first grading of a question (its
rubric compiled) reported apart, and, as the baseline measured in the same
run, the time to merely split the same answers into words. Targets: p99
under 20 ms for typical answers and under 50 ms for 5,000 characters.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.content.loader import load_knowledge  # noqa: E402
from bot.content.models import Question  # noqa: E402
from bot.quiz.grader import MAX_ANSWER_CHARS, grade  # noqa: E402
from bot.quiz.language import tokenize  # noqa: E402

TARGET_TYPICAL_MS, TARGET_LONG_MS = 20.0, 50.0


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _time(cases: Sequence[tuple[Question, str]], work: Callable[[Question, str], object]) -> list[float]:
    result = []
    for question, answer in cases:
        start = time.perf_counter()
        work(question, answer)
        result.append((time.perf_counter() - start) * 1000)
    return result


def _long_answer(question: Question, rng: random.Random) -> str:
    """A rambling answer of 5,000 characters: the model answers, the prompt and filler, shuffled."""
    assert question.model_answer is not None
    sentences = (question.model_answer.en + " " + question.model_answer.id + " " + question.prompt.en).split(". ")
    sentences += ["honestly I am not sure about this part but I think it depends on the team",
                  "jadi intinya tergantung kasusnya sih, kadang gak perlu, kadang perlu banget"]
    text = ""
    while len(text) < MAX_ANSWER_CHARS:
        text += rng.choice(sentences) + ". "
    return text[:MAX_ANSWER_CHARS]


def _print(name: str, times: Sequence[float], target: float | None, baseline: Sequence[float]) -> None:
    p99 = _quantile(times, 0.99)
    verdict = "" if target is None else f"  (target < {target:.0f} ms: {'met' if p99 < target else 'MISSED'})"
    ratio = statistics.median(times) / max(statistics.median(baseline), 1e-6)
    print(f"{name:<28} n={len(times):>5}  p50 {statistics.median(times):6.2f} ms  p99 {p99:6.2f} ms  "
          f"max {max(times):6.2f} ms  x{ratio:5.1f} of splitting into words{verdict}")


def main(argv: Sequence[str]) -> int:
    """Print the grading times."""
    kb = load_knowledge()
    rng = random.Random(7)
    questions = [q for q in kb.questions.values() if q.kind == "open"]
    typical: list[tuple[Question, str]] = []
    for question in questions:
        assert question.model_answer is not None
        typical += [(question, question.model_answer.en), (question, question.model_answer.id)]
    for path in sorted((Path(__file__).parent / "grader").glob("blind_*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]:
            typical.append((kb.questions[entry["question"]], entry["answer"]))
    rounds = 1 if "--quick" in argv else 3
    long = [(q, _long_answer(q, rng)) for q in questions for _ in range(rounds)]

    def split(_: Question, answer: str) -> object:
        return tokenize(answer)

    cold = _time([(q, q.model_answer.en) for q in questions if q.model_answer is not None], grade)
    warm = [t for _ in range(rounds) for t in _time(typical, grade)]
    long_times = _time(long, grade)
    print(f"grading on {sys.platform}, Python {sys.version.split()[0]}")
    _print("first grading of a question", cold, None, _time(typical[: len(cold)], split))
    _print("typical answers", warm, TARGET_TYPICAL_MS, _time(typical, split))
    _print("5,000-character answers", long_times, TARGET_LONG_MS, _time(long, split))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
