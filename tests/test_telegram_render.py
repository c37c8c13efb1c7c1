"""How replies become Telegram messages: HTML escaping, keyboards, splitting long replies."""

from __future__ import annotations

from adapters.telegram.render import MAX_MESSAGE_CHARS, messages, to_html
from bot.conversation import Button, Reply, rows
from bot.markup import escape


def test_the_subset_becomes_html_and_learner_text_stays_literal() -> None:
    learner = escape("my_var * 2 < 3 & `x` [a](b)")
    html = to_html(f"**Hi** _there_ `code<1>` [docs](https://x.dev/?a=1&b=2) {learner}")
    assert html.startswith("<b>Hi</b> <i>there</i> <code>code&lt;1&gt;</code>")
    assert '<a href="https://x.dev/?a=1&amp;b=2">docs</a>' in html
    assert html.endswith("my_var * 2 &lt; 3 &amp; `x` [a](b)")


def test_long_replies_are_split_under_the_limit_with_the_keyboard_last() -> None:
    text = "\n".join(f"- line {n}: " + "word " * 40 for n in range(200)) + "\n" + "x" * 9000
    parts = messages(Reply(text, rows(Button("Next", "/next"))))
    assert len(parts) > 3
    assert all(0 < len(body) <= MAX_MESSAGE_CHARS for body, _ in parts)
    assert [markup is not None for _, markup in parts] == [False] * (len(parts) - 1) + [True]
    joined = "".join(body for body, _ in parts).replace("\n", "")
    assert joined.count("word") == 200 * 40 and joined.count("x") == 9000


def test_an_empty_reply_still_sends_something() -> None:
    assert messages(Reply(""))[0][0] == "…"
