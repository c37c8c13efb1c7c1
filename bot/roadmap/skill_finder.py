"""Find a skill from what a learner typed: its id, its name in either language,
an alias, or something close to one of those.

A track's language or framework ("python", "golang", "typescript", "laravel")
names the main-language skill: knowing the language of a track is that skill.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from bot.content.loader import KnowledgeBase
from bot.content.models import Skill
from bot.intents import normalize

FUZZY_CUTOFF = 85.0
TRACK_TYPO_CUTOFF = 80.0  # language names are few and distinct: a swapped letter ("pyhton") is 83
SUGGEST_CUTOFF = 75.0  # below this "did you mean?" points at unrelated skills ("xyz" -> PostgreSQL)
MAIN_LANGUAGE = "main-language"
_LIST_SEPARATORS = re.compile(r"[,;/\n]+|\s+(?:and|dan|&|\+|sama|serta|plus|also|juga)(?=\s|$)")
# Words around a list of skills in a sentence: "udah bisa python", "I already know git", "paham sql".
_FILLER_WORDS = frozenset({
    "i", "im", "already", "know", "knew", "can", "use", "used", "have", "done", "learned", "learnt", "some",
    "a", "bit", "of", "basic", "basics", "familiar", "with", "the", "also", "too",
    "aku", "saya", "gue", "gw", "ane", "udah", "sudah", "dah", "uda", "bisa", "paham", "ngerti", "kuasai",
    "menguasai", "tahu", "tau", "pernah", "pakai", "pake", "belajar", "dasar", "dikit", "sedikit",
    "lumayan", "juga", "kok", "sih", "dong", "aja", "yang",
})


class SkillFinder:
    """Looks up skills by id, name or alias, tolerating case and typos."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._keys: list[str] = []
        self._ids: list[str] = []
        for skill in kb.skills.values():
            names = {skill.id, skill.id.replace("-", " "), skill.name.en, skill.name.id, *skill.aliases}
            for name in names:
                key = normalize(name)
                if key:
                    self._keys.append(key)
                    self._ids.append(skill.id)
        self._exact = dict(zip(self._keys, self._ids, strict=True))
        self._track_keys: list[str] = []
        if MAIN_LANGUAGE in kb.skills:
            for track in kb.tracks.values():
                for name in (track.id, track.name, *track.name.split("/"), *track.aliases):
                    key = normalize(name)
                    if key and key not in self._exact:
                        self._keys.append(key)
                        self._ids.append(MAIN_LANGUAGE)
                        self._exact[key] = MAIN_LANGUAGE
                        self._track_keys.append(key)

    def find(self, text: str) -> Skill | None:
        """The one skill ``text`` names, or ``None`` if unsure."""
        if text.strip() in self._kb.skills:
            return self._kb.skills[text.strip()]
        key = normalize(text[:100])
        if not key:
            return None
        if key in self._exact:
            return self._kb.skills[self._exact[key]]
        best = process.extract(key, self._keys, scorer=fuzz.QRatio, processor=None, limit=5,
                               score_cutoff=FUZZY_CUTOFF)
        ids = {self._ids[index] for _, _, index in best}
        if len(ids) == 1:
            return self._kb.skills[ids.pop()]
        if not ids and process.extractOne(key, self._track_keys, scorer=fuzz.QRatio, processor=None,
                                          score_cutoff=TRACK_TYPO_CUTOFF):
            return self._kb.skills[MAIN_LANGUAGE]  # "pyhton": a language name with a swapped letter
        return None

    def suggest(self, text: str, limit: int = 3) -> list[Skill]:
        """Skills whose names are close to ``text`` (for "did you mean?")."""
        key = normalize(text[:100])
        if not key:
            return []
        found = process.extract(key, self._keys, scorer=_suggest_score, processor=None, limit=limit * 4,
                                score_cutoff=SUGGEST_CUTOFF)
        ids: list[str] = []
        for _, _, index in found:
            if self._ids[index] not in ids:
                ids.append(self._ids[index])
        return [self._kb.skills[i] for i in ids[:limit]]

    def find_many(self, text: str) -> tuple[list[Skill], list[str]]:
        """Split a list like "git, sql and docker" into skills and unrecognised parts."""
        found: list[Skill] = []
        unknown: list[str] = []
        for raw in _LIST_SEPARATORS.split(text[:1000]):
            part = raw.strip()
            if not part:
                continue
            skill = self.find(part) or self.find(_without_filler(part))
            if skill is None:
                unknown.append(part)
            elif skill not in found:
                found.append(skill)
        return found, unknown


def _suggest_score(query: str, key: str, **_: object) -> float:
    """Close as a whole ("dokcer"), or sharing whole words ("docker compose" ~ "docker").

    Not a partial match inside a word: WRatio scores "xyz" 60 against
    "explain analyze" and "postgres" 90 against "os".
    """
    return max(fuzz.QRatio(query, key), fuzz.token_set_ratio(query, key))


def _without_filler(part: str) -> str:
    """A list item without the words around it: "udah bisa python" -> "python"."""
    return " ".join(word for word in normalize(part).split() if word not in _FILLER_WORDS)
