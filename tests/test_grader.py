"""The open-answer grader: typos, both languages, negation, restating the question, junk."""

from __future__ import annotations

import pytest

from bot.content.models import Question
from bot.quiz.grader import grade, grade_answer
from bot.quiz.language import words_match as word_matches

LATENCY = Question.model_validate({
    "id": "latency-test", "skill": "redis-caching", "kind": "open",
    "prompt": {"en": "Your API takes 500 ms per request. How do you get it to 50 ms?",
               "id": "API kamu butuh 500 ms per request. Bagaimana menurunkannya ke 50 ms?"},
    "rubric": [
        {"id": "measure", "weight": 2, "label": {"en": "Measure first", "id": "Ukur dulu"},
         "phrases": {"en": ["profile", "measure", "tracing", "find the bottleneck"],
                     "id": ["profiling", "ukur", "cari bottleneck"]}},
        {"id": "cache", "weight": 3, "label": {"en": "Cache in Redis", "id": "Cache di Redis"},
         "phrases": {"en": ["cache", "redis", "memcached"], "id": ["cache", "redis", "tembolok"]}},
        {"id": "query", "weight": 2, "label": {"en": "Optimise queries", "id": "Optimasi query"},
         "phrases": {"en": ["index", "explain analyze", "slow query"],
                     "id": ["indeks", "index", "query lambat", "optimasi query"]}},
    ],
    "model_answer": {"en": "Profile, cache in Redis, index slow queries.",
                     "id": "Profiling, cache di Redis, index query lambat."},
})


@pytest.mark.parametrize(
    ("answer", "verdict", "hit"),
    [
        ("Profile first, then put a Redis cache with a TTL in front and add indexes to slow queries.",
         "correct", {"measure", "cache", "query"}),
        ("pertama ukur dulu pakai tracing, lalu pasang redis dan tambah indeks", "correct",
         {"measure", "cache", "query"}),
        ("measure it, then cahce hot data in rdis and add an index", "correct", {"measure", "cache", "query"}),
        ("CACHING in REDIS!!!", "partial", {"cache"}),
        ("dicache aja di redis", "partial", {"cache"}),
        ("Don't cache it, just buy a bigger server.", "incorrect", set()),
        ("jangan pakai cache, upgrade server aja", "incorrect", set()),
        ("caching is not needed here", "incorrect", set()),
        ("not only caching but also indexing", "correct", {"cache", "query"}),
        ("No, use a cache.", "partial", {"cache"}),
        ("It takes 500 ms, how do you get it to 50 ms per request? API.", "incorrect", set()),
        ("I don't know", "incorrect", set()),
    ],
)
def test_verdicts(answer: str, verdict: str, hit: set[str]) -> None:
    result = grade(LATENCY, answer)
    assert result.verdict == verdict, result
    assert set(result.hit) == hit
    assert set(result.hit) | set(result.missed) == {"measure", "cache", "query"}


@pytest.mark.parametrize(
    "answer",
    ["", " ", "\x00\x01\xff", "🙂" * 5000, "a" * 100_000, "\u202e\u200b", "cache " * 3000, "👍🏽 ✅ ☕️"],
)
def test_any_text_is_graded_without_crashing(answer: str) -> None:
    result = grade(LATENCY, answer)
    assert 0.0 <= result.score <= 1.0
    assert result.verdict in {"correct", "partial", "incorrect"}


def test_grading_is_deterministic() -> None:
    answer = "profile, cache in redis, index"
    assert len({grade(LATENCY, answer) for _ in range(5)}) == 1


@pytest.mark.parametrize(
    ("phrase_word", "word", "expected"),
    [
        ("cache", "caching", True), ("cache", "cahce", True), ("redis", "rdis", True),
        ("index", "indexes", True), ("cache", "cachenya", True), ("cache", "dicache", True),
        ("optimize", "optimization", True), ("token", "taken", False), ("cache", "catch", False),
        ("queue", "query", False), ("lock", "look", False), ("ttl", "ttls", True), ("jwt", "jwk", False),
    ],
)
def test_word_matching(phrase_word: str, word: str, expected: bool) -> None:
    assert word_matches(phrase_word, word) is expected


def test_choice_questions_take_a_number_letter_or_text() -> None:
    question = Question.model_validate({
        "id": "status-created", "skill": "rest-api-design", "kind": "choice",
        "prompt": {"en": "Status for a created resource?", "id": "Status untuk resource yang dibuat?"},
        "options": [{"en": "200 OK", "id": "200 OK"}, {"en": "201 Created", "id": "201 Created"}],
        "answer": 1,
        "explanation": {"en": "201 says a resource was created.", "id": "201 menandakan resource dibuat."},
    })
    for answer in ("2", "b", "B", "201 Created"):
        assert grade_answer(question, answer).verdict == "correct", answer
    for answer in ("1", "a", "", "🙂", "7"):
        assert grade_answer(question, answer).verdict == "incorrect", answer
