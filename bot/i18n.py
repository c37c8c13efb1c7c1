"""User-facing texts in English and Bahasa Indonesia, from knowledge/ui/messages.yaml."""

from __future__ import annotations

import string
from collections.abc import Mapping

from bot.content.models import LANGUAGES, Message

LANGUAGE_NAMES = {"en": "English", "id": "Bahasa Indonesia"}


def pick_language(hint: str | None, default: str) -> str:
    """Map a platform language code (``id``, ``in``, ``en-US``...) to ``en`` or ``id``."""
    if hint:
        code = hint.strip().lower().replace("_", "-").split("-")[0]
        if code in ("id", "in"):
            return "id"
        if code == "en":
            return "en"
    return default if default in LANGUAGES else "en"


# Everyday function words that give a language away when the platform gives no hint.
_GUESS_WORDS = {
    "id": frozenset({"aku", "saya", "kamu", "mau", "gak", "nggak", "ga", "enggak", "tidak", "dong", "apa",
                     "yang", "ini", "itu", "belajar", "gimana", "bagaimana", "halo", "hai", "selamat",
                     "pagi", "siang", "malam", "tolong", "bisa", "sudah", "udah", "belum", "dan", "di",
                     "ke", "dari", "untuk", "buat", "kak", "bang", "min", "terima", "kasih", "makasih",
                     "lanjut", "mulai", "bantuan", "kuis", "soal", "selanjutnya", "jadi", "ya", "sih"}),
    "en": frozenset({"i", "you", "want", "what", "the", "is", "are", "how", "hello", "hi", "hey", "my",
                     "to", "learn", "please", "can", "do", "and", "of", "next", "start", "help", "thanks"}),
}


def guess_language(text: str) -> str | None:
    """``id`` or ``en`` from the words of a message ("aku mau belajar" -> ``id``); ``None`` if unsure."""
    words = "".join(ch.lower() if ch.isalpha() else " " for ch in text[:500]).split()
    counts = {lang: sum(word in vocabulary for word in words) for lang, vocabulary in _GUESS_WORDS.items()}
    if counts["id"] == counts["en"]:
        return None
    return "id" if counts["id"] > counts["en"] else "en"


class _Formatter(string.Formatter):
    """``str.format`` plus plural forms: ``{days} {days:day|days}`` picks the word for the number.

    The form before ``|`` is for exactly 1, the one after it for any other number.
    Indonesian has no plural forms and simply writes ``{days} hari``.
    """

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, _, other = format_spec.partition("|")
            return one if value == 1 else other
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


class Texts:
    """Looks up a message by key and fills in its placeholders."""

    def __init__(self, messages: Mapping[str, Message]) -> None:
        self._messages = messages

    def __contains__(self, key: str) -> bool:
        return key in self._messages

    def __call__(self, lang: str, key: str, /, **params: object) -> str:
        """The message ``key`` in ``lang`` with ``params`` filled in."""
        try:
            template = self._messages[key].get(lang)
        except KeyError:
            raise KeyError(f"message {key!r} is missing from knowledge/ui/messages.yaml") from None
        if "|" not in template:  # no plural form: str.format does the same, several times faster
            return template.format(**params)
        return _FORMATTER.format(template, **params)

    def templates(self, lang: str, prefixes: tuple[str, ...]) -> dict[str, str]:
        """Every message whose key starts with one of ``prefixes``, in ``lang``, placeholders unfilled."""
        return {key: message.get(lang) for key, message in self._messages.items() if key.startswith(prefixes)}
