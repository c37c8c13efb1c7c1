"""Every text Jalur can show keeps its code-like words: no ``__pycache__`` turned into italics.

Renders every message of ``knowledge/ui/messages.yaml`` and every string of the
content under ``knowledge/`` through the markup parser, and checks that each
code-like word (``__init__``, ``snake_case``, ``*args``) comes out
as it was written; then the same through a conversation on the console and Telegram.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from chat import Chat

from adapters.console.chat import render_reply
from adapters.telegram.render import to_html
from bot.markup import parse, to_plain

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
_WORD = re.compile(r"[\w*]+")
# code-like: a marker between two letters or digits (snake_case, a*b), a dunder or *args
# (a word opening with ** may open a bold span, so **kwargs is left to the parser's tests)
_CODE_LIKE = re.compile(r".*[^\W_][_*]+[^\W_].*|__[^\W_]\w*__|\*[^\W_]\w*")
_CODE_OR_LINK = re.compile(r"`[^`]+`|\]\([^)\s]+\)")


def _strings(node: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{where}[{i}]")


def _all_texts() -> list[tuple[str, str]]:
    found = []
    for path in sorted(KNOWLEDGE.rglob("*.yaml")):
        found += list(_strings(yaml.safe_load(path.read_text(encoding="utf-8")), path.relative_to(KNOWLEDGE).as_posix()))
    return found


def _code_like_words(text: str) -> list[str]:
    outside = _CODE_OR_LINK.sub(" ", text)
    return [w for w in _WORD.findall(outside) if _CODE_LIKE.fullmatch(w)]


def test_the_finder_sees_the_words_it_must_keep() -> None:
    """The check itself can fail: it finds the words that a greedy italic would eat."""
    words = _code_like_words("ignore (venv, __pycache__), use snake_case, *args and **kwargs; **bold** _it_")
    assert words == ["__pycache__", "snake_case", "*args"]


def test_every_text_in_knowledge_keeps_its_code_like_words() -> None:
    texts = _all_texts()
    assert len(texts) > 1000  # messages, skills, questions, intents
    eaten = []
    for where, text in texts:
        plain = to_plain(text)
        eaten += [f"{where}: {word!r} shows as {plain!r}" for word in _code_like_words(text) if word not in plain]
    assert not eaten, "\n".join(eaten)


def test_every_formatted_span_sits_at_word_edges() -> None:
    """An italic or bold span never starts or ends with a space (a sign of markers paired across words)."""
    odd = []
    for where, text in _all_texts():
        for span in parse(text):
            if span.kind in ("italic", "bold") and span.text != span.text.strip():
                odd.append(f"{where}: {span.kind} {span.text!r}")
    assert not odd, "\n".join(odd)


@pytest.mark.parametrize(("lang", "expected"), [("en", "Start from the standard Python .gitignore (venv, __pycache__)"),
                                                ("id", "Mulai dari .gitignore standar Python (venv, __pycache__)")])
async def test_git_workflow_shows_pycache_on_the_console_and_telegram(chat: Chat, lang: str, expected: str) -> None:
    await chat.onboard(lang=lang, track="python")
    await chat.say("/next")
    for _ in range(15):
        if "Git Workflow" in chat.text:
            break
        await chat.press("🔀")
    shown = [r for r in chat.replies if "Git Workflow" in r.text]
    assert shown, chat.text
    assert expected in render_reply(shown[0], 1, color=False)
    html = to_html(shown[0].text)
    assert "__pycache__" in html and "<i>pycache</i>" not in html
