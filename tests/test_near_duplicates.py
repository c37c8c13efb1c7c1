"""No two questions in the bank ask the same thing, in any phase or file (track files too).

Two questions are compared by the rapidfuzz ``token_set_ratio`` of their prompts and of their
answers (the model answer, or the right option with its explanation), in English and in
Indonesian, on lower-cased words without stop words; the mean of those four scores is their
similarity. Answers count because the same question can be worded differently: "rename
``users.fullname`` without downtime" in phase 2 and in phase 3 had different prompts and nearly
the same model answer. Questions of two different tracks are never compared: no learner gets both.

The threshold was set from the score distribution of the bank as it was before issue 18: every
pair the issue named scored 60.3-78.7 (the 1,000-requests-a-second pair lowest), six more pairs
above 60 also asked the same thing, and the closest pairs that ask different things score 55-59.4,
apart from the pairs in ``REVIEWED``. Run ``python tests/test_near_duplicates.py`` to print the top pairs.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterable

from rapidfuzz import fuzz

from bot.content.loader import KnowledgeBase, load_knowledge
from bot.content.models import Localized, Question

THRESHOLD = 60.0

# Pairs above the threshold that a reviewer judged to ask different things, with the reason.
REVIEWED: dict[frozenset[str], str] = {
    frozenset({"n-plus-one", "graphql-dataloader-batching"}):
        "N+1 from an ORM loop vs GraphQL's per-field resolvers, whose fix is DataLoader's batching",
    frozenset({"idempotent-consumer", "idempotency-payments"}):
        "a broker redelivering to a consumer (at-least-once) vs a client retrying an API call (idempotency key)",
    frozenset({"cdn-leaked-private-response", "cdn-what-and-why"}):
        "one CDN failure (a private response cached) vs when to use a CDN at all and what to serve",
    frozenset({"lang-async-cpu-bound", "node-cpu-work-blocks-loop"}):
        "whether `async` moves CPU work off the loop (choice, any track) vs diagnosing and fixing a stalled "
        "Express service (open, Node track: worker_threads, chunking, a job queue)",
}

_STOP_WORDS = frozenset(" ".join((
    "a an the and or of to in on for with is are was be it its this that these those your you do does did",
    "what how why which when would should could can at by from as into after before about their they them",
    "there then than not no i we our so if one each every all any some more most other up out only just",
    "also but has have had will",
    "yang dan di ke dari itu ini apa kamu gimana bagaimana untuk dengan tapi atau jadi nya ada sudah udah",
    "akan bisa kenapa mana dalam pada juga lalu terus kalau kalo saat waktu sama jika tidak gak nggak",
    "harus perlu apakah buat pakai pake",
)).split())


def _words(text: str) -> str:
    return " ".join(w for w in re.sub(r"[^\w\s]", " ", text.lower()).split() if w not in _STOP_WORDS)


def _answer(question: Question) -> Localized:
    if question.model_answer is not None:
        return question.model_answer
    right = question.options[question.answer or 0]
    explanation = question.explanation or Localized(en="", id="")
    return Localized(en=f"{right.en} {explanation.en}", id=f"{right.id} {explanation.id}")


def _texts(question: Question) -> list[str]:
    answer = _answer(question)
    return [_words(question.prompt.en), _words(question.prompt.id), _words(answer.en), _words(answer.id)]


def scored_pairs(questions: Iterable[Question]) -> list[tuple[float, str, str]]:
    """Every pair a learner could meet with its similarity (0-100), most similar first.

    The similarity is the mean token-set ratio of the two prompts and the two answers, in both languages.
    """
    texts = [(q, _texts(q)) for q in questions]
    pairs = [(sum(map(fuzz.token_set_ratio, x, y)) / 4, a.id, b.id)
             for (a, x), (b, y) in itertools.combinations(texts, 2)
             if a.track is None or b.track is None or a.track == b.track]
    return sorted(pairs, reverse=True)


def near_duplicates(questions: Iterable[Question], threshold: float = THRESHOLD) -> list[tuple[float, str, str]]:
    """The pairs at or above ``threshold`` that no reviewer has cleared."""
    return [p for p in scored_pairs(questions) if p[0] >= threshold and frozenset(p[1:]) not in REVIEWED]


def test_no_two_questions_ask_the_same_thing(kb: KnowledgeBase) -> None:
    found = [f"{a} ~ {b}: {score:.1f}" for score, a, b in near_duplicates(kb.questions.values())]
    assert found == [], "near-duplicate questions; make each ask something different"


def test_the_reviewed_pairs_are_questions_of_the_bank(kb: KnowledgeBase) -> None:
    stale = [sorted(pair) for pair in REVIEWED if not pair <= set(kb.questions)]
    assert stale == []


def _reworded(question: Question, new_id: str, en: str, id_: str, **changes: object) -> Question:
    return question.model_copy(update={"id": new_id, "prompt": Localized(en=en, id=id_), **changes})


def test_a_reworded_prompt_with_the_same_answer_is_flagged(kb: KnowledgeBase) -> None:
    original = kb.questions["db-rename-column-no-downtime"]
    copy = _reworded(
        original, "rename-during-rolling-deploy",
        "The service deploys with rolling updates. How do you rename `users.fullname` to `users.display_name` "
        "without downtime?",
        "Service-nya di-deploy dengan rolling update. Gimana cara rename `users.fullname` jadi "
        "`users.display_name` tanpa downtime?")
    assert [(a, b) for _, a, b in near_duplicates([original, copy])] == [(original.id, copy.id)]


def test_the_same_question_with_other_numbers_is_flagged(kb: KnowledgeBase) -> None:
    original = kb.questions["pg-too-many-connections"]
    answer = original.model_answer
    assert answer is not None
    copy = _reworded(
        original, "too-many-clients-30-pods",
        "You run 30 pods with 30 connections each and Postgres says 'too many connections'. What is happening "
        "and how do you fix it?",
        "Kamu menjalankan 30 pod dengan 30 koneksi masing-masing dan Postgres bilang 'too many connections'. "
        "Apa yang terjadi dan gimana memperbaikinya?",
        model_answer=Localized(en=answer.en.replace("40", "30").replace("20", "30"),
                               id=answer.id.replace("40", "30").replace("20", "30")))
    assert near_duplicates([original, copy]) != []


def test_questions_of_two_different_tracks_are_not_compared(kb: KnowledgeBase) -> None:
    original = kb.questions["lang-race-condition-counter"]
    go, python = original.model_copy(update={"id": "go-counter", "track": "go"}), \
        original.model_copy(update={"id": "py-counter", "track": "python"})
    assert near_duplicates([go, python]) == []
    assert near_duplicates([go, go.model_copy(update={"id": "go-counter-2"})]) != []
    assert near_duplicates([original, python]) != []


if __name__ == "__main__":  # print the most similar pairs, to review them or to tune THRESHOLD
    for score, a, b in scored_pairs(load_knowledge().questions.values())[:int(sys.argv[1]) if sys.argv[1:] else 25]:
        print(f"{score:5.1f}  {a} ~ {b}{'  (reviewed)' if frozenset((a, b)) in REVIEWED else ''}")
