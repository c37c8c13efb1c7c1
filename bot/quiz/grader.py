"""Grade a free-text answer against an open question's rubric.

Deterministic and pure. How an interviewer judges, written as rules:

- A rubric concept is *stated* when one of its phrases (English or
  Indonesian, any mix) occurs in the answer and is not denied (see
  ``bot.quiz.phrases``). A looser signal, two of the concept's own words
  (words of its phrases and label that no other concept and not the
  question uses) in one clause, is a *hint*: it earns half the weight. Three
  or more such words in one clause are a paraphrase: a hint that also meets
  a core requirement. Two words never make an answer correct.
- ``core`` concepts carry the central idea; core concepts that share a
  ``group`` are alternatives. The answer is ``correct`` when it meets every
  core requirement, or all but one when it covers at least 70% of the
  weight. It is ``partial`` when it meets some core requirement or covers
  at least a quarter of the weight, else ``incorrect``.
- A rubric without core concepts (an older pack) is judged by weight alone:
  70% correct, 30% partial.
- Stating a ``misconception`` ("processes share memory, threads are
  isolated"; its phrases match in the written order only) keeps an answer
  from ``correct``, and the words that state it earn no concept.
- A bare list of terms, nothing but the words of two or more concepts and of
  the question ("atomicity, consistency, isolation, durability"), is at most
  ``partial``, unless the question asks for names ("Name the...",
  "Sebutkan...").
  A short list that states every concept of the rubric in a few words each
  ("add new column, dual write, backfill, switch reads, drop old column") is
  a complete answer in shorthand and keeps its verdict.
- An answer under a tenth of the model answer's length ("race condition,
  use atomic incr") can name the fix but not explain it: at most
  ``partial``, unless the question asks for names. So is an answer whose
  writer says they are unsure of part of it ("not sure about the jobs
  part", "yg soal framework kurang paham").
- Ordered concepts and concepts that are an absence get no hints (loose
  words know neither order nor "not"), nor do everyday words ("many",
  "same", "bisa"). Runs of five or more words copied from the question earn
  nothing.

The grade quotes, for every concept found, the learner's own words that
earned it, so the verdict can be explained.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from bot.content.models import Concept, Misconception, Question
from bot.quiz.language import NEGATIONS, Token, admits_not_knowing, forms, tokenize, words
from bot.quiz.phrases import FILLER_WORDS, AnswerIndex, Match, Phrase, compile_phrase, denied, find

log = logging.getLogger(__name__)

Verdict = Literal["correct", "partial", "incorrect"]

CORRECT_AT = 0.7
PARTIAL_AT = 0.3
PARTIAL_COVERAGE = 0.25
CORE_SHARE = 0.7
HINT_SHARE = 0.5
MAX_ANSWER_CHARS = 5000
COPIED_SPAN = 5
HINT_WORDS = 2
PARAPHRASE_WORDS = 3
TERM_LIST_CONCEPTS = 2
BRIEF_SHARE = 0.1  # an answer shorter than this share of the model answer (in words) is brief
MAX_QUOTE_CHARS = 80
QUOTE_CONTEXT = 2
_CACHE_SIZE = 512

EXPLAINING_WORDS = frozenset({
    "a", "an", "the", "is", "are", "was", "be", "to", "of", "for", "in", "on", "at", "by", "with", "from",
    "so", "because", "if", "when", "then", "than", "that", "which", "it", "its", "this", "we", "i", "you",
    "they", "use", "using", "do", "does", "should", "must", "can", "will", "would", "make", "keep", "put",
    "into", "before", "after", "until", "each", "every", "per", "via", "instead", "only", "first", "yang",
    "di", "ke", "dari", "untuk", "dengan", "jadi", "biar", "supaya", "agar", "kalau", "kalo", "jika",
    "karena", "terus", "trus", "lalu", "pake", "pakai", "buat", "bikin", "itu", "ini", "ada", "sudah",
    "udah", "harus", "bisa", "nanti", "dulu", "aja", "saja", "tiap", "setiap", "sama", "kita", "aku", "saya",
    "kamu", "gue", "gw", "dipakai", "dipake", "yg", "dgn", "utk", "pas", "waktu", "sebelum", "sesudah",
    "setelah", "habis", "abis", "has", "have", "not", "no", "dont", "tidak", "gak", "jangan", "tanpa", "baru",
    "dapet", "dapat", "means", "artinya", "berarti", "returns", "gets", "sends", "kirim", "cek", "check",
    "between", "antara", "among", "like", "such", "seperti", "misalnya", "adalah", "merupakan", "ialah",
    "butuh", "perlu", "tergantung", "depends", "need", "needs", "better", "lebih", "mending",
    "add", "drop", "remove", "switch", "new", "old", "vs", "versus", "later", "set", "move", "split", "tambah",
    "hapus", "ganti", "pindah",
}) | NEGATIONS
"""Words that turn a list of terms into an explanation; an answer with none of them is a term list."""


@dataclass(frozen=True)
class _Concept:
    id: str
    weight: int
    core: bool
    unit: str
    phrases: tuple[Phrase, ...]
    vocabulary: frozenset[str]


NAMING_PROMPTS = (("name",), ("list",), ("what", "are", "the"), ("sebutkan",), ("tuliskan",), ("identify",),
                  ("apa", "saja"))
"""How a question that asks for names starts ("Name the operations...", "Sebutkan..."): a list of terms answers it."""


@dataclass(frozen=True)
class _Rubric:
    concepts: tuple[_Concept, ...]
    asks_for_names: bool
    misconceptions: tuple[tuple[str, tuple[Phrase, ...]], ...]
    prompt_grams: frozenset[tuple[str, ...]]
    prompt_words: frozenset[str]
    words: frozenset[str]
    total: int
    core_units: frozenset[str]
    model_words: int  # the shorter model answer's length in words (0: none)


def _compile_phrases(owner: Concept | Misconception, ordered: bool) -> tuple[Phrase, ...]:
    texts = (*owner.phrases.en, *owner.phrases.id)
    return tuple(p for p in (compile_phrase(t, ordered) for t in texts) if p.words)


COMMON_WORDS = frozenset(["about", "after", "again", "also", "always", "another", "anything", "because", "before", "being", "best", "better", "both", "could", "does", "doing", "done", "down", "each", "easy", "even", "every", "everything", "from", "give", "good", "have", "here", "into", "just", "keep", "kind", "know", "like", "make", "many", "more", "most", "much", "must", "need", "never", "only", "other", "over", "people", "really", "right", "same", "should", "show", "since", "some", "something", "still", "such", "sure", "take", "than", "that", "them", "then", "there", "these", "they", "thing", "things", "this", "those", "through", "time", "times", "until", "very", "want", "well", "were", "what", "when", "where", "which", "while", "will", "with", "within", "without", "would", "your", "bisa", "lebih", "yang", "atau", "untuk", "dengan", "sudah", "belum", "kalau", "juga", "harus", "saja", "karena", "supaya", "agar", "tidak", "akan", "pakai", "kita", "saya", "kamu", "semua", "setiap", "tiap", "waktu", "sama", "banyak", "cara", "hanya", "masih", "baru", "dulu", "nanti", "sekali", "lagi", "langsung", "biasanya", "misalnya", "seperti", "dari", "pada", "oleh", "antara", "setelah", "sebelum", "jadi", "buat", "bikin", "kalo", "terus", "sering", "paling", "satu", "kedua", "hal", "lain", "lainnya", "dalam", "luar", "atas", "bawah", "berarti", "jelek", "bagus", "gampang", "susah"])
"""Everyday words that say nothing about a concept, so they are never a hint."""


@lru_cache(maxsize=1)
def _common_forms() -> frozenset[str]:
    """Every form of the common words (on first use, not at import: forms need the stemmers)."""
    return frozenset(f for w in COMMON_WORDS for f in forms(w))


def _concept_words(concept: Concept) -> set[str]:
    texts = (*concept.phrases.en, *concept.phrases.id, concept.label.en, concept.label.id)
    return {w for text in texts for w in words(text)
            if w not in FILLER_WORDS and w not in NEGATIONS and len(w) >= 4 and not forms(w) & _common_forms()}


def _compile(question: Question) -> _Rubric:
    prompts = [words(question.prompt.en), words(question.prompt.id)]
    in_prompt = {w for prompt in prompts for w in prompt}
    prompt_forms = {f for w in in_prompt for f in forms(w)}
    own = {c.id: _concept_words(c) for c in question.rubric}
    concepts = []
    for concept in question.rubric:
        others = set().union(*(v for k, v in own.items() if k != concept.id))
        vocabulary = frozenset(w for w in own[concept.id]
                               if w not in others and w not in in_prompt and not forms(w) & prompt_forms)
        unit = f"group:{concept.group}" if concept.group else concept.id
        phrases = _compile_phrases(concept, concept.ordered)
        if concept.ordered or any(p.negative for p in phrases):
            vocabulary = frozenset()  # loose words know neither order nor "not"
        concepts.append(_Concept(concept.id, concept.weight, concept.core, unit, phrases, vocabulary))
    grams = frozenset(tuple(p[i:i + COPIED_SPAN]) for p in prompts for i in range(len(p) - COPIED_SPAN + 1))
    return _Rubric(
        tuple(concepts),
        any(tuple(p[:len(n)]) == n for p in prompts for n in NAMING_PROMPTS),
        tuple((m.id, _compile_phrases(m, True)) for m in question.misconceptions),
        grams,
        frozenset(in_prompt),
        frozenset(w for c in concepts for p in c.phrases for w in p.words if w not in NEGATIONS),
        sum(c.weight for c in question.rubric),
        frozenset(c.unit for c in concepts if c.core),
        min(len(words(question.model_answer.en)), len(words(question.model_answer.id)))
        if question.model_answer else 0,
    )


_compiled: OrderedDict[int, tuple[Question, _Rubric]] = OrderedDict()
_compiled_lock = threading.Lock()


def _rubric(question: Question) -> _Rubric:
    """The question's rubric compiled for matching (cached; questions are immutable)."""
    with _compiled_lock:  # long answers are graded in a worker thread
        entry = _compiled.get(id(question))
        if entry is not None and entry[0] is question:
            _compiled.move_to_end(id(question))
            return entry[1]
    rubric = _compile(question)
    with _compiled_lock:
        _compiled[id(question)] = (question, rubric)
        if len(_compiled) > _CACHE_SIZE:
            _compiled.popitem(last=False)
    return rubric


def prepare(questions: Iterable[Question]) -> int:
    """Compile the rubrics of ``questions`` ahead of time (``jalur run`` at start); returns how many.

    The first grading of a question otherwise pays for compiling its rubric.
    """
    count = 0
    for question in questions:
        if question.kind == "open":
            _rubric(question)
            count += 1
    return count


@dataclass(frozen=True)
class Grade:
    """The verdict on one answer: concepts hit (``hinted`` ones only loosely) and missed, with quotes."""

    verdict: Verdict
    score: float
    hit: tuple[str, ...]
    missed: tuple[str, ...]
    quotes: tuple[tuple[str, str], ...] = ()
    wrong: tuple[tuple[str, str], ...] = ()
    term_list: bool = False
    hinted: tuple[str, ...] = ()
    brief: bool = False  # held back from correct: far shorter than a complete answer
    unsure: bool = False  # held back from correct: the learner said they are unsure of part of it

    def quote(self, concept_id: str) -> str | None:
        """The learner's words that earned ``concept_id`` (or stated the misconception)."""
        return dict(self.quotes).get(concept_id) or dict(self.wrong).get(concept_id)

    def as_dict(self) -> dict[str, object]:
        """The grade as plain data (for ``--json``)."""
        return {"verdict": self.verdict, "score": round(self.score, 3), "hit": list(self.hit),
                "missed": list(self.missed), "quotes": dict(self.quotes),
                "misconceptions": dict(self.wrong), "term_list": self.term_list, "hinted": list(self.hinted),
                "brief": self.brief, "unsure": self.unsure}


def verdict_for(score: float, hits: int) -> Verdict:
    """Map a weighted score to a verdict (rubrics without core concepts)."""
    if score >= CORRECT_AT:
        return "correct"
    if score >= PARTIAL_AT and hits:
        return "partial"
    return "incorrect"


def _mask_copied(tokens: list[Token], grams: frozenset[tuple[str, ...]]) -> list[Token]:
    """Blank out runs of five or more words copied from the question, so restating it earns nothing."""
    blank: set[int] = set()
    for i in range(len(tokens) - COPIED_SPAN + 1):
        if tuple(t.word for t in tokens[i:i + COPIED_SPAN]) in grams:
            blank.update(range(i, i + COPIED_SPAN))
    return [replace(t, word="") if i in blank else t for i, t in enumerate(tokens)]


def _hint(vocabulary: frozenset[str], index: AnswerIndex, taken: frozenset[int]) -> tuple[Match, int] | None:
    """Two or more of a concept's own words, stated (not in ``taken``), in one clause: where, and how many."""
    by_clause: dict[int, dict[str, int]] = {}
    for word in vocabulary:
        for place in index.positions(word) - taken:
            token = index.tokens[place]
            if not denied(index.tokens, place, place):
                by_clause.setdefault(token.clause, {}).setdefault(word, place)
    best: tuple[Match, int] | None = None
    for places in by_clause.values():
        size = len(set(places.values()))
        if size >= HINT_WORDS and (best is None or size > best[1]):
            best = Match(min(places.values()), max(places.values())), size
    return best


def _quote(text: str, tokens: Sequence[Token], match: Match) -> str:
    """The learner's words that earned a concept, with up to two neighbours each side in the same segment."""
    first, last = match.first, match.last
    segment = tokens[first].segment
    for _ in range(QUOTE_CONTEXT):
        if first > 0 and tokens[first - 1].segment == segment:
            first -= 1
        if last + 1 < len(tokens) and tokens[last + 1].segment == tokens[match.last].segment:
            last += 1
    quote = text[tokens[first].start:tokens[last].end]
    return quote if len(quote) <= MAX_QUOTE_CHARS else quote[:MAX_QUOTE_CHARS - 1].rstrip() + "…"


_CODE = re.compile(r"[|=(){}$<>`]|\w\.\w|->")
"""Commands and code explain themselves: "pm2 start app.js", "O(n)", "grep ... | sort"."""


def _hyphenated(text: str, token: Token) -> bool:
    """True when ``token`` is part of a hyphenated term ("at-least-once", "if-none-match")."""
    return text[token.start - 1:token.start] == "-" or text[token.end:token.end + 1] == "-"


def is_term_list(text: str, tokens: Sequence[Token], rubric: _Rubric, index: AnswerIndex) -> bool:
    """True when the answer is rubric words and the question's own words, with nothing that explains them."""
    if any(t.word in EXPLAINING_WORDS and not _hyphenated(text, t) for t in tokens) or _CODE.search(text):
        return False
    content = [i for i, t in enumerate(tokens)
               if t.word and t.word not in FILLER_WORDS and t.word not in rubric.prompt_words]
    if not content:
        return False
    used = {place for word in rubric.words for place in index.positions(word)}  # only now: it is the costly part
    return sum(i not in used for i in content) <= max(1, len(content) // 5)


_FRAGMENT_BREAK = re.compile(r"[,;.:/\n]+(?!\w)|(?<!\w)[,;.:/]+|->|=>|=|\+|\(|\)")
FRAGMENT_LIST_PARTS = 3  # at least this many pieces ...
FRAGMENT_WORDS = 2  # ... most of them this short
MAX_FRAGMENT_WORDS = 6  # and none long enough to be a sentence that explains
MAX_FRAGMENT_LIST_WORDS = 16


def is_fragment_list(text: str) -> bool:
    """True for a short answer made of short pieces, mostly noun phrases without a sentence to explain
    them ("contract first, parallel dev, mocks, codegen"; "audit log, replay, append only")."""
    parts = [len(words(part)) for part in _FRAGMENT_BREAK.split(text)]
    parts = [n for n in parts if n]
    if len(parts) < FRAGMENT_LIST_PARTS or sum(parts) > MAX_FRAGMENT_LIST_WORDS:
        return False
    return sorted(parts)[len(parts) // 2] <= FRAGMENT_WORDS and max(parts) <= MAX_FRAGMENT_WORDS


def _misconceptions(rubric: _Rubric, index: AnswerIndex, text: str,
                    tokens: Sequence[Token]) -> tuple[list[tuple[str, str]], frozenset[int]]:
    """The misconceptions stated (with a quote) and the places of every word that states one."""
    wrong: list[tuple[str, str]] = []
    places: set[int] = set()
    for misconception_id, phrases in rubric.misconceptions:
        matches = [m for p in phrases if (m := find(p, index, claim=True)) is not None]
        if matches:
            wrong.append((misconception_id, _quote(text, tokens, matches[0])))
            for match in matches:  # every part of the wrong claim loses its credit
                places.update(range(match.first, match.last + 1))
    return wrong, frozenset(places)


def grade(question: Question, answer: str) -> Grade:
    """Grade ``answer`` to an open ``question``; never raises on any text."""
    if question.kind != "open":
        raise ValueError(f"question {question.id!r} is a choice question; grade the option instead")
    rubric = _rubric(question)
    text = str(answer)[:MAX_ANSWER_CHARS]
    tokens = _mask_copied(tokenize(text), rubric.prompt_grams)
    index = AnswerIndex(tokens)
    hit, missed, quotes, hinted = [], [], [], []
    earned = 0.0
    units_met: set[str] = set()
    wrong, wrong_places = _misconceptions(rubric, index, text, tokens)
    for concept in rubric.concepts:
        match = next((m for p in concept.phrases if (m := find(p, index, avoid=wrong_places)) is not None), None)
        if match is not None:
            earned += concept.weight
            if concept.core:
                units_met.add(concept.unit)
        elif concept.vocabulary and (hint := _hint(concept.vocabulary, index, wrong_places)) is not None:
            match, size = hint
            earned += concept.weight * HINT_SHARE
            hinted.append(concept.id)
            if concept.core and size >= PARAPHRASE_WORDS:
                units_met.add(concept.unit)
        if match is None:
            missed.append(concept.id)
            continue
        hit.append(concept.id)
        quotes.append((concept.id, _quote(text, tokens, match)))
    coverage = earned / rubric.total if rubric.total else 0.0
    complete = not missed and not hinted and not wrong  # every concept stated in so many words
    term_list = (len(hit) >= TERM_LIST_CONCEPTS and not rubric.asks_for_names
                 and (is_term_list(text, tokens, rubric, index) or (is_fragment_list(text) and not complete)))
    verdict, score = _judge(rubric, units_met, coverage, bool(hit))
    brief = unsure = False
    if verdict == "correct":
        brief = not rubric.asks_for_names and len(tokens) < BRIEF_SHARE * rubric.model_words
        unsure = admits_not_knowing(text)
        if wrong or term_list or brief or unsure:
            verdict, score = "partial", min(score, CORRECT_AT - 0.01)
    if wrong and not units_met:
        verdict, score = "incorrect", min(score, PARTIAL_AT - 0.01)
    return Grade(verdict, round(score, 4), tuple(hit), tuple(missed), tuple(quotes), tuple(wrong),
                 term_list and verdict != "incorrect", tuple(hinted), brief and not term_list,
                 unsure and not term_list)


def _judge(rubric: _Rubric, units_met: set[str], coverage: float, any_hit: bool) -> tuple[Verdict, float]:
    """The verdict and a score in [0, 1] from the core requirements met and the weight covered."""
    if not rubric.core_units:
        return verdict_for(coverage, int(any_hit)), coverage
    needed = len(rubric.core_units)
    met = len(units_met)
    score = CORE_SHARE * met / needed + (1 - CORE_SHARE) * coverage
    if met == needed or (needed >= 2 and met == needed - 1 and coverage >= CORRECT_AT):
        return "correct", max(score, CORRECT_AT)
    if met or coverage >= PARTIAL_COVERAGE:
        return "partial", min(max(score, PARTIAL_AT), CORRECT_AT - 0.01)
    return "incorrect", min(score, PARTIAL_AT - 0.01)


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
