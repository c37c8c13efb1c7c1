"""What the core expects from a chat platform adapter, so ``jalur run`` can start
adapters without the core importing any of them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, TextIO

if TYPE_CHECKING:  # only names for annotations: importing this module loads no engine, settings or SDK
    from bot.engine import Engine
    from bot.outbound import PushSender, Senders
    from bot.settings import Settings


# NamedTuples, not dataclasses: every ``jalur`` command imports this module (the launcher builds
# its platform list), and ``dataclasses`` loads inspect, ast and dis, which ``jalur health`` does
# not otherwise need.


class Platform(NamedTuple):
    """A chat platform ``jalur run`` can start.

    ``configured`` says whether the settings enable it (for example a token
    is set); ``run`` serves it until cancelled and adds it to ``Senders``
    while it can deliver pushes; ``sender`` opens the platform just for
    sending (``jalur pushes tick``); ``how_to_enable`` is shown when no
    platform is configured.
    """

    name: str
    configured: Callable[[Settings], bool]
    run: Callable[[Engine, Settings, Senders], Awaitable[None]]
    sender: Callable[[Engine, Settings], AbstractAsyncContextManager[PushSender]]
    how_to_enable: str


class ChatOptions(NamedTuple):
    """Options of ``jalur chat`` (the console adapter)."""

    user: str
    language: str | None
    stdin: TextIO
    stdout: TextIO
    now: datetime | None = None  # a fixed clock (``--now``) instead of the real one


ConsoleChat = Callable[["Engine", ChatOptions], Awaitable[int]]
