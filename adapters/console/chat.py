"""``jalur chat``: the mentor in a terminal, interactive or with piped input.

One message per line. Buttons are shown as numbered options; typing the
number presses that button, which sends its payload like any platform's
button would. With piped input each line is echoed after ``> `` so the
transcript reads like a chat.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime
from typing import TextIO

from bot.conversation import Button, Incoming, Reply
from bot.engine import Engine
from bot.markup import Span, parse
from bot.platforms import ChatOptions

log = logging.getLogger(__name__)

PLATFORM = "console"
_STYLES = {"bold": "\033[1m", "italic": "\033[3m", "code": "\033[36m", "link": "\033[4m"}
_RESET = "\033[0m"
QUIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit", "keluar"})


def render_span(span: Span, color: bool) -> str:
    """One span as terminal text (ANSI styles when ``color``)."""
    text = span.text
    if span.kind == "link" and span.url and span.url != span.text:
        text = f"{span.text} ({span.url})"
    if color and span.kind in _STYLES:
        return f"{_STYLES[span.kind]}{text}{_RESET}"
    return text


def render_reply(reply: Reply, first_number: int, color: bool) -> str:
    """A reply's text, then its buttons numbered from ``first_number``."""
    out = ["".join(render_span(span, color) for span in parse(reply.text))]
    number = first_number
    for row in reply.buttons:
        cells = []
        for button in row:
            cells.append(f"[{number}] {button.label}")
            number += 1
        out.append("  " + "   ".join(cells))
    return "\n".join(out)


class ConsoleSession:
    """One learner's terminal conversation with the engine."""

    def __init__(self, engine: Engine, options: ChatOptions, *, interactive: bool) -> None:
        self.engine = engine
        self.options = options
        self.interactive = interactive
        self.buttons: list[Button] = []

    def _write(self, text: str) -> None:
        self.options.stdout.write(text + "\n")
        self.options.stdout.flush()

    def _show(self, replies: list[Reply]) -> None:
        self.buttons = []
        for reply in replies:
            self._write(render_reply(reply, len(self.buttons) + 1, color=self.interactive))
            self._write("")
            self.buttons.extend(reply.flat_buttons)

    def to_incoming(self, line: str) -> Incoming:
        """A typed line, or the payload of the button whose number was typed."""
        user, hint = self.options.user, self.options.language
        stripped = line.strip()
        if stripped.isdigit() and 1 <= int(stripped) <= len(self.buttons):
            button = self.buttons[int(stripped) - 1]
            if not self.interactive:
                self._write(f"  (pressed: {button.label})")
            return Incoming(PLATFORM, user, user, payload=button.payload, language_hint=hint)
        return Incoming(PLATFORM, user, user, text=line, language_hint=hint)

    async def say(self, line: str) -> None:
        """Send one line to the engine and print the replies."""
        if not self.interactive:
            self._write(f"> {line}")
        now = self.options.now or datetime.now(UTC)
        replies = await self.engine.handle(self.to_incoming(line), now=now)
        self._show(replies)


async def _read_line(stream: TextIO, prompt: str | None) -> str | None:
    """Read one line without blocking the event loop; ``None`` at end of input.

    A daemon thread (not the default executor) does the blocking read, so
    Ctrl-C ends the program at once instead of waiting for a line.
    """
    loop = asyncio.get_running_loop()
    result: asyncio.Future[str | None] = loop.create_future()

    def settle(value: str | None, error: BaseException | None) -> None:
        if result.done():
            return
        if error is not None:
            result.set_exception(error)
        else:
            result.set_result(value)

    def read() -> None:
        try:
            if prompt is not None:
                try:
                    line: str | None = input(prompt)
                except EOFError:
                    line = None
            else:
                raw = stream.readline()
                line = None if raw == "" else raw.rstrip("\r\n")
        except Exception as exc:  # noqa: BLE001 - reported to the awaiting coroutine
            loop.call_soon_threadsafe(settle, None, exc)
        else:
            loop.call_soon_threadsafe(settle, line, None)

    threading.Thread(target=read, name="console-input", daemon=True).start()
    return await result


async def run_console_chat(engine: Engine, options: ChatOptions) -> int:
    """Chat until end of input (or ``/quit``); returns the exit code."""
    stdin = options.stdin
    if hasattr(stdin, "reconfigure"):
        stdin.reconfigure(errors="replace")  # binary junk must not crash the chat
    interactive = stdin.isatty() and options.stdout.isatty()
    session = ConsoleSession(engine, options, interactive=interactive)
    if interactive:
        session._write(f"Jalur: chatting as '{options.user}'. Type /help for commands, /quit to leave.\n")
        await session.say("/start")
    while True:
        line = await _read_line(stdin, "you> " if interactive else None)
        if line is None:
            return 0
        if line.strip().lower() in QUIT_WORDS:
            return 0
        await session.say(line)
