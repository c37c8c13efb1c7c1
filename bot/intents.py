"""Free text to commands: "what should I learn next?", "apa selanjutnya?", typos and all.

Phrases live in knowledge/ui/intents.yaml. Matching uses rapidfuzz on the
normalised text: a whole-string score that tolerates typos and word order,
plus a whole-phrase hit inside a short sentence ("ok, what next then"), and last
the command whose keywords the text holds most of ("can you test me on databases?
one question is fine" holds "test me" and "question": /quiz), typos forgiven
word by word ("giv me a qiuz").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import OSA

from bot.content.models import IntentPhrases

MATCH_CUTOFF = 82.0
MAX_WORDS_FOR_PHRASE_HIT = 8
MAX_MATCH_CHARS = 200
MAX_WORDS_FOR_KEYWORDS = 30
# One keyword alone asks for something only in a request: a short text, a question, a request word
# ("kasih soal dong" asks for a quiz, "soal kemarin susah banget" talks about one).
REQUEST_CUES = frozenset({
    "please", "pls", "plz", "can", "could", "would", "give", "giv", "gimme", "send", "show", "start", "lets", "let",
    "want", "wanna", "need", "dong", "donk", "dnk", "yuk", "ayo", "yok", "kasih", "kasi", "minta",
    "mau", "pengen", "pingin", "ingin", "tolong", "mulai", "coba", "bikinin", "ajak",
    # question words: "how long is my current strek", "strik aku brapa hari skrg"
    "how", "what", "whats", "when", "which", "am", "did", "do", "does", "is", "apa", "ap", "berapa", "brapa",
    "brp", "gimana", "gmn", "gmna", "mana", "kapan", "sih", "kah",
})
SHORT_REQUEST_WORDS = 3
STRONG_KEYWORDS = 2  # this many keyword words outweigh a phrase that merely appears in the text
# When two commands' keywords tie, the more specific request wins ("interview questions" is an
# interview, "help me with a quiz" a quiz); "next" is the most common word of all, so it comes last.
KEYWORD_PRIORITY = ("interview", "quiz", "streak", "progress", "stats", "roadmap", "reminders", "help",
                    "thanks", "next")

_NON_WORD = re.compile(r"[^\w\s]+", re.UNICODE)


def normalize(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", stripped.lower()).split())


def _score(query: str, choice: str, **_: object) -> float:
    return max(fuzz.QRatio(query, choice), fuzz.token_sort_ratio(query, choice))


class IntentMatcher:
    """Maps free text to a command name, or ``None`` when nothing fits well."""

    def __init__(self, intents: Iterable[IntentPhrases]) -> None:
        self._phrases: list[str] = []
        self._commands: list[str] = []
        for intent in intents:
            for phrase in (*intent.en, *intent.id):
                norm = normalize(phrase)
                if norm:
                    self._phrases.append(norm)
                    self._commands.append(intent.command)
        self._keywords: list[tuple[tuple[str, ...], str]] = []
        for intent in intents:
            for keyword in intent.keywords:
                words = tuple(normalize(keyword).split())
                if words:
                    self._keywords.append((words, intent.command))
        self._whole = [
            (re.compile(rf"(?<!\w){re.escape(p)}(?!\w)"), c)
            for p, c in zip(self._phrases, self._commands, strict=True)
            if len(p) >= 4
        ]

    def match(self, text: str, *, whole: bool = False) -> str | None:
        """The command ``text`` asks for, or ``None``.

        ``whole``: only when the whole text is a phrase (typos allowed), not when a phrase
        sits inside it: with a question open, "next.js" is an answer, "next" a command.
        """
        query = normalize(text[:MAX_MATCH_CHARS])
        if not query:
            return None
        best = process.extractOne(
            query, self._phrases, scorer=_score, processor=None, score_cutoff=MATCH_CUTOFF
        )
        if best is not None:
            return self._commands[best[2]]
        if whole:
            return None
        words = query.split()
        scores = self._keyword_scores(words)
        strong = max(scores.values(), default=0) >= STRONG_KEYWORDS
        if strong:  # "how far am i on the roadmap": two progress keywords beat the phrase "roadmap"
            return self._by_keywords(scores, words, asks="?" in text)
        if len(words) <= MAX_WORDS_FOR_PHRASE_HIT:
            for pattern, command in self._whole:
                if pattern.search(query):
                    return command
        return self._by_keywords(scores, words, asks="?" in text)

    def _keyword_scores(self, words: list[str]) -> dict[str, int]:
        """Per command, how many of its keywords' words ``words`` hold (a keyword of n words counts n)."""
        scores: dict[str, int] = {}
        if not words or len(words) > MAX_WORDS_FOR_KEYWORDS:
            return scores
        for keyword, command in self._keywords:
            if _holds(words, keyword):
                scores[command] = scores.get(command, 0) + len(keyword)
        return scores

    def _by_keywords(self, scores: dict[str, int], words: list[str], *, asks: bool) -> str | None:
        """The command with the best keyword score; a single keyword only in a request."""
        if not scores:
            return None
        best = max(scores.values())
        tied = [c for c, score in scores.items() if score == best]
        command = min(tied, key=lambda c: KEYWORD_PRIORITY.index(c) if c in KEYWORD_PRIORITY else len(KEYWORD_PRIORITY))
        if best == 1 and command != "thanks" and not (
                asks or len(words) <= SHORT_REQUEST_WORDS or REQUEST_CUES.intersection(words)):
            return None  # a remark that names the thing, not a request for it
        return command


def _same_word(keyword: str, word: str) -> bool:
    """``word`` is ``keyword``, or it with one slip (two in long words); short words must be exact.

    Below 8 letters a slip that keeps the length must swap two letters ("qiuz"): one changed
    letter too often makes another word ("person" is not "persen").
    """
    if keyword == word:
        return True
    if len(keyword) < 4 or abs(len(keyword) - len(word)) > 2:
        return False
    if len(keyword) < 8:
        return OSA.distance(keyword, word) == 1 and (len(word) != len(keyword) or sorted(word) == sorted(keyword))
    return OSA.distance(keyword, word) <= 2


def _holds(words: list[str], keyword: tuple[str, ...]) -> bool:
    """Whether ``keyword``'s words appear one after another in ``words``."""
    size = len(keyword)
    return any(all(_same_word(k, w) for k, w in zip(keyword, words[start:start + size], strict=True))
               for start in range(len(words) - size + 1))


def closest(word: str, choices: Iterable[str], *, limit: int = 3, cutoff: float = 60.0) -> list[str]:
    """The choices closest to ``word`` (for "did you mean ...?")."""
    found = process.extract(
        word, list(choices), scorer=fuzz.WRatio, processor=utils.default_process,
        limit=limit, score_cutoff=cutoff,
    )
    return [choice for choice, _, _ in found]
