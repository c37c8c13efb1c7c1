"""How learners write: words of an answer with their positions, word forms, negations.

An answer is cut into tokens that remember where they stand in the text, so
a verdict can quote the learner's own words. Each word gets a set of
*forms*: the word itself, its English and Indonesian Snowball stems
(``snowballstemmer``: "reaches" -> "reach", "dicuri"/"mencuri" -> "curi",
"kerugiannya" -> "rugi"), the formal word for everyday Indonesian ("gak" ->
"tidak", "bikin" -> "buat", "pake" -> "pakai") and the stems of colloquial
verb shapes ("nyelesaiin" -> "selesai", "tambahin" -> "tambah", "ngecek" ->
"cek", "sekumpulan" -> "kumpul"). A rubric word and an answer word match
when their forms meet, so word forms work in both directions.

Snowball was chosen over a lemmatiser (simplemma) because its Indonesian
stemmer strips the confixes learners actually use (ke-an, pe-an, di-, meN-,
-nya) without a dictionary, runs in microseconds, and is one small, pure
Python, well-kept package for both languages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import OSA


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Any:
    """Snowball's stemmer for ``language``, made on first use: ``snowballstemmer`` imports all of its
    30-odd languages, which takes longer than the rest of the grader, and a command that never grades
    (``jalur chat`` answering ``/help``) should not pay for it."""
    import snowballstemmer  # type: ignore[import-untyped]

    return snowballstemmer.stemmer(language)


NEGATIONS = frozenset({
    "not", "no", "never", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "shouldnt",
    "cant", "cannot", "wouldnt", "couldnt", "wont", "mustnt", "without", "nor", "neither", "none",
    "tidak", "tak", "nggak", "ngga", "gak", "ga", "enggak", "engga", "ndak", "nda", "kagak", "gk", "ngak",
    "tdk", "bukan", "jangan", "jgn", "tanpa", "belum", "blm", "bkn",
})
"""Words that say "not"; in a rubric phrase any of them matches any other."""

COLLOQUIAL = {
    "udah": "sudah", "udh": "sudah", "sdh": "sudah", "dah": "sudah", "bikin": "buat", "bkin": "buat",
    "pake": "pakai", "pakek": "pakai", "pk": "pakai", "aja": "saja", "aj": "saja", "yg": "yang",
    "dgn": "dengan", "dg": "dengan", "krn": "karena", "karna": "karena", "utk": "untuk", "jd": "jadi",
    "trus": "terus", "trs": "terus", "kalo": "kalau", "klo": "kalau", "gimana": "bagaimana",
    "gmn": "bagaimana", "barengan": "bersamaan", "bareng": "bersama", "biar": "supaya", "tau": "tahu",
    "liat": "lihat", "cuma": "hanya", "cuman": "hanya", "cm": "hanya", "emang": "memang",
    "ilang": "hilang", "nyimpen": "simpan", "simpen": "simpan", "bener": "benar", "benerin": "benar",
    "nunggu": "tunggu", "nungguin": "tunggu", "ngirim": "kirim", "kirimin": "kirim",
    "ngasih": "kasih", "kasi": "kasih", "apus": "hapus", "ngapus": "hapus", "ngehapus": "hapus",
    "taro": "taruh", "naro": "taruh", "naruh": "taruh", "gede": "besar", "lemot": "lambat",
    "lelet": "lambat", "cepet": "cepat", "dapet": "dapat", "dpt": "dapat", "sampe": "sampai",
    "ampe": "sampai", "misal": "misalnya", "tiap": "setiap", "tp": "tapi", "tpi": "tapi", "dlm": "dalam",
    "bs": "bisa", "bsa": "bisa", "hrs": "harus", "mesti": "harus", "kudu": "harus", "dr": "dari",
    "sm": "sama", "sma": "sama", "lg": "lagi", "lgsg": "langsung", "ribet": "rumit",
    "jalanin": "jalan", "ngejalanin": "jalan", "makenya": "pakai", "dipake": "pakai", "dipakai": "pakai",
    "ngecek": "cek", "ngecheck": "check", "ngetes": "tes", "ngetest": "test", "dites": "tes",
    "ngumpulin": "kumpul", "kelar": "selesai", "beres": "selesai", "abis": "habis", "ntar": "nanti",
    "nnti": "nanti", "blom": "belum", "blum": "belum", "gausah": "tidak usah", "gaboleh": "tidak boleh",
    "gabisa": "tidak bisa", "gamau": "tidak mau", "gaperlu": "tidak perlu",
}
"""Everyday Indonesian (and chat spelling) -> the formal word a rubric is written in."""

_UNSURE = re.compile(
    r"\bnot (?:really |entirely |too |quite |100% )?sure\b|\bunsure\b|\bno idea\b|\bnot certain\b"
    r"|\b(?:gak|ga|nggak|ngga|enggak|engga|tidak|tak|kurang|belum|blm|ndak|gk) (?:terlalu |begitu |gitu |100% )?"
    r"(?:yakin|paham|ngerti|mengerti)\b|\bkurang (?:tau|tahu)\b|\b(?:agak|masih) bingung\b|\blupa(?:2|-lupa)\b",
    re.IGNORECASE)
"""A learner saying they do not know part of the answer: "not sure about the jobs part", "kurang paham",
"gak yakin", "agak bingung soal pay"."""


_CONDITION_BEFORE = re.compile(r"\b(?:if|when|whenever|kalau|kalo|klo|jika|bila|apabila|misal)\b[^.,;:!?\n]{0,30}$",
                               re.IGNORECASE)


def admits_not_knowing(text: str) -> bool:
    """True when the answer says its writer is unsure of (part of) it, in English or everyday Indonesian
    (not a condition: "kalau saya tidak paham perubahan teman, saya tanya langsung")."""
    return any(not _CONDITION_BEFORE.search(text, 0, m.start()) for m in _UNSURE.finditer(text))

_NOT_IN_VERBS = frozenset({
    "login", "plugin", "admin", "within", "begin", "margin", "origin", "cabin", "mesin", "ingin", "latin",
    "cousin", "robin", "checkin", "signin", "builtin", "linkedin", "kotlin", "jenkins", "berlin", "vitamin",
    "protein", "toxin", "insulin", "penguin", "coffin", "muffin", "satin", "dolphin", "goblin", "virgin",
})
"""English and Indonesian words that end in -in but are not colloquial -in verbs."""

_INDONESIAN_PREFIXES = ("se", "ke", "ber", "ter", "di", "me", "pe", "per")
_CONTRAST = frozenset({
    "but", "however", "although", "though", "whereas", "while", "tapi", "tetapi", "namun", "melainkan",
    "sedangkan", "padahal", "walaupun", "meskipun", "walau", "tp", "tpi",
})
"""Words that start a new clause: a phrase never spans them and a negation stops at them."""

_TOKEN = re.compile(r"[^\W_]+(?:['’]t)?", re.UNICODE)
_SENTENCE_GAP = re.compile(r"[.!?;]+(?:\s|$)|[!?;]|[\n\r\u3002]|(?:\s|^)[-*•]\s")
_COMMA_GAP = re.compile(r"[,:()/\[\]]|\s-\s")


@dataclass(frozen=True, slots=True)
class Token:
    """One word of an answer: its plain form, its place in the text and in the sentence."""

    word: str
    start: int
    end: int
    clause: int
    segment: int

    @property
    def negation(self) -> bool:
        """True when the word says "not"."""
        return self.word in NEGATIONS


def fold(text: str) -> str:
    """Lower case without accents ("Café" -> "cafe"); keeps the length of plain ASCII text."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def plain_word(raw: str) -> str:
    """A token as a plain word: folded, apostrophes dropped ("Don't" -> "dont")."""
    return fold(raw).replace("'", "").replace("’", "")


_REDUPLICATED = re.compile(r"^([a-z]{3,})2(nya|an|lah|kan|in)?$")
_NUMBERED_NAMES = frozenset({"oauth", "http", "python", "sha", "ipv", "web", "tls", "ssl", "md", "log", "utf"})


def _reduplicated(word: str) -> tuple[str, str] | None:
    """Everyday Indonesian writes a doubled word with a 2: "dua2nya" is "dua-duanya", "masing2" "masing-masing"."""
    match = _REDUPLICATED.match(word)
    if match is None or match.group(1) in _NUMBERED_NAMES:
        return None
    base, suffix = match.group(1), match.group(2) or ""
    return base, base + suffix


def tokenize(text: str) -> list[Token]:
    """The words of ``text`` with their spans, clause numbers and comma-segment numbers.

    A clause ends at sentence punctuation, a line break, a list bullet or a
    contrast word ("but", "tapi", "while"); a segment also ends at a comma.
    """
    tokens: list[Token] = []
    clause = segment = 0
    last_end = 0
    for match in _TOKEN.finditer(text):
        gap = text[last_end:match.start() + 1]  # with the next word's first letter: "order.cancel" is one clause
        word = plain_word(match.group())
        if tokens and _SENTENCE_GAP.search(gap):
            clause += 1
            segment += 1
        elif tokens and _COMMA_GAP.search(gap):
            segment += 1
        last_end = match.end()
        if word in _CONTRAST and not _not_a_contrast(word, tokens) and gap[:-1] != "-":
            clause += 1
            segment += 1
            continue
        doubled = _reduplicated(word)
        if doubled is not None:
            for part in doubled:
                tokens.append(Token(part, match.start(), match.end(), clause, segment))
        elif word:
            tokens.append(Token(word, match.start(), match.end(), clause, segment))
    return tokens


_BUT_MEANS_EXCEPT = frozenset({"all", "anything", "nothing", "everything", "none", "everyone", "anyone"})


def _not_a_contrast(word: str, before: list[Token]) -> bool:
    """ "do ... while" is a loop and "all but the first" means "except": neither starts a clause
    (nor does a hyphenated "stale-while-revalidate")."""
    previous = before[-1].word if before else ""
    return (word == "while" and previous == "do") or (word == "but" and previous in _BUT_MEANS_EXCEPT)


def words(text: str) -> list[str]:
    """The plain words of ``text``."""
    return [t.word for t in tokenize(text)]


def _stems(word: str) -> set[str]:
    found = {word}
    if word.isascii() and word.isalpha():
        found.add(_stemmer("english").stemWord(word))
        if not word.endswith(_ENGLISH_ENDS):  # "permission" is no per- form of "mission"
            found.add(_stemmer("indonesian").stemWord(word))
    return found


def _colloquial_shapes(word: str) -> set[str]:
    """Formal guesses for a colloquial verb: nyelesaiin -> selesaikan, ngecek -> cek, nelan -> telan, tambahin -> tambahkan."""
    shapes = {word}
    if len(word) >= 6 and word.endswith("in") and not word.endswith(("ain", "oin")) and word not in _NOT_IN_VERBS:
        base = word[:-2]
        shapes |= {base, base + "kan", base + "i"}
    for base in list(shapes):
        if base.startswith("nge") and len(base) >= 6:
            shapes.add(base[3:])
        elif base.startswith("ny") and len(base) >= 5:
            shapes.add("s" + base[2:])
        elif base.startswith("ng") and len(base) >= 5:
            shapes |= {base[2:], "k" + base[2:]}
        elif base.startswith("n") and len(base) >= 5:
            shapes.add("t" + base[1:])  # nelan -> telan, nulis -> tulis
        elif base.startswith("m") and len(base) >= 5:
            shapes.add("p" + base[1:])  # milih -> pilih, mukul -> pukul
    return shapes


_LOAN_ENDINGS = (("ksi", "ction"), ("psi", "ption"), ("si", "tion"), ("tas", "ty"), ("ur", "ure"), ("al", "al"))


@lru_cache(maxsize=65536)
def loan_shapes(word: str) -> frozenset[str]:
    """English guesses for an Indonesian loanword: partisi -> partition, koneksi -> connection, kueri -> query."""
    if len(word) < 5 or not word.isascii() or not word.isalpha():
        return frozenset()
    shapes = set()
    for ending, english in _LOAN_ENDINGS:
        if word.endswith(ending):
            shapes.add(word[: -len(ending)] + english)
            break
    shapes |= {s.replace("k", "c") for s in (shapes | {word}) if "k" in s}
    if word.endswith("ks"):
        shapes.add(word[:-2] + "x")  # indeks -> index, sintaks -> syntax is left to typos
    if word.startswith("ku"):
        shapes.add("q" + word[1:].replace("eri", "ery"))
    return frozenset(shapes - {word})


_ENGLISH_ENDS = ("ion", "ment", "ance", "ence", "ity", "ing", "ed", "er", "ly", "ive", "ous", "ic", "al", "ure")
"""Endings that make "permission", "performance", "terminal" English words, not per-/ter- forms."""
_NASAL_ROOTS = (("meny", "s"), ("peny", "s"), ("meng", "k"), ("peng", "k"), ("mem", "p"), ("pem", "p"),
                ("men", "t"), ("pen", "t"))
_VOWELS = frozenset("aeiou")


def _without_affixes(word: str) -> set[str]:
    """The word without the affixes learners put on any word: di-/ke-/se-/ber-/ter-, -nya, meN-/peN-."""
    shapes = {word}
    if word.endswith("nya") and len(word) >= 6:
        shapes.add(word[:-3])  # testnya -> test, querynya -> query
    for prefix in _INDONESIAN_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            rest = word[len(prefix):]
            if prefix in ("se", "ke", "di") or (_stemmer("indonesian").stemWord(rest) != rest and not rest.endswith(_ENGLISH_ENDS)):
                shapes.add(rest)
    for prefix, initial in _NASAL_ROOTS:
        if word.startswith(prefix) and len(word) >= len(prefix) + 4 and word[len(prefix)] in _VOWELS:
            shapes.add(initial + word[len(prefix):])  # mengurangi -> kurangi, menulis -> tulis
    return shapes


@lru_cache(maxsize=65536)
def forms(word: str) -> frozenset[str]:
    """Every form ``word`` can stand for: itself, its stems, its formal Indonesian equivalents."""
    if word in NEGATIONS:
        return frozenset({word})
    result = {word}
    for bare in _without_affixes(word):
        formal = COLLOQUIAL.get(bare)
        for shape in {bare, *(formal.split() if formal else ())} | _colloquial_shapes(bare) | loan_shapes(bare):
            result.add(shape)
            result |= _stems(shape)
            if shape.endswith("en") and len(shape) >= 5:
                result |= _stems(shape[:-2] + "an")  # simpen -> simpan
    return frozenset(f for f in result if f)


@lru_cache(maxsize=65536)
def root(word: str) -> str:
    """The Indonesian root of ``word`` (itself when it has no affixes)."""
    return _stemmer("indonesian").stemWord(word) if word.isascii() and word.isalpha() else word


def typo_of(rubric_word: str, word: str) -> bool:
    """True when ``word`` looks like ``rubric_word`` typed with a slip ("cahce", "profle").

    Short words never count: a substitution in a 5-letter word too often
    makes another real word ("token"/"taken"). A slip keeps the first letter
    (or swaps the first two): "invalidate" is not "revalidate". Two affixed Indonesian words
    with different roots are different words ("buahan"/"buatan").
    """
    size = len(rubric_word)
    if size < 5 or abs(len(word) - size) > 2 or not word.isalpha() or word in COLLOQUIAL:
        return False  # "trus" is "terus", not a slip for "trust"
    distance = OSA.distance(rubric_word, word)
    if distance == 0:
        return True
    if rubric_word.endswith(word) or word.endswith(rubric_word):
        return False  # a prefix is no slip: "redelivery" is not "delivery", "abiotik" is not "biotik"
    if word[0] != rubric_word[0] and word[:2] != rubric_word[1::-1]:
        return False  # slips keep the first letter: "invalidate" is not "revalidate" ("rwite" still is "write")
    if size == 5:
        if distance != 1 or (len(word) == size and sorted(word) != sorted(rubric_word)):
            return False
    elif distance > (1 if size <= 8 else 2):
        return False
    root_a, root_b = root(rubric_word), root(word)
    return not (root_a != rubric_word and root_b != word and root_a != root_b)


def words_match(rubric_word: str, word: str) -> bool:
    """True when an answer's ``word`` stands for a rubric phrase's ``rubric_word``."""
    if not word:
        return False
    if rubric_word == word:
        return True
    if rubric_word in NEGATIONS:
        return word in NEGATIONS
    if word in NEGATIONS:
        return False
    if len(rubric_word) <= 3:
        return word == rubric_word + "s" or rubric_word in forms(word)
    if forms(rubric_word) & forms(word):
        return True
    return typo_of(rubric_word, word) or any(typo_of(rubric_word, shape) for shape in loan_shapes(word))
