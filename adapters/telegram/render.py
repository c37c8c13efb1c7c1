"""Replies as Telegram messages: HTML text, inline keyboards, and splitting under 4096 characters.

Telegram's HTML parse mode needs only ``<``, ``>`` and ``&`` escaped, so a
learner's ``_`` or ``*`` can never break a message the way it can in
MarkdownV2.
"""

from __future__ import annotations

import html
import logging
import re
from functools import lru_cache
from typing import Any

from bot.conversation import Button, Reply
from bot.markup import Span, parse, split_text

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4096
CHUNK_CHARS = 3500  # of markup source: leaves room, since rendering never adds visible characters
_TAGS = {"bold": "b", "italic": "i", "code": "code"}
_TAG = re.compile(r"<[^>]+>")


def span_html(span: Span) -> str:
    """One span as Telegram HTML."""
    text = html.escape(span.text, quote=False)
    if span.kind == "link" and span.url:
        return f'<a href="{html.escape(span.url, quote=True)}">{text}</a>'
    tag = _TAGS.get(span.kind)
    return f"<{tag}>{text}</{tag}>" if tag else text


@lru_cache(maxsize=1024)  # a push pass sends the same few questions to many learners
def to_html(text: str) -> str:
    """Jalur's markdown subset as Telegram HTML."""
    return "".join(span_html(span) for span in parse(text))


def without_tags(html_text: str) -> str:
    """HTML without its tags (entities kept), for a message Telegram refused to parse."""
    return _TAG.sub("", html_text)


Markup = dict[str, Any]  # an InlineKeyboardMarkup as the Bot API's JSON


def inline_button(button: Button) -> dict[str, Any]:
    """One button (Bot API JSON): a Mini App or a link when it opens a page, else its payload as callback data."""
    if button.url and button.web_app:
        return {"text": button.label, "web_app": {"url": button.url}}
    if button.url:
        return {"text": button.label, "url": button.url}
    return {"text": button.label, "callback_data": button.payload}


def keyboard(reply: Reply) -> Markup | None:
    """The reply's buttons as an inline keyboard (Bot API JSON; the payload is the callback data)."""
    if not reply.buttons:
        return None
    return {"inline_keyboard": [[inline_button(b) for b in row] for row in reply.buttons]}


def messages(reply: Reply) -> list[tuple[str, Markup | None]]:
    """The HTML messages for one reply; the keyboard goes on the last one."""
    pieces = [to_html(piece) for piece in split_text(reply.text, CHUNK_CHARS)]
    pieces = [piece if piece.strip() else "…" for piece in pieces]
    return [(piece, keyboard(reply) if i == len(pieces) - 1 else None) for i, piece in enumerate(pieces)]
