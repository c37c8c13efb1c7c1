"""Understand a timezone the way a learner types it: an IANA name
("Asia/Jakarta"), a city ("jakarta", "new york"), an Indonesian zone
abbreviation (WIB, WITA, WIT) or a fixed offset ("UTC+7")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import fuzz, process

from bot.intents import normalize

ABBREVIATIONS = {
    "wib": "Asia/Jakarta",
    "wita": "Asia/Makassar",
    "wit": "Asia/Jayapura",
    "utc": "UTC",
    "gmt": "UTC",
    "sgt": "Asia/Singapore",
    "myt": "Asia/Kuala_Lumpur",
}
# Cities learners often type that are not IANA zone names themselves.
CITIES = {
    "bandung": "Asia/Jakarta", "surabaya": "Asia/Jakarta", "semarang": "Asia/Jakarta",
    "yogyakarta": "Asia/Jakarta", "jogja": "Asia/Jakarta", "jogjakarta": "Asia/Jakarta",
    "medan": "Asia/Jakarta", "palembang": "Asia/Jakarta", "malang": "Asia/Jakarta",
    "bogor": "Asia/Jakarta", "depok": "Asia/Jakarta", "tangerang": "Asia/Jakarta",
    "bekasi": "Asia/Jakarta", "solo": "Asia/Jakarta", "padang": "Asia/Jakarta",
    "pekanbaru": "Asia/Jakarta", "batam": "Asia/Jakarta", "lampung": "Asia/Jakarta",
    "bali": "Asia/Makassar", "denpasar": "Asia/Makassar", "lombok": "Asia/Makassar",
    "mataram": "Asia/Makassar", "balikpapan": "Asia/Makassar", "samarinda": "Asia/Makassar",
    "manado": "Asia/Makassar", "kupang": "Asia/Makassar", "banjarmasin": "Asia/Makassar",
    "ambon": "Asia/Jayapura", "sorong": "Asia/Jayapura", "merauke": "Asia/Jayapura",
    "papua": "Asia/Jayapura", "maluku": "Asia/Jayapura",
}
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?00)?$", re.IGNORECASE)
CITY_CUTOFF = 86.0
SUGGEST_CUTOFF = 70.0
CLEAR_WINNER_MARGIN = 5.0


@dataclass(frozen=True)
class TimezoneGuess:
    """The zone a text names (``zone``), or close candidates when unsure."""

    zone: str | None
    suggestions: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """Normalised lookup keys (full name and city) to IANA names."""
    index: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if name.startswith(("Etc/", "SystemV/", "posix/", "right/")) or "/" not in name:
            continue
        index.setdefault(normalize(name.replace("/", " ")), name)
        index.setdefault(normalize(name.rsplit("/", 1)[-1].replace("_", " ")), name)
    for city, name in CITIES.items():
        index.setdefault(city, name)
    return index


def is_valid(zone: str) -> bool:
    """True when ``zone`` is an IANA timezone name this machine knows."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse_timezone(text: str) -> TimezoneGuess:
    """Interpret ``text`` as a timezone."""
    raw = text.strip()[:64]
    if not raw:
        return TimezoneGuess(None)
    for candidate in (raw, raw.replace(" ", "_")):
        if "/" in candidate and is_valid(candidate):
            return TimezoneGuess(candidate)
    lowered = raw.lower()
    if lowered in ABBREVIATIONS:
        return TimezoneGuess(ABBREVIATIONS[lowered])
    offset = _OFFSET.match(lowered)
    if offset:
        sign, hours = offset.group(1), int(offset.group(2))
        if hours == 0:
            return TimezoneGuess("UTC")
        if hours <= 14:
            # IANA's Etc/GMT zones have inverted signs: UTC+7 is Etc/GMT-7.
            return TimezoneGuess(f"Etc/GMT{'-' if sign == '+' else '+'}{hours}")
        return TimezoneGuess(None)
    key = normalize(raw.replace("/", " ").replace("_", " "))
    if not key:
        return TimezoneGuess(None)
    zones = _zones()
    if key in zones:
        return TimezoneGuess(zones[key])
    found = process.extract(key, list(zones), scorer=fuzz.QRatio, processor=None, limit=6,
                            score_cutoff=SUGGEST_CUTOFF)
    names: list[str] = []
    for choice, _, _ in found:
        if zones[choice] not in names:
            names.append(zones[choice])
    if found and found[0][1] >= CITY_CUTOFF:
        rivals = [score for choice, score, _ in found[1:] if zones[choice] != names[0]]
        if not rivals or rivals[0] <= found[0][1] - CLEAR_WINNER_MARGIN:
            return TimezoneGuess(names[0])
    return TimezoneGuess(None, tuple(names[:3]))
