"""The grader agrees with the team's labelled answers (benchmarks/grader_agreement.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.content.loader import KnowledgeBase

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from grader_agreement import DEFAULT_SET, TARGET_THREE_WAY, TARGET_TWO_WAY, evaluate  # noqa: E402


def test_the_labelled_set_is_balanced_and_bilingual() -> None:
    import yaml

    entries = yaml.safe_load(DEFAULT_SET.read_text(encoding="utf-8"))["answers"]
    assert len(entries) >= 150
    labels = {label: sum(e["label"] == label for e in entries) for label in ("correct", "partial", "incorrect")}
    assert min(labels.values()) >= 40, labels
    assert {e["lang"] for e in entries} >= {"en", "id"}
    assert len({e["question"] for e in entries}) >= 10


def test_agreement_meets_the_targets(kb: KnowledgeBase) -> None:
    overall, _, misses = evaluate(kb, DEFAULT_SET)
    assert overall.rate("two_way") >= TARGET_TWO_WAY, misses
    assert overall.rate("three_way") >= TARGET_THREE_WAY, misses
