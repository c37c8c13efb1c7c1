"""Finding a rubric phrase in an answer, and whether the answer says it or denies it.

A phrase matches a run of words inside one clause of the answer:

- every phrase word matches a different answer word (see ``language.words_match``),
  with up to three other words in between (one more for each phrase word past three);
- in any order, unless the concept is ``ordered`` ("left root right");
- a "not" word inside a phrase ("no children", "tidak berbiji", "jangan cek
  database di liveness") matches any "not" word of the answer, so a concept
  that *is* an absence is found where the answer states that absence.

An occurrence of a positive phrase does not count when the answer denies it:
a "not" word just before it in the same comma segment ("don't cache", "gak
pake cache", "tanpa index"), a "not" word among the words it spans ("share no
memory"), "instead of" / "rather than" / "daripada" / "avoid" before it, or "not needed"
/ "not enough" / "useless" right after it ("cache is not needed", "cache gak
perlu"). "Not only", "not just", "don't forget" and "jangan lupa" deny nothing;
"don't just" and "jangan cuma" do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.quiz.language import NEGATIONS, Token, forms, loan_shapes, words, words_match

MAX_FILLER_WORDS = 3
NEGATION_REACH = 3
AFTER_REACH = 6

ONLY_WORDS = frozenset({"only", "just", "hanya", "cuma", "sekadar", "saja", "sekedar", "cuman", "merely"})
COMMANDING_NOTS = frozenset({"dont", "never", "jangan", "jgn"})
NOT_A_NEGATION_AFTER = frozenset({
    "forget", "lupa", "lupain", "kelupaan", "lupakan", "overlook", "skip", "ignore", "miss", "neglect", "lewati",
    "lewatin", "ngelewatin", "abaikan", "ngabaikan", "melewatkan",
})
"""After these a "not" denies nothing: "don't forget to", "jangan lupa", "don't skip the requirements"."""
LINKING_WORDS = frozenset({
    "so", "because", "since", "hence", "therefore", "biar", "supaya", "agar", "karena", "krn", "sehingga", "jadi",
})
DENYING_WORDS = frozenset({"daripada", "ketimbang", "bukannya", "avoid", "hindari", "hindarin",
                           "menghindari"})
NOUN_NOTS = frozenset({"tanpa", "without", "no", "none"})
SEQUENCE_WORDS = frozenset({"then", "terus", "trus", "lalu", "kemudian", "ya", "baru"})
CONDITION_WORDS = frozenset({"if", "unless", "kalau", "kalo", "klo", "jika", "jikalau", "apabila", "bila"})
ALTERNATIVE_WORDS = frozenset({"or", "nor", "atau", "maupun", "ataupun"})
NEED_WORDS = frozenset({
    "need", "needed", "needs", "necessary", "required", "useful", "help", "helps", "work", "works", "matter",
    "matters", "important", "perlu", "diperlukan", "dibutuhkan", "butuh", "berguna", "penting", "membantu",
    "ngaruh", "berpengaruh", "usah", "guna", "efektif", "effective", "enough", "sufficient", "cukup", "aman",
    "safe", "secure", "fix", "fixes", "solution", "solusi", "bantu", "ngebantu", "solve", "solves", "lower",
    "reduce", "improve", "speed", "faster", "turun", "nurunin", "mempercepat", "ngaruhnya",
})
USELESS_WORDS = frozenset({
    "useless", "unnecessary", "pointless", "overkill", "irrelevant", "percuma", "sia", "gunanya", "mubazir",
})
FILLER_WORDS = frozenset({
    "a", "an", "the", "of", "on", "in", "to", "for", "with", "and", "or", "is", "are", "be", "by", "at", "it",
    "its", "as", "that", "this", "yang", "di", "ke", "dari", "dan", "atau", "untuk", "dengan", "ini", "itu",
    "pada", "jadi", "akan", "nya", "yg", "dgn", "utk",
})


@dataclass(frozen=True, slots=True)
class Phrase:
    """A rubric phrase as words ready to match; ``negative`` when it states an absence."""

    words: tuple[str, ...]
    ordered: bool

    @property
    def negative(self) -> bool:
        """True when the phrase itself says "not" ("no children")."""
        return any(w in NEGATIONS for w in self.words)


def compile_phrase(text: str, ordered: bool = False) -> Phrase:
    """A phrase's words without filler words (unless it has nothing else).

    A phrase that says "not" matches in its written order, so the "not" stands
    before what it denies ("no business logic" is not "business logic ... not auth").
    """
    all_words = words(text)
    content = tuple(w for w in all_words if w not in FILLER_WORDS) or tuple(all_words)
    return Phrase(content, ordered or any(w in NEGATIONS for w in content))


@dataclass(frozen=True, slots=True)
class Match:
    """Where a phrase was found: the first and last answer token it spans."""

    first: int
    last: int


def _denies(tokens: Sequence[Token], index: int, first: int) -> bool:
    """True when token ``index`` denies the phrase at ``first``: "not", "instead of", "rather than", "daripada"."""
    word = tokens[index].word
    previous = tokens[index - 1].word if index else ""
    if tokens[index].negation:
        following = tokens[index + 1].word if index + 1 < len(tokens) else ""
        if following in ONLY_WORDS:
            return word in COMMANDING_NOTS  # "don't just add a sleep" denies; "not just caching" does not
        # "don't skip the tests" keeps "tests"; the phrase "skip staging" itself is denied
        return following not in NOT_A_NEGATION_AFTER or index + 1 == first
    return word in DENYING_WORDS or (word, previous) in (("of", "instead"), ("than", "rather"))


def denied(tokens: Sequence[Token], first: int, last: int) -> bool:
    """True when the words around tokens ``first..last`` deny them.

    A "not" reaches three words forward in its comma segment, further across
    "or" ("don't ignore the comment or merge anyway").
    """
    start = tokens[first]
    reach = NEGATION_REACH
    crossed_or = False
    index = first - 1
    while index >= 0 and first - index <= reach and tokens[index].segment == start.segment:
        if tokens[index].word in LINKING_WORDS or tokens[index].word in SEQUENCE_WORDS \
                or tokens[index].word in CONDITION_WORDS:
            break  # "gak cukup karena ...", "kalau gak setuju ya diskusi", "don't rebase if someone ..."
        if tokens[index].word in ALTERNATIVE_WORDS:
            reach += NEGATION_REACH + 2
            crossed_or = True
        elif crossed_or and tokens[index].negation:
            return True  # "don't ignore the comment or merge anyway"
        elif _denies(tokens, index, first):
            # "tanpa"/"without"/"no" deny only the next word: "optimasi tanpa data bisa membuang waktu"
            between = [t for t in tokens[index + 1:first] if t.word not in FILLER_WORDS]
            no_need = bool(between) and between[0].word in {"need", "perlu", "usah", "butuh"}
            return tokens[index].word not in NOUN_NOTS or not between or no_need  # "no need to commit it"
        index -= 1
    if any(tokens[i].negation for i in range(first + 1, last)):
        return True
    end = tokens[last]
    after = []
    for token in tokens[last + 1:last + 1 + AFTER_REACH]:
        if token.segment != end.segment or token.word in LINKING_WORDS:
            break  # "... 1 tahun biar user gak perlu login": the "not" belongs to the next clause
        after.append(token.word)
    if any(w in USELESS_WORDS for w in after):
        return True
    return any(w in NEGATIONS for w in after) and any(w in NEED_WORDS for w in after)


def _double_negation(tokens: Sequence[Token], first: int) -> bool:
    """True when a "not" stands just before a phrase that itself says "not" ("bukan berarti gak perlu")."""
    return any(t.negation and t.segment == tokens[first].segment
               for t in tokens[max(0, first - NEGATION_REACH):first])


def _hypothetical(tokens: Sequence[Token], first: int) -> bool:
    """True when an "if" stands just before the words at ``first``, in the same comma segment."""
    return any(t.word in CONDITION_WORDS and t.segment == tokens[first].segment
               for t in tokens[max(0, first - NEGATION_REACH):first])


class AnswerIndex:
    """An answer's tokens with a cache of where each rubric word occurs, built once per grading."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self._by_word: dict[str, list[int]] = {}
        for index, token in enumerate(tokens):
            self._by_word.setdefault(token.word, []).append(index)
        self._by_form: dict[str, set[str]] = {}
        for word in self._by_word:
            if word not in NEGATIONS:
                for form in forms(word):
                    self._by_form.setdefault(form, set()).add(word)
        self._long_words = [w for w in self._by_word if len(w) >= 3 and w.isalpha()]
        self._loans: dict[str, set[str]] = {}
        for word in self._long_words:
            for shape in loan_shapes(word):
                self._loans.setdefault(shape, set()).add(word)
        self._loan_words = list(self._loans)
        self._positions: dict[str, frozenset[int]] = {}

    def positions(self, rubric_word: str) -> frozenset[int]:
        """Indexes of the tokens that stand for ``rubric_word``."""
        found = self._positions.get(rubric_word)
        if found is None:
            found = frozenset(i for w in self._candidates(rubric_word) if words_match(rubric_word, w)
                              for i in self._by_word[w])
            self._positions[rubric_word] = found
        return found

    def _candidates(self, rubric_word: str) -> set[str]:
        if rubric_word in NEGATIONS:
            return {w for w in self._by_word if w in NEGATIONS}
        result = {rubric_word + "s"} & self._by_word.keys()
        if rubric_word in self._by_word:
            result.add(rubric_word)
        for form in forms(rubric_word):
            result |= self._by_form.get(form, set())
        if len(rubric_word) >= 5:
            result |= {w for w, _, _ in process.extract(
                rubric_word, self._long_words, scorer=OSA.distance, score_cutoff=2, limit=None)}
            for shape, _, _ in process.extract(rubric_word, self._loan_words, scorer=OSA.distance,
                                               score_cutoff=2, limit=None):
                result |= self._loans[shape]
        return result


def _fit(phrase: Phrase, index: AnswerIndex, start: int, stop: int) -> list[int] | None:
    """Indexes of answer tokens in ``start..stop`` matched by the phrase's words, or ``None``."""
    used: list[int] = []
    low = start
    for rubric_word in phrase.words:
        places = index.positions(rubric_word)
        for place in range(low if phrase.ordered else start, stop):
            if place in places and place not in used:
                used.append(place)
                if phrase.ordered:
                    low = place + 1
                break
        else:
            return None
    return used


def find(phrase: Phrase, index: AnswerIndex, claim: bool = False, avoid: frozenset[int] = frozenset()) -> Match | None:
    """The first place ``phrase`` is stated (not denied) in the answer.

    With ``claim`` (a misconception), words under an "if" state nothing: "if
    you don't commit the lockfile, CI breaks" does not claim it should not be
    committed. Places in ``avoid`` (words that state a misconception) are
    never part of a match.
    """
    size = len(phrase.words)
    tokens = index.tokens
    if not size or not tokens:
        return None
    slack = MAX_FILLER_WORDS + max(0, size - 3) if size > 1 else 0
    first_words = phrase.words[:1] if phrase.ordered else phrase.words
    starts: set[int] = set()
    for word in first_words:
        places = index.positions(word)
        if not places and not phrase.ordered and word not in NEGATIONS:
            return None
        starts |= places
    for start in sorted(starts):
        clause = tokens[start].clause
        stop = start
        while stop < len(tokens) and stop - start < size + slack and tokens[stop].clause == clause:
            stop += 1
        if stop - start < size:
            continue
        used = _fit(phrase, index, start, stop)
        if used is None:
            continue
        first, last = min(used), max(used)
        if avoid and any(place in avoid for place in range(first, last + 1)):
            continue
        if phrase.negative and _double_negation(tokens, first):
            continue  # "schemaless doesn't mean you don't need a schema"
        if claim and _hypothetical(tokens, first):
            continue
        if phrase.negative or not denied(tokens, first, last):
            return Match(first, last)
    return None
