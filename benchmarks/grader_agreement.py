"""Agreement of the grader with the team's labelled answers.

Usage:  python benchmarks/grader_agreement.py [LABELLED.yaml] [-v]

Prints 2-way agreement (correct vs not correct), 3-way agreement
(correct / partial / incorrect), the confusion matrix, and the figures per
language and per question. Targets: 90% 2-way and 80% 3-way.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.content.loader import KnowledgeBase, load_knowledge
from bot.quiz.grader import grade

DEFAULT_SET = Path(__file__).parent / "grader" / "labelled_answers.yaml"
VERDICTS = ("correct", "partial", "incorrect")
TARGET_TWO_WAY, TARGET_THREE_WAY = 0.90, 0.80


@dataclass
class Agreement:
    """Counts of agreeing grades, overall and by a key."""

    total: int = 0
    two_way: int = 0
    three_way: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, label: str, verdict: str) -> None:
        """Count one labelled answer and the grader's verdict."""
        self.total += 1
        self.two_way += (label == "correct") == (verdict == "correct")
        self.three_way += label == verdict
        self.confusion[(label, verdict)] += 1

    def rate(self, kind: str) -> float:
        """Share of agreeing answers, ``two_way`` or ``three_way``."""
        return (self.two_way if kind == "two_way" else self.three_way) / self.total if self.total else 0.0


def evaluate(kb: KnowledgeBase, path: Path = DEFAULT_SET) -> tuple[Agreement, dict[str, Agreement], list[str]]:
    """Grade every labelled answer; returns overall and per-group agreement and disagreements."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]
    overall = Agreement()
    groups: dict[str, Agreement] = defaultdict(Agreement)
    misses: list[str] = []
    for entry in entries:
        question = kb.questions[entry["question"]]
        verdict = grade(question, entry["answer"]).verdict
        overall.add(entry["label"], verdict)
        groups[f"lang {entry['lang']}"].add(entry["label"], verdict)
        groups[f"question {entry['question']}"].add(entry["label"], verdict)
        if verdict != entry["label"]:
            misses.append(f"{entry['question']} [{entry['label']} -> {verdict}] {entry['answer'][:100]}")
    return overall, dict(groups), misses


def main(argv: list[str]) -> int:
    """Print the agreement figures."""
    paths = [a for a in argv[1:] if not a.startswith("-")]
    path = Path(paths[0]) if paths else DEFAULT_SET
    overall, groups, misses = evaluate(load_knowledge(), path)
    print(f"labelled answers: {overall.total} ({path})")
    print(f"2-way agreement (correct vs not): {overall.rate('two_way'):.1%}  (target {TARGET_TWO_WAY:.0%})")
    print(f"3-way agreement:                  {overall.rate('three_way'):.1%}  (target {TARGET_THREE_WAY:.0%})")
    print("\nconfusion (rows: label, columns: grader)")
    print(f"{'':>10} " + " ".join(f"{v:>10}" for v in VERDICTS))
    for label in VERDICTS:
        print(f"{label:>10} " + " ".join(f"{overall.confusion[(label, v)]:>10}" for v in VERDICTS))
    print()
    for name in sorted(groups):
        group = groups[name]
        print(f"{name:<40} n={group.total:>3}  2-way {group.rate('two_way'):>6.1%}  "
              f"3-way {group.rate('three_way'):>6.1%}")
    if "-v" in argv:
        print("\ndisagreements:")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
