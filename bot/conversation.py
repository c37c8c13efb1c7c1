"""Platform-neutral conversation types: what comes in and what goes out.

An adapter turns a platform update into an ``Incoming`` and draws each
``Reply`` (text in Jalur's markdown subset plus rows of buttons) in its own
way. A button's payload is a command a person could also type, so a button
press and a typed command take the same path through the engine.

A ``Reply`` also says what it is waiting for (``expects``: a typed answer to
a question, or a pick among its option buttons) and which language it is
written in (``language``), so an adapter can offer the right input (a text
box on Discord) labelled in the learner's language without reading meaning
into payload strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

MAX_PAYLOAD_BYTES = 64


class PayloadTooLong(ValueError):
    """A button payload does not fit Telegram's 64-byte callback data limit."""


@dataclass(frozen=True)
class Button:
    """A button: the label people see and the typeable command it sends.

    A button with a ``url`` opens that web page where the platform can (a link button; with
    ``web_app``, Telegram's Mini App, which tells the page who opened it); a platform that
    cannot open pages (the console) sends the payload instead.
    """

    label: str
    payload: str
    url: str | None = None
    web_app: bool = False

    def __post_init__(self) -> None:
        size = len(self.payload.encode("utf-8"))
        if not self.payload or size > MAX_PAYLOAD_BYTES:
            raise PayloadTooLong(
                f"button payload must be 1-{MAX_PAYLOAD_BYTES} bytes, got {size}: {self.payload!r}"
            )


class ExpectKind(StrEnum):
    """What kind of input a reply waits for."""

    ANSWER = "answer"  # an answer in the learner's own words (an open question)
    CHOICE = "choice"  # one of the reply's option buttons (a multiple-choice question)


@dataclass(frozen=True)
class Choice:
    """A multiple-choice question as data, for a platform's native quiz (Telegram's quiz poll).

    ``intro`` is the text above the question (markdown subset, may be empty); ``prompt``,
    ``options`` and ``explanation`` are plain text in the reply's language; ``correct`` is the
    0-based index of the right option. The option at index ``i`` is answered with
    ``Expect.payload(str(i + 1))``, as its button would. ``ask`` is the command that asks this
    question (``/quiz ID``): how another member of a group who answers it gets it asked first.
    """

    intro: str
    prompt: str
    options: tuple[str, ...]
    correct: int
    explanation: str
    ask: str


@dataclass(frozen=True)
class Expect:
    """What the bot waits for after a reply, and how that input reaches the engine.

    ``question`` is the id of the question being answered (from the question
    bank). ``command`` is what the input is sent as: the command followed by
    the learner's answer (``/answer sql-injection-prevention`` + `` use
    placeholders``, ``/group_answer 12`` + `` B``), something a person could
    also type.
    """

    kind: ExpectKind
    question: str
    command: str
    # The question itself, for an adapter that can show it natively (a quiz poll); None: buttons only.
    choice: Choice | None = None

    @property
    def free_text(self) -> bool:
        """True when the learner answers by typing (an adapter may offer a text box)."""
        return self.kind is ExpectKind.ANSWER

    def payload(self, answer: str) -> str:
        """The command that sends ``answer``."""
        return f"{self.command} {answer}"


@dataclass(frozen=True)
class Reply:
    """One message from the bot: markdown-subset text and rows of buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    # An answer to the message whose button was pressed (a quiz verdict): an adapter
    # may show it by editing that message in place instead of sending a new one.
    edits_pressed: bool = False
    # Post this one in a group's channel (a group quiz, a setup notice) instead of answering
    # the sender privately. Only replies to an ``Incoming`` with a ``group_id`` carry one.
    channel: str | None = None
    # Reads best as a card (a leaderboard, a group quiz): Discord draws it as an embed whose
    # title is the first line; other platforms show the text as it is.
    card: bool = False
    # What the bot waits for next (a typed answer to a question, a pick among the option buttons);
    # an adapter offers the matching input from it (Discord: a text box for a typed answer).
    expects: Expect | None = None
    # A channel post Jalur keeps up to date (a group quiz): once it is posted, the adapter tells
    # the engine where it went under this key (``Engine.posted``), so later replies can edit it.
    post_key: str | None = None
    # The id of an earlier message in ``channel`` that this reply replaces (a group quiz post with
    # its count of answers, or closed with the results). Of several edits of one post the highest
    # ``revision`` wins: an adapter may merge edits that come fast, and always lands the newest.
    edits: str | None = None
    revision: int = 0
    # The language the text is written in ("en" or "id"): an adapter labels the controls it adds
    # (a text box button, its title) in it. The engine fills it in for every reply it returns.
    language: str | None = None

    @property
    def flat_buttons(self) -> list[Button]:
        """All buttons, row by row."""
        return [button for row in self.buttons for button in row]


@dataclass(frozen=True)
class Incoming:
    """A message to the bot: typed text or a pressed button's payload.

    ``platform`` and ``user_id`` identify the learner; ``chat_id`` is where
    the message came from (a private chat or a group). ``language_hint`` is
    the platform's idea of the user's language (for example Telegram's
    ``language_code``) and only picks the default for a new learner.

    ``group_id`` is the study group the message came from (a Discord server),
    ``group_admin`` whether the sender may change that group's settings, and
    ``display_name`` the name the group knows them by. ``shared_chat`` is true
    when others in the chat see the replies (a Telegram group), so secrets
    such as a /link code are not shown there.
    """

    platform: str
    user_id: str
    chat_id: str
    text: str = ""
    payload: str | None = None
    language_hint: str | None = None
    attachment: str | None = None  # what was sent instead of text: "sticker", "photo", "voice"...
    group_id: str | None = None
    group_admin: bool = False
    display_name: str | None = None
    shared_chat: bool = False

    @property
    def content(self) -> str:
        """What the learner said: the payload of a pressed button, or the text."""
        return self.payload if self.payload is not None else self.text


def in_language(replies: Iterable[Reply], language: str) -> list[Reply]:
    """``replies``, each marked as written in ``language`` unless it already names its own."""
    return [reply if reply.language is not None else replace(reply, language=language) for reply in replies]


def rows(*buttons: Button, per_row: int = 2) -> tuple[tuple[Button, ...], ...]:
    """Lay ``buttons`` out in rows of ``per_row``."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))
