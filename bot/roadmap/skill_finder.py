"""Find a skill from what a learner typed: its id, its name in either language,
an alias, or something close to one of those."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from bot.content.loader import KnowledgeBase
from bot.content.models import Skill
from bot.intents import normalize

FUZZY_CUTOFF = 85.0
SUGGEST_CUTOFF = 60.0
_LIST_SEPARATORS = re.compile(r"[,;\n]+|\s+(?:and|dan|&|\+)\s+")


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
        return None

    def suggest(self, text: str, limit: int = 3) -> list[Skill]:
        """Skills whose names are close to ``text`` (for "did you mean?")."""
        key = normalize(text[:100])
        if not key:
            return []
        found = process.extract(key, self._keys, scorer=fuzz.WRatio, processor=None, limit=limit * 4,
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
        for part in _LIST_SEPARATORS.split(text[:1000]):
            part = part.strip()
            if not part:
                continue
            skill = self.find(part)
            if skill is None:
                unknown.append(part)
            elif skill not in found:
                found.append(skill)
        return found, unknown
