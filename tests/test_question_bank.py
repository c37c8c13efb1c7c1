"""The shipped question bank: size, coverage, both languages, the seeds' questions, and
rubrics that recognise their own model answers."""

from __future__ import annotations

from collections import Counter

from bot.content.loader import KnowledgeBase
from bot.quiz.grader import grade

REQUIRED = {
    "latency-500ms-to-50ms", "handle-1000-rps", "sql-injection-prevention", "rate-limit-token-bucket",
    "cache-stampede", "jwt-refresh-rotation", "n-plus-one", "cap-theorem", "idempotency-payments",
    "saga-checkout", "ticket-queue-design", "dead-letter-queue",
}


def test_the_bank_has_240_questions_and_three_per_skill(kb: KnowledgeBase) -> None:
    assert len(kb.questions) >= 240
    per_skill = Counter(q.skill for q in kb.questions.values())
    thin = {skill: per_skill[skill] for skill in kb.skills if per_skill[skill] < 3}
    assert thin == {}
    kinds = Counter(q.kind for q in kb.questions.values())
    assert kinds["open"] >= 100 and kinds["choice"] >= 60


def test_the_seed_interview_questions_are_open_questions(kb: KnowledgeBase) -> None:
    missing = REQUIRED - set(kb.questions)
    assert missing == set()
    assert all(kb.questions[q].kind == "open" for q in REQUIRED)


def test_every_question_is_in_both_languages(kb: KnowledgeBase) -> None:
    for question in kb.questions.values():
        texts = [question.prompt, *question.options]
        texts += [c.label for c in question.rubric]
        for text in texts:
            assert text.en.strip() and text.id.strip(), question.id
        for concept in question.rubric:
            assert concept.phrases.en and concept.phrases.id, (question.id, concept.id)


def test_every_model_answer_is_graded_correct(kb: KnowledgeBase) -> None:
    failing = []
    for question in kb.questions.values():
        if question.kind != "open":
            continue
        for lang in ("en", "id"):
            result = grade(question, question.model_answer.get(lang))  # type: ignore[union-attr]
            if result.verdict != "correct":
                failing.append(f"{question.id} ({lang}): missed {', '.join(result.missed)}")
    assert failing == []
