"""The grader agrees with interviewers on blind development answers (benchmarks/grader_agreement.py).

The held-out sets are reported by the benchmark, not asserted here: a test that fails on them would
invite tuning against them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from grader_agreement import SETS, evaluate_cases, load_cases  # noqa: E402

from bot.content.loader import load_knowledge  # noqa: E402

DEV = SETS / "blind_dev.yaml"
DEV_TWO_WAY, DEV_THREE_WAY = 0.90, 0.75


def test_the_blind_sets_are_bilingual_and_cover_every_phase() -> None:
    bank = load_knowledge().questions
    # 8 questions were rewritten for issue 18 and their answers removed (benchmarks/grader/README.md)
    for name, questions in (("blind_dev.yaml", 31), ("blind_dev2.yaml", 14), ("blind_holdout.yaml", 24),
                            ("blind_dev3.yaml", 72), ("blind_holdout3.yaml", 72), ("blind_dev6.yaml", 24),
                            ("blind_holdout6.yaml", 24)):
        entries = yaml.safe_load((SETS / name).read_text(encoding="utf-8"))["answers"]
        assert len({e["question"] for e in entries}) == questions
        assert {e["question"] for e in entries} <= set(bank), f"{name} answers a question the bank no longer has"
        assert {e["lang"] for e in entries} >= {"en", "id", "mixed"}
        assert {e["label"] for e in entries} == {"correct", "partial", "incorrect"}
        assert all(0 <= e["score"] <= 5 for e in entries)


def test_agreement_on_the_development_answers_stays_above_its_floor() -> None:
    report = evaluate_cases(DEV.name, load_cases(DEV))
    assert report.grader.rate("two_way") >= DEV_TWO_WAY, report.misses
    assert report.grader.rate("three_way") >= DEV_THREE_WAY, report.misses
    assert report.grader.rate("three_way") > report.bow.rate("three_way")


def test_answers_an_interviewer_rejects_rarely_pass_as_correct() -> None:
    report = evaluate_cases(DEV.name, load_cases(DEV))
    assert report.grader.confusion[("incorrect", "correct")] <= 2
