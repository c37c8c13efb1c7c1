"""Replies as Discord messages: Discord markdown, button rows, and splitting under 2000 characters.

Discord's markdown already has bold, italic, code and links, so a span is
written back in Discord's syntax with its text escaped (a learner's ``*`` or
``_`` stays literal). Buttons become persistent components whose custom id
carries the payload (``jalur:/answer q 2``), so a press works after a restart.
A reply marked as a card (a leaderboard, a group quiz) becomes an embed: its
first line is the title, the rest the description.
"""

from __future__ import annotations

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


def span_markdown(span: Span) -> str:
    """One span in Discord markdown."""
    if span.kind == "code":
        return f"`{span.text.replace('`', 'ˋ')}`"
    text = discord.utils.escape_markdown(span.text, as_needed=False)
    if span.kind == "bold":
        return f"**{text}**"
    if span.kind == "italic":
        return f"*{text}*"
    if span.kind == "link" and span.url:
        return f"[{text}](<{span.url}>)"
    return text


def to_markdown(text: str) -> str:
    """Jalur's markdown subset as Discord markdown."""
    return "".join(span_markdown(span) for span in parse(text))


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
