"""The ``jalur`` console script: the core's command line with the adapters plugged in.

The adapters are imported when a command first uses them (``_later``), not
here: ``jalur quiz grade`` or ``jalur health`` load no chat SDK (discord.py,
python-telegram-bot, aiohttp, tornado), only ``jalur run``, ``jalur chat``
and ``jalur pushes tick`` load what they start.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

from bot.cli import main as cli_main
from bot.platforms import Platform


def _later(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, imported when it is first called."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{module}.{name}, imported on first use."
    return call


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        name="Telegram",
        configured=_later("adapters.telegram.bot", "configured"),
        run=_later("adapters.telegram.bot", "run_telegram"),
        sender=_later("adapters.telegram.bot", "telegram_sender"),
        how_to_enable="set JALUR_TELEGRAM_TOKEN to the token @BotFather gave you",
    ),
    Platform(
        name="Discord",
        configured=_later("adapters.discord.bot", "configured"),
        run=_later("adapters.discord.bot", "run_discord"),
        sender=_later("adapters.discord.bot", "discord_sender"),
        how_to_enable="set JALUR_DISCORD_TOKEN to your application's bot token (Discord Developer Portal)",
    ),
)


def main() -> None:
    """Entry point of the ``jalur`` command."""
    sys.exit(cli_main(console=_later("adapters.console.chat", "run_console_chat"), platforms=PLATFORMS))


if __name__ == "__main__":
    main()
