"""The answers quoted in the grader issue get the verdict an interviewer would give (the bank's rubrics)."""

from __future__ import annotations

import pytest

from bot.content.loader import KnowledgeBase
from bot.quiz.grader import grade


@pytest.mark.parametrize(("question", "answer", "verdicts"), [
    ("latency-500ms-to-50ms", "Redis cache with a TTL in front of the DB, invalidate on write", {"correct"}),
    ("latency-500ms-to-50ms", "redis ttl explain index profiling queue invalidation", {"partial", "incorrect"}),
    ("rest-versioning-breaking", "Put v1 in the URL and keep v1 alive for the old apps", {"partial"}),
    ("os-process-vs-thread", "Processes share memory while threads are isolated", {"incorrect"}),
    ("dsa-array-vs-linked-list", "Linked lists are faster for searching", {"incorrect"}),
    ("net-what-happens-open-url", "DNS, TCP, TLS, HTTP, load balancer", {"partial", "incorrect"}),
    ("sql-acid-money-transfer", "Atomicity, consistency, isolation, durability.", {"partial", "incorrect"}),
    ("sql-acid-money-transfer",
     ("Transfernya harus jalan semua atau batal semua. Saldo gak boleh minus. Dua transfer barengan gak boleh "
      "saling lihat perubahan yang belum selesai. Setelah sukses datanya gak hilang walau server mati."),
     {"correct"}),
    ("sql-acid-money-transfer",
     ("Transfer harus berhasil semua atau gagal semua. Saldo tidak boleh negatif. Dua transfer bersamaan tidak "
      "boleh saling melihat perubahan yang belum selesai. Setelah berhasil, datanya tidak hilang walaupun server mati."),
     {"correct"}),
    ("auth-password-storage", "Password dienkripsi pakai AES biar aman, nanti kalau perlu bisa di-decrypt lagi",
     {"incorrect"}),
])
def test_issue_examples_get_an_interviewers_verdict(kb: KnowledgeBase, question: str, answer: str,
                                                    verdicts: set[str]) -> None:
    result = grade(kb.questions[question], answer)
    assert result.verdict in verdicts, result


@pytest.mark.parametrize(("question", "answer", "concept"), [
    ("kafka-ordering-per-key", "urutan cuma dijamin di dalam satu partisi", "order-within-partition"),
    ("linux-sigterm-graceful-shutdown", "server harus nyelesaiin request yang lagi jalan", "graceful-shutdown"),
    ("k8s-liveness-vs-readiness", "Jangan cek database di liveness", "liveness-shallow"),
    ("jwt-refresh-rotation", "access token dibikin umurnya pendek, kalau token dicuri, kerugiannya kecil",
     "short-access-limits-damage"),
    ("jwt-refresh-rotation", "kalau penyerang mencuri token akses yang umurnya pendek, kerugiannya kecil",
     "short-access-limits-damage"),
])
def test_issue_examples_earn_the_concept_they_state(kb: KnowledgeBase, question: str, answer: str,
                                                    concept: str) -> None:
    result = grade(kb.questions[question], answer)
    assert concept in result.hit and concept not in result.hinted, result


@pytest.mark.parametrize(("question", "answer", "concept"), [
    ("lang-error-handling-layers", "I just swallow the error with an empty catch so nothing breaks", "never-swallow"),
    ("auth-password-storage", "Password dienkripsi pakai AES biar aman, nanti kalau perlu bisa di-decrypt lagi",
     "one-way-hash"),
])
def test_issue_examples_do_not_earn_the_opposite(kb: KnowledgeBase, question: str, answer: str,
                                                 concept: str) -> None:
    assert concept not in grade(kb.questions[question], answer).hit


def test_every_open_question_of_the_bank_names_its_central_idea(kb: KnowledgeBase) -> None:
    without = [q.id for q in kb.questions.values() if q.kind == "open" and not any(c.core for c in q.rubric)]
    assert without == []


def test_every_open_question_of_the_bank_names_a_wrong_claim_learners_make(kb: KnowledgeBase) -> None:
    without = [q.id for q in kb.questions.values() if q.kind == "open" and not q.misconceptions]
    assert without == []
