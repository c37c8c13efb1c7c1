"""Replies as Discord messages: Discord markdown, button rows, and splitting under 2000 characters.

Discord's markdown already has bold, italic, code, links and ``- `` lists, so a
span is written back in Discord's syntax with its text escaped (a learner's
``*`` or ``_`` stays literal). Escaping knows where lines start: a ``- `` list
line stays a list, a ``>``, ``#`` or ``-#`` that would start a quote, heading
or subtext is escaped, and nothing else gets a backslash (no stray ``\\`` at the
end of a line before a list, none in front of a character that means nothing).
Buttons become persistent components whose custom id carries the payload
(``jalur:/answer q 2``), so a press works after a restart. A reply marked as a
card (a leaderboard, a group quiz) becomes an embed: its first line is the
title, the rest the description.
"""

from __future__ import annotations

import re

import discord

from bot.conversation import Button, Reply
from bot.markup import Span, parse, split_text, to_plain

MAX_CONTENT_CHARS = 2000
CHUNK_CHARS = 1800  # of markup source; escaping may add a few characters
MAX_BUTTONS_PER_ROW = 5
MAX_ROWS = 5
MAX_LABEL_CHARS = 80
CUSTOM_ID_PREFIX = "jalur:"
MAX_EMBED_TITLE = 256
MAX_EMBED_DESCRIPTION = 4096
EMBED_COLOUR = 0x2E7D6B  # Jalur's green


# Characters that style text anywhere in a line (the backslash itself included).
_INLINE = re.compile(r"([\\*_~|`\[\]<])")
# Bare links stay as written: a backslash inside one would break it.
_URL = re.compile(r"(https?://[^\s<]+[^<.,:;\"')\]\s])")
# What would start a quote, a heading or subtext at the start of a line (after spaces).
_LINE_START = re.compile(r"^(\s*)(>|#{1,3}\s|-#\s)")
# Every character this module puts a backslash in front of (inline, or starting a line).
ESCAPABLE = frozenset("\\*_~|`[]<>#-")


def escape_inline(text: str) -> str:
    """Backslash every character that styles text inside a line; links are left whole."""
    return "".join(part if index % 2 else _INLINE.sub(r"\\\1", part)
                   for index, part in enumerate(_URL.split(text)))


def _escape_lines(text: str, at_line_start: bool) -> str:
    """Escape ``text`` (a run of plain text) where its lines start a quote, heading or subtext.

    ``- `` list lines stay lists; the first line counts only when it starts a line of the message.
    """
    lines = escape_inline(text).split("\n")
    for index, line in enumerate(lines):
        if index or at_line_start:
            lines[index] = _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}", line)
    return "\n".join(lines)


def span_markdown(span: Span, at_line_start: bool = False) -> str:
    """One span in Discord markdown; ``at_line_start`` when it begins a line of the message."""
    if span.kind == "code":
        return f"`{span.text.replace('`', 'ˋ')}`"
    if span.kind == "text":
        return _escape_lines(span.text, at_line_start)
    text = escape_inline(span.text)
    if span.kind == "bold":
        return f"**{text}**"
    if span.kind == "italic":
        return f"*{text}*"
    if span.kind == "link" and span.url:
        return f"[{text}](<{span.url}>)"
    return text


def to_markdown(text: str) -> str:
    """Jalur's markdown subset as Discord markdown."""
    out: list[str] = []
    for span in parse(text):
        out.append(span_markdown(span, at_line_start=not out or out[-1].endswith("\n")))
    return "".join(out)


def custom_id(payload: str) -> str:
    """The component custom id for a button payload (payloads fit 64 bytes, ids 100)."""
    return f"{CUSTOM_ID_PREFIX}{payload}"


def button_rows(reply: Reply) -> list[list[Button]]:
    """The reply's buttons in rows Discord accepts (at most 5 by 5)."""
    rows: list[list[Button]] = []
    for row in reply.buttons:
        for start in range(0, len(row), MAX_BUTTONS_PER_ROW):
            rows.append(list(row[start:start + MAX_BUTTONS_PER_ROW]))
    return rows[:MAX_ROWS]


def embed(reply: Reply) -> discord.Embed | None:
    """A card reply as one embed (``None`` when it is not a card or does not fit one)."""
    if not reply.card:
        return None
    title, _, body = reply.text.partition("\n")
    title = to_plain(title).strip()
    description = to_markdown(body.strip())
    if len(title) > MAX_EMBED_TITLE or len(description) > MAX_EMBED_DESCRIPTION:
        return None
    return discord.Embed(title=title or None, description=description or None, colour=EMBED_COLOUR)


def messages(reply: Reply) -> list[tuple[str, list[list[Button]], discord.Embed | None]]:
    """The messages for one reply: (content, button rows, embed); the buttons go on the last one."""
    card = embed(reply)
    if card is not None:
        return [("", button_rows(reply), card)]
    pieces = [to_markdown(piece) or "…" for piece in split_text(reply.text, CHUNK_CHARS)]
    pieces = [piece[:MAX_CONTENT_CHARS] for piece in pieces]
    return [(piece, button_rows(reply) if i == len(pieces) - 1 else [], None) for i, piece in enumerate(pieces)]
