"""Free text to commands: "what should I learn next?", "apa selanjutnya?", typos and all.

Phrases live in knowledge/ui/intents.yaml. Matching uses rapidfuzz on the
normalised text: a whole-string score that tolerates typos and word order,
plus a whole-phrase hit inside a short sentence ("ok, what next then").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils

from bot.content.models import IntentPhrases

MATCH_CUTOFF = 82.0
MAX_WORDS_FOR_PHRASE_HIT = 8
MAX_MATCH_CHARS = 200

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
        if not whole and len(query.split()) <= MAX_WORDS_FOR_PHRASE_HIT:
            for pattern, command in self._whole:
                if pattern.search(query):
                    return command
        return None


def closest(word: str, choices: Iterable[str], *, limit: int = 3, cutoff: float = 60.0) -> list[str]:
    """The choices closest to ``word`` (for "did you mean ...?")."""
    found = process.extract(
        word, list(choices), scorer=fuzz.WRatio, processor=utils.default_process,
        limit=limit, score_cutoff=cutoff,
    )
    return [choice for choice, _, _ in found]
