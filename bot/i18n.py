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
        return _FORMATTER.format(template, **params)
