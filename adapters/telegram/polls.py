"""Choice questions as Telegram quiz polls: whether a reply fits a poll, and the poll's parts.

A reply that expects a choice and carries its ``Choice`` becomes an intro message (the
header above the question, if any) and a quiz poll: not anonymous (so Jalur learns who
answered), one correct option, the explanation Telegram shows on a wrong answer, and the
reply's other buttons ("I don't know") under it. The option buttons are dropped: tapping an
option is the answer. A question or option over a poll's limits stays a message with
buttons. An explanation over 200 characters is cut to its first sentence, or left out, in
the poll: Jalur's verdict message after the answer carries the whole of it either way (most
of the question bank's explanations are longer than 200 characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram.constants import PollLimit

from bot.conversation import Button, Choice, ExpectKind, Reply

MIN_OPTIONS = 2  # the Bot API allows one since 10.0; a quiz needs a wrong option to be a question


@dataclass(frozen=True)
class QuizPoll:
    """What the adapter sends for one choice question: an intro, the poll, and the buttons under it."""

    intro: str  # markdown subset; empty: no intro message
    question: str
    options: tuple[str, ...]
    correct: int
    explanation: str
    buttons: tuple[tuple[Button, ...], ...]


def fits(choice: Choice) -> bool:
    """True when the question and its options are within a quiz poll's limits (Bot API 9.1+: 2-12 options)."""
    return (PollLimit.MIN_QUESTION_LENGTH <= len(choice.prompt) <= PollLimit.MAX_QUESTION_LENGTH
            and MIN_OPTIONS <= len(choice.options) <= PollLimit.MAX_OPTION_NUMBER
            and all(PollLimit.MIN_OPTION_LENGTH <= len(o) <= PollLimit.MAX_OPTION_LENGTH for o in choice.options)
            and 0 <= choice.correct < len(choice.options))


def _explanation_fits(text: str) -> bool:
    return len(text) <= PollLimit.MAX_EXPLANATION_LENGTH and text.count("\n") <= PollLimit.MAX_EXPLANATION_LINE_FEEDS


def poll_explanation(text: str) -> str:
    """The explanation within a poll's limits: whole, else its first sentence, else empty."""
    text = text.strip()
    if _explanation_fits(text):
        return text
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return first if _explanation_fits(first) else ""


def quiz_poll(reply: Reply) -> QuizPoll | None:
    """The quiz poll for a reply that expects a choice and fits a poll; None: send it with buttons."""
    expects = reply.expects
    if expects is None or expects.kind is not ExpectKind.CHOICE or expects.choice is None:
        return None
    choice = expects.choice
    if not fits(choice):
        return None
    option_payloads = {expects.payload(str(i + 1)) for i in range(len(choice.options))}
    kept = tuple(row for row in (tuple(b for b in row if b.payload not in option_payloads)
                                 for row in reply.buttons) if row)
    return QuizPoll(intro=choice.intro, question=choice.prompt, options=choice.options, correct=choice.correct,
                    explanation=poll_explanation(choice.explanation), buttons=kept)
