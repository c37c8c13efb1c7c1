"""Jalur's small markdown subset: ``**bold**``, ``_italic_``, `` `code` ``,
``[links](url)`` and ``- `` list lines.

The core writes text once in this subset; each adapter parses it into spans
and renders them for its platform. Text that comes from a learner is passed
through ``escape`` before it goes into a reply, so a stray ``_`` or ``*``
is shown as typed and never breaks formatting.

Underscores inside or around a word are never emphasis: ``_italic_`` needs
no letter, digit or underscore just outside its underscores and no space
just inside them, so ``__pycache__``, ``snake_case`` and ``_id`` show as
written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

SpanKind = Literal["text", "bold", "italic", "code", "link"]

_SPECIAL = re.compile(r"([\\*_`\[\]])")
_TOKEN = re.compile(
    r"\\(?P<escaped>[\\*_`\[\]])"
    r"|\*\*(?P<bold>(?:\\.|[^*\\])+?)\*\*"
    r"|(?<!\w)_(?P<italic>[^_\s\\](?:(?:\\.|[^_\\])*?[^_\s\\])?)_(?!\w)"
    r"|`(?P<code>[^`]+)`"
    r"|\[(?P<label>(?:\\.|[^\]\\])+)\]\((?P<url>[^)\s]+)\)"
)
_UNESCAPE = re.compile(r"\\([\\*_`\[\]])")


@dataclass(frozen=True)
class Span:
    """A run of text with one style; ``url`` is set for links."""

    kind: SpanKind
    text: str
    url: str | None = None


def escape(text: str) -> str:
    """Escape learner-supplied text so it shows literally in the subset."""
    return _SPECIAL.sub(r"\\\1", text)


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


def parse(text: str) -> list[Span]:
    """Split subset text into styled spans; unmatched markers stay literal."""
    spans: list[Span] = []
    buffer: list[str] = []
    pos = 0

    def flush() -> None:
        if buffer:
            spans.append(Span("text", "".join(buffer)))
            buffer.clear()

    for match in _TOKEN.finditer(text):
        buffer.append(text[pos : match.start()])
        pos = match.end()
        if match.group("escaped") is not None:
            buffer.append(match.group("escaped"))
            continue
        flush()
        if match.group("bold") is not None:
            spans.append(Span("bold", _unescape(match.group("bold"))))
        elif match.group("italic") is not None:
            spans.append(Span("italic", _unescape(match.group("italic"))))
        elif match.group("code") is not None:
            spans.append(Span("code", match.group("code")))
        else:
            spans.append(Span("link", _unescape(match.group("label")), match.group("url")))
    buffer.append(text[pos:])
    flush()
    return [s for s in spans if s.text]


@lru_cache(maxsize=1024)  # a push pass renders the same few questions for many learners
def to_plain(text: str) -> str:
    """Render subset text as plain text (links as ``label (url)``)."""
    out = []
    for span in parse(text):
        if span.kind == "link" and span.url and span.url != span.text:
            out.append(f"{span.text} ({span.url})")
        else:
            out.append(span.text)
    return "".join(out)


def split_text(text: str, limit: int) -> list[str]:
    """Cut markup text into pieces of at most ``limit`` characters, at line breaks where possible."""
    pieces: list[str] = []
    current = ""
    for whole in text.split("\n"):
        line = whole
        while len(line) > limit:  # one huge line: cut at the last space before the limit
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces
