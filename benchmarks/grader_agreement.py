"""Agreement of the grader with human labels, next to two baselines computed in the same run.

Usage:  python benchmarks/grader_agreement.py [SET ...] [-v]

A SET is a YAML file of labelled answers (``answers:`` entries with
``question``, ``lang``, ``label`` and, where the labeller gave one, a 0-5
``score``), or a public human-scored set (``questions:`` with their own
rubric, reference answer and scored student answers; see
``benchmarks/grader/README.md``). Without arguments every set under
``benchmarks/grader/`` is reported: first the held-out ones.

For each set it prints 2-way agreement (correct vs not), 3-way agreement,
the confusion matrix, Pearson r between the grader's score and the human
score, and the same figures for

- "always correct": the verdict every answer would get from a grader that
  accepts everything;
- bag of words: cosine similarity of word counts between the answer and
  the model answer (both languages, the better one), with the two cut-offs
  that fit the set best (fitted on the set itself, which flatters the
  baseline).

Where a set has a second interviewer's labels (``label2``, ``score2``), their
agreement with the first interviewer is printed too ("2nd interviewer"):
how far two people agree is the most a grader can be asked to.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.content.loader import load_knowledge  # noqa: E402
from bot.content.models import Question  # noqa: E402
from bot.quiz.grader import grade  # noqa: E402
from bot.quiz.language import words  # noqa: E402

SETS = Path(__file__).parent / "grader"
DEFAULT_SETS = (
    SETS / "blind_holdout6.yaml",
    SETS / "blind_holdout5.yaml",
    SETS / "blind_holdout4.yaml",
    SETS / "blind_holdout.yaml",
    SETS / "blind_holdout3.yaml",
    SETS / "public" / "mohler_holdout.yaml",
    SETS / "public" / "indonesian_holdout.yaml",
    SETS / "blind_dev.yaml",
    SETS / "blind_dev2.yaml",
    SETS / "blind_dev3.yaml",
    SETS / "blind_dev4.yaml",
    SETS / "blind_dev6.yaml",
    SETS / "public" / "mohler_dev.yaml",
    SETS / "labelled_answers.yaml",
    SETS / "holdout_answers.yaml",
)
VERDICTS = ("correct", "partial", "incorrect")
TARGET_TWO_WAY, TARGET_THREE_WAY = 0.90, 0.80
PUBLIC_CORRECT_FROM, PUBLIC_PARTIAL_FROM = 3.5, 2.0
"""A public set's 0-5 human score as a label: 3.5 and up correct, 2 and up partial."""


@dataclass(frozen=True)
class Case:
    """One answer to grade: its question, the human label and (if known) the human 0-5 score."""

    question: Question
    answer: str
    label: str
    lang: str
    human: float | None
    label2: str | None = None  # a second interviewer's label, where the set has one
    human2: float | None = None


@dataclass
class Agreement:
    """Counts of agreeing grades and the score pairs for Pearson r."""

    total: int = 0
    two_way: int = 0
    three_way: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    pairs: list[tuple[float, float]] = field(default_factory=list)

    def add(self, label: str, verdict: str, score: float | None = None, human: float | None = None) -> None:
        """Count one labelled answer and a verdict (and its score against the human score)."""
        self.total += 1
        self.two_way += (label == "correct") == (verdict == "correct")
        self.three_way += label == verdict
        self.confusion[(label, verdict)] += 1
        if score is not None and human is not None:
            self.pairs.append((score, human))

    def rate(self, kind: str) -> float:
        """Share of agreeing answers, ``two_way`` or ``three_way``."""
        return (self.two_way if kind == "two_way" else self.three_way) / self.total if self.total else 0.0

    def pearson(self) -> float | None:
        """Pearson r between score and human score, ``None`` without (varying) pairs."""
        if len(self.pairs) < 3:
            return None
        xs, ys = zip(*self.pairs, strict=True)
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
        sy = math.sqrt(sum((y - my) ** 2 for y in ys))
        if not sx or not sy:
            return None
        return sum((x - mx) * (y - my) for x, y in self.pairs) / (sx * sy)


def public_label(score: float) -> str:
    """A public set's 0-5 human score as a verdict."""
    if score >= PUBLIC_CORRECT_FROM:
        return "correct"
    return "partial" if score >= PUBLIC_PARTIAL_FROM else "incorrect"


def load_cases(path: Path) -> list[Case]:
    """The answers of a set, with their questions (the bank's, or the set's own rubrics)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "questions" in data:
        cases = []
        for entry in data["questions"]:
            question = Question.model_validate(entry["rubric"])
            for item in entry["answers"]:
                score = float(item["score"])
                cases.append(Case(question, str(item["text"]), public_label(score), data.get("lang", "en"), score))
        return cases
    bank = load_knowledge().questions
    return [Case(bank[e["question"]], str(e["answer"]), e["label"], e.get("lang", "?"),
                 float(e["score"]) if e.get("score") is not None else None, e.get("label2"),
                 float(e["score2"]) if e.get("score2") is not None else None) for e in data["answers"]]


def _counts(text: str) -> Counter[str]:
    return Counter(w for w in words(text) if len(w) > 2)


def cosine(a: Counter[str], b: Counter[str]) -> float:
    """Cosine similarity of two word-count vectors."""
    dot = sum(a[w] * b[w] for w in a.keys() & b.keys())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def bag_of_words(cases: Sequence[Case]) -> list[float]:
    """Each answer's similarity to its model answer (the better of the two languages)."""
    result = []
    for case in cases:
        model = case.question.model_answer
        assert model is not None
        answer = _counts(case.answer)
        result.append(max(cosine(answer, _counts(model.en)), cosine(answer, _counts(model.id))))
    return result


def _fitted_verdicts(similarities: Sequence[float], labels: Sequence[str]) -> list[str]:
    """Verdicts from the two cut-offs that agree best with ``labels`` (3-way, then 2-way)."""
    cuts = [*sorted({round(s, 3) for s in similarities}), 1.01]
    best: tuple[int, int, float, float] = (-1, -1, 1.01, 1.01)
    for high in [*cuts[::max(1, len(cuts) // 60)], 1.01]:
        for low in [c for c in cuts[::max(1, len(cuts) // 60)] if c <= high] + [0.0]:
            verdicts = ["correct" if s >= high else "partial" if s >= low else "incorrect" for s in similarities]
            three = sum(v == lab for v, lab in zip(verdicts, labels, strict=True))
            two = sum((v == "correct") == (lab == "correct") for v, lab in zip(verdicts, labels, strict=True))
            if (three, two) > best[:2]:
                best = (three, two, high, low)
    _, _, high, low = best
    return ["correct" if s >= high else "partial" if s >= low else "incorrect" for s in similarities]


@dataclass
class Report:
    """The grader's and the baselines' agreement on one set."""

    name: str
    grader: Agreement
    always: Agreement
    bow: Agreement
    groups: dict[str, Agreement]
    misses: list[str]
    second: Agreement | None = None  # the second interviewer against the first


def evaluate_cases(name: str, cases: Sequence[Case]) -> Report:
    """Grade every case and the baselines."""
    grader, always, bow, second = Agreement(), Agreement(), Agreement(), Agreement()
    groups: dict[str, Agreement] = {}
    misses = []
    similarities = bag_of_words(cases)
    bow_verdicts = _fitted_verdicts(similarities, [c.label for c in cases])
    for case, similarity, bow_verdict in zip(cases, similarities, bow_verdicts, strict=True):
        result = grade(case.question, case.answer)
        grader.add(case.label, result.verdict, result.score, case.human)
        always.add(case.label, "correct", 1.0, case.human)
        bow.add(case.label, bow_verdict, similarity, case.human)
        groups.setdefault(f"lang {case.lang}", Agreement()).add(case.label, result.verdict)
        if case.label2 is not None:
            second.add(case.label, case.label2, case.human2, case.human)
        if result.verdict != case.label:
            misses.append(f"{case.question.id} [{case.label} -> {result.verdict} {result.score:.2f}] "
                          f"{case.answer[:140]!r}")
    return Report(name, grader, always, bow, groups, misses, second if second.total else None)


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def print_report(report: Report, verbose: bool) -> None:
    """Print one set's figures."""
    print(f"\n== {report.name}: {report.grader.total} answers")
    print(f"{'':<16} {'2-way':>7} {'3-way':>7} {'Pearson r':>10}")
    rows = [("grader", report.grader), ("always correct", report.always), ("bag of words", report.bow)]
    if report.second is not None:
        rows.append(("2nd interviewer", report.second))
    for title, agreement in rows:
        print(f"{title:<16} {agreement.rate('two_way'):>7.1%} {agreement.rate('three_way'):>7.1%} "
              f"{_fmt(agreement.pearson()):>10}")
    print("confusion (rows: human label, columns: grader)")
    print(f"{'':>10} " + " ".join(f"{v:>10}" for v in VERDICTS))
    for label in VERDICTS:
        print(f"{label:>10} " + " ".join(f"{report.grader.confusion[(label, v)]:>10}" for v in VERDICTS))
    for name in sorted(report.groups):
        group = report.groups[name]
        print(f"  {name:<12} n={group.total:>4}  2-way {group.rate('two_way'):>6.1%}  "
              f"3-way {group.rate('three_way'):>6.1%}")
    if verbose:
        print("disagreements:")
        print("\n".join(f"  {m}" for m in report.misses))


def main(argv: Iterable[str]) -> int:
    """Print the agreement figures of the given sets (default: all)."""
    args = list(argv)[1:]
    paths = [Path(a) for a in args if not a.startswith("-")] or [p for p in DEFAULT_SETS if p.exists()]
    for path in paths:
        print_report(evaluate_cases(str(path.relative_to(ROOT) if path.is_absolute() and ROOT in path.parents
                                        else path), load_cases(path)), "-v" in args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
