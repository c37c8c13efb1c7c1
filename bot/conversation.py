"""Platform-neutral conversation types: what comes in and what goes out.

An adapter turns a platform update into an ``Incoming`` and draws each
``Reply`` (text in Jalur's markdown subset plus rows of buttons) in its own
way. A button's payload is a command a person could also type, so a button
press and a typed command take the same path through the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_PAYLOAD_BYTES = 64


class PayloadTooLong(ValueError):
    """A button payload does not fit Telegram's 64-byte callback data limit."""


@dataclass(frozen=True)
class Button:
    """A button: the label people see and the typeable command it sends."""

    label: str
    payload: str

    def __post_init__(self) -> None:
        size = len(self.payload.encode("utf-8"))
        if not self.payload or size > MAX_PAYLOAD_BYTES:
            raise PayloadTooLong(
                f"button payload must be 1-{MAX_PAYLOAD_BYTES} bytes, got {size}: {self.payload!r}"
            )


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


def rows(*buttons: Button, per_row: int = 2) -> tuple[tuple[Button, ...], ...]:
    """Lay ``buttons`` out in rows of ``per_row``."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))
