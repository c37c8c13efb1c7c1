"""The ``jalur`` console script: the core's command line with the adapters plugged in."""

from __future__ import annotations

import sys

from adapters.console.chat import run_console_chat
from adapters.discord.bot import configured as discord_configured
from adapters.discord.bot import discord_sender, run_discord
from adapters.telegram.bot import configured as telegram_configured
from adapters.telegram.bot import run_telegram, telegram_sender
from bot.cli import main as cli_main
from bot.platforms import Platform

PLATFORMS: tuple[Platform, ...] = (
    Platform(
        name="Telegram",
        configured=telegram_configured,
        run=run_telegram,
        sender=telegram_sender,
        how_to_enable="set JALUR_TELEGRAM_TOKEN to the token @BotFather gave you",
    ),
    Platform(
        name="Discord",
        configured=discord_configured,
        run=run_discord,
        sender=discord_sender,
        how_to_enable="set JALUR_DISCORD_TOKEN to your application's bot token (Discord Developer Portal)",
    ),
)


def main() -> None:
    """Entry point of the ``jalur`` command."""
    sys.exit(cli_main(console=run_console_chat, platforms=PLATFORMS))


if __name__ == "__main__":
    main()
