"""Jalur's markdown subset and the console rendering of replies."""

from __future__ import annotations

import pytest

from adapters.console.chat import render_reply
from bot.conversation import Button, PayloadTooLong, Reply, rows
from bot.markup import Span, escape, parse, to_plain


def test_parse_styles() -> None:
    assert parse("a **b** _c_ `d` [e](https://x.y)") == [
        Span("text", "a "), Span("bold", "b"), Span("text", " "), Span("italic", "c"),
        Span("text", " "), Span("code", "d"), Span("text", " "), Span("link", "e", "https://x.y"),
    ]


@pytest.mark.parametrize("raw", ["snake_case_name", "2*3*4", "a_b", "`", "[not a link]", "**", "\\", "_x"])
def test_escaped_learner_text_comes_back_unchanged(raw: str) -> None:
    assert to_plain(escape(raw)) == raw
    assert to_plain(f"**{escape(raw)}**") == raw


def test_words_with_underscores_are_not_italic() -> None:
    assert to_plain("use snake_case_names here") == "use snake_case_names here"


def test_payloads_are_limited_to_64_bytes() -> None:
    Button("ok", "/done " + "x" * 58)
    with pytest.raises(PayloadTooLong):
        Button("too long", "/done " + "x" * 59)
    with pytest.raises(PayloadTooLong):
        Button("empty", "")


def test_console_numbers_buttons_across_rows() -> None:
    reply = Reply("**Hi** there", rows(Button("A", "/a"), Button("B", "/b"), Button("C", "/c")))
    assert render_reply(reply, 1, color=False) == "Hi there\n  [1] A   [2] B\n  [3] C"
    assert "\033[1mHi\033[0m" in render_reply(reply, 1, color=True)
