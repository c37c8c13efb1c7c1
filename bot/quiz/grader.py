"""Grade a free-text answer against an open question's rubric.

Deterministic and pure. The answer is split into clauses (at sentence
punctuation, commas and contrast words such as "but"/"tapi"), normalised to
lower-case words without accents or punctuation, and each rubric concept is
looked for through its phrases in both languages, so English, Indonesian and
a mix of both all count. A phrase matches a run of words in one clause:

- word by word, in any order, with up to three other words in between;
- a word matches exactly, with a short suffix ("index" -> "indexes",
  "cache" -> "cachenya"), without an Indonesian prefix ("dicache"), or with
  a typo (one insertion, deletion or swap in a 5-letter word, one edit from
  6 letters, two from 9);
- words of three letters or fewer must match exactly ("ttl", "jwt").

An occurrence does not count when a negation stands just before it in the
same clause ("don't cache", "jangan pakai cache", "tanpa index") or a
"not needed" follows it ("cache is not needed"). A concept is also hit when
two of its *distinctive* words (from its phrases and label, used by no other
concept of the question and not by the question) stand in one clause, which
catches paraphrases the phrase lists did not foresee. Runs of four or more
words copied from the question are blanked out first, so restating the
question earns nothing. Filler words ("the", "yang") in rubric phrases are
ignored. The score is the weight of the concepts hit over the total weight.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import OSA

from bot.content.models import Concept, Question
from bot.intents import normalize

Verdict = Literal["correct", "partial", "incorrect"]

CORRECT_AT = 0.7
PARTIAL_AT = 0.3
MAX_ANSWER_CHARS = 5000
MAX_FILLER_WORDS = 3
NEGATION_REACH = 3
AFTER_REACH = 4

_CLAUSE_BREAK = re.compile(
    r"[.!?;:,\n\r\u3002]+|\b(?:but|however|although|though|whereas|tapi|tetapi|namun|melainkan|"
    r"sedangkan|padahal|walaupun|meskipun)\b",
    re.IGNORECASE,
)
_CONTRACTION = re.compile(r"(\w)n[’']t\b", re.IGNORECASE)

NEGATIONS = frozenset({
    "not", "no", "never", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent",
    "shouldnt", "cant", "cannot", "wouldnt", "couldnt", "without", "nor", "neither", "instead",
    "tidak", "tak", "nggak", "ngga", "gak", "ga", "enggak", "engga", "ndak", "bukan", "jangan",
    "tanpa", "belum", "bukannya", "daripada",
})
NOT_A_NEGATION_AFTER = frozenset({"only", "just", "hanya", "cuma", "sekadar", "saja", "sekedar"})
NEED_WORDS = frozenset({
    "need", "needed", "needs", "necessary", "required", "useful", "help", "helps", "work", "works",
    "matter", "matters", "important", "perlu", "diperlukan", "dibutuhkan", "butuh", "berguna",
    "penting", "membantu", "ngaruh", "berpengaruh",
})
USELESS_WORDS = frozenset({
    "useless", "unnecessary", "pointless", "overkill", "irrelevant", "percuma", "sia", "gunanya",
})
E_DROP_SUFFIXES = frozenset({"ing", "ings", "ed", "er", "ers", "ation", "ations", "ion", "ions"})
SUFFIXES = frozenset({"ation", "ations", "ment", "ments", "ings", "ness", "annya", "kannya", "ing", "ed"})
STOPWORDS = frozenset({
    "a", "an", "the", "of", "on", "in", "to", "for", "with", "and", "or", "is", "are", "be", "by",
    "at", "it", "its", "as", "that", "this", "yang", "di", "ke", "dari", "dan", "atau", "untuk",
    "dengan", "ini", "itu", "pada", "jadi", "akan", "nya",
})
COPIED_SPAN = 4
VOCABULARY_HITS = 2
INDONESIAN_PREFIXES = ("meng", "meny", "mem", "men", "me", "di", "ter", "ber", "peng", "pem", "pen", "pe", "ke")


def words(text: str) -> list[str]:
    """Lower-case words of ``text``, accents and punctuation removed, "n't" read as "not"."""
    return normalize(_CONTRACTION.sub(r"\1 not", text).replace("_", " ")).split()


def clauses(text: str) -> list[list[str]]:
    """The answer split into clauses of words."""
    return [ws for part in _CLAUSE_BREAK.split(text) if (ws := words(part))]


def _typo_ok(phrase_word: str, word: str) -> bool:
    size = len(phrase_word)
    if size < 5 or abs(len(word) - size) > 2:
        return False
    distance = OSA.distance(phrase_word, word)
    if size == 5:
        # one insertion, deletion or swap; a substitution in a 5-letter word
        # too often makes another real word ("token"/"taken")
        return distance == 1 and (len(word) != size or sorted(word) == sorted(phrase_word))
    return distance <= (1 if size <= 8 else 2)


def word_matches(phrase_word: str, word: str) -> bool:
    """True when ``word`` in an answer stands for ``phrase_word`` of a rubric phrase."""
    if not word:
        return False
    if word == phrase_word:
        return True
    if len(phrase_word) <= 3:
        return word == phrase_word + "s"
    if _inflected(phrase_word, word) or _typo_ok(phrase_word, word):
        return True
    for prefix in INDONESIAN_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            stem = word[len(prefix):]
            if stem == phrase_word or _inflected(phrase_word, stem):
                return True
    return False


def _inflected(phrase_word: str, word: str) -> bool:
    """``word`` is ``phrase_word`` plus a short or known suffix ("indexes", "caching", "cachenya")."""
    if len(phrase_word) >= 4 and word.startswith(phrase_word):
        suffix = word[len(phrase_word):]
        if len(suffix) <= 3 or suffix in SUFFIXES:
            return True
    if phrase_word.endswith("e") and len(phrase_word) >= 5 and word.startswith(phrase_word[:-1]):
        return word[len(phrase_word) - 1:] in E_DROP_SUFFIXES
    return False


def _window_match(phrase: Sequence[str], window: Sequence[str]) -> bool:
    """Every phrase word matches a distinct word of the window (any order)."""
    used: set[int] = set()
    for phrase_word in phrase:
        for index, word in enumerate(window):
            if index not in used and word_matches(phrase_word, word):
                used.add(index)
                break
        else:
            return False
    return True


def _negated(clause: Sequence[str], start: int, end: int) -> bool:
    before = clause[max(0, start - NEGATION_REACH):start]
    for offset, word in enumerate(before):
        if word in NEGATIONS:
            following = before[offset + 1] if offset + 1 < len(before) else clause[start]
            if following not in NOT_A_NEGATION_AFTER:
                return True
    after = clause[end:end + AFTER_REACH]
    if any(w in USELESS_WORDS for w in after):
        return True
    return any(w in NEGATIONS for w in after) and any(w in NEED_WORDS for w in after)


def find_phrase(phrase: Sequence[str], answer: Sequence[Sequence[str]]) -> bool:
    """True when ``phrase`` occurs, not negated, in one of the answer's clauses."""
    if not phrase:
        return False
    size = len(phrase)
    slack = MAX_FILLER_WORDS if size > 1 else 0
    for clause in answer:
        for start in range(len(clause)):
            if not any(word_matches(p, clause[start]) for p in phrase):
                continue
            for width in range(size, size + slack + 1):
                window = clause[start:start + width]
                if len(window) < size:
                    break
                if _window_match(phrase, window):
                    if not _negated(clause, start, start + width):
                        return True
                    break
    return False


def phrase_words(phrase: str) -> list[str]:
    """A rubric phrase as words, without filler words unless it has nothing else."""
    all_words = words(phrase)
    content = [w for w in all_words if w not in STOPWORDS]
    return content or all_words


def _concept_words(concept: Concept) -> set[str]:
    texts = (*concept.phrases.en, *concept.phrases.id, concept.label.en, concept.label.id)
    return {w for text in texts for w in words(text) if w not in STOPWORDS and len(w) >= 4}


def _distinctive_words(question: Question, prompts: Sequence[Sequence[str]]) -> dict[str, set[str]]:
    """Per concept, its words that no other concept of the question and not the question itself use."""
    in_prompt = {w for prompt in prompts for w in prompt}
    own = {c.id: _concept_words(c) for c in question.rubric}
    result = {}
    for concept_id, vocab in own.items():
        others = set().union(*(v for k, v in own.items() if k != concept_id))
        result[concept_id] = {w for w in vocab if w not in others and w not in in_prompt}
    return result


def _vocabulary_hit(vocabulary: set[str], answer: Sequence[Sequence[str]]) -> bool:
    """Two or more of a concept's distinctive words, not negated, in one clause."""
    for clause in answer:
        found = set()
        for index, word in enumerate(clause):
            for term in vocabulary:
                if term not in found and word_matches(term, word) and not _negated(clause, index, index + 1):
                    found.add(term)
                    break
        if len(found) >= VOCABULARY_HITS:
            return True
    return False


def _mask_copied(answer: list[list[str]], prompts: Sequence[Sequence[str]]) -> list[list[str]]:
    """Blank out runs of four or more words copied from the question, so restating it earns nothing."""
    grams = {
        tuple(prompt[i:i + COPIED_SPAN]) for prompt in prompts for i in range(len(prompt) - COPIED_SPAN + 1)
    }
    masked = []
    for clause in answer:
        keep = list(clause)
        for i in range(len(clause) - COPIED_SPAN + 1):
            if tuple(clause[i:i + COPIED_SPAN]) in grams:
                for j in range(i, i + COPIED_SPAN):
                    keep[j] = ""
        masked.append(keep)
    return masked


@dataclass(frozen=True)
class Grade:
    """The verdict on one answer, with the concepts hit and missed."""

    verdict: Verdict
    score: float
    hit: tuple[str, ...]
    missed: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """The grade as plain data (for ``--json``)."""
        return {"verdict": self.verdict, "score": round(self.score, 3),
                "hit": list(self.hit), "missed": list(self.missed)}


def verdict_for(score: float, hits: int) -> Verdict:
    """Map a score to a verdict."""
    if score >= CORRECT_AT:
        return "correct"
    if score >= PARTIAL_AT and hits:
        return "partial"
    return "incorrect"


def grade(question: Question, answer: str) -> Grade:
    """Grade ``answer`` to an open ``question``; never raises on any text."""
    if question.kind != "open":
        raise ValueError(f"question {question.id!r} is a choice question; grade the option instead")
    prompt_words = [words(question.prompt.en), words(question.prompt.id)]
    answer_clauses = _mask_copied(clauses(str(answer)[:MAX_ANSWER_CHARS]), prompt_words)
    total = sum(c.weight for c in question.rubric)
    vocabulary = _distinctive_words(question, prompt_words)
    hit: list[str] = []
    missed: list[str] = []
    earned = 0
    for concept in question.rubric:
        phrases = [phrase_words(p) for p in (*concept.phrases.en, *concept.phrases.id)]
        if any(find_phrase(p, answer_clauses) for p in phrases if p) or _vocabulary_hit(
            vocabulary[concept.id], answer_clauses
        ):
            hit.append(concept.id)
            earned += concept.weight
        else:
            missed.append(concept.id)
    score = earned / total if total else 0.0
    return Grade(verdict_for(score, len(hit)), score, tuple(hit), tuple(missed))


_OPTION_LETTERS = "abcdef"


def choice_index(question: Question, answer: str) -> int | None:
    """The option an answer picks: ``2``, ``b``, ``B)`` or the option's own text."""
    text = " ".join(words(str(answer)[:500]))
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= len(question.options):
        return int(text) - 1
    if len(text) == 1 and text in _OPTION_LETTERS[: len(question.options)]:
        return _OPTION_LETTERS.index(text)
    for index, option in enumerate(question.options):
        if text in (" ".join(words(option.en)), " ".join(words(option.id))):
            return index
    return None


def grade_choice(question: Question, answer: str) -> Grade:
    """Grade a choice question: the picked option is right or it is not."""
    picked = choice_index(question, answer)
    if picked is not None and picked == question.answer:
        return Grade("correct", 1.0, ("answer",), ())
    return Grade("incorrect", 0.0, (), ("answer",))


def grade_answer(question: Question, answer: str) -> Grade:
    """Grade any question: the rubric for open ones, the option for choice ones."""
    return grade(question, answer) if question.kind == "open" else grade_choice(question, answer)
