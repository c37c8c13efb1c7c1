"""/help: what Jalur can do and the commands to ask for it; a thank-you gets a short answer."""

from __future__ import annotations

from collections.abc import Mapping

from bot.conversation import Button, Reply, rows
from bot.features.context import Context


def alias_lines(aliases: Mapping[str, str]) -> str:
    """One line per command and its other names (``- /lanjut, /selanjutnya = /next``): the alias table."""
    by_command: dict[str, list[str]] = {}
    for alias, command in aliases.items():
        by_command.setdefault(command, []).append(alias)
    return "\n".join(f"- {', '.join('/' + name for name in names)} = /{command}"
                     for command, names in by_command.items())


async def cmd_help(ctx: Context, args: str) -> list[Reply]:
    """List the commands and the free-text questions Jalur understands.

    In Indonesian the list ends with the Indonesian names of the commands (``/lanjut``,
    ``/kuis``...), taken from the alias table in knowledge/ui/intents.yaml.
    """
    text = ctx.t("help.text")
    if ctx.lang == "id" and ctx.kb.command_aliases:
        text += "\n\n" + ctx.t("help.aliases", aliases=alias_lines(ctx.kb.command_aliases))
    return [Reply(text, rows(Button(ctx.t("button.next"), "/next"),
                                          Button(ctx.t("button.progress"), "/progress"),
                                          Button(ctx.t("button.settings"), "/settings"), per_row=3))]


async def cmd_thanks(ctx: Context, args: str) -> list[Reply]:
    """"makasih", "thanks": a short you're-welcome and the way on."""
    return [Reply(ctx.t("chat.thanks"), rows(Button(ctx.t("button.next"), "/next"),
                                             Button(ctx.t("button.quiz"), "/quiz")))]
