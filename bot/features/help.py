"""/help: what Jalur can do and the commands to ask for it; a thank-you gets a short answer."""

from __future__ import annotations

from bot.features.context import Context
from bot.conversation import Button, Reply, rows


async def cmd_help(ctx: Context, args: str) -> list[Reply]:
    """List the commands and the free-text questions Jalur understands."""
    return [Reply(ctx.t("help.text"), rows(Button(ctx.t("button.next"), "/next"),
                                          Button(ctx.t("button.progress"), "/progress"),
                                          Button(ctx.t("button.settings"), "/settings"), per_row=3))]


async def cmd_thanks(ctx: Context, args: str) -> list[Reply]:
    """"makasih", "thanks": a short you're-welcome and the way on."""
    return [Reply(ctx.t("chat.thanks"), rows(Button(ctx.t("button.next"), "/next"),
                                             Button(ctx.t("button.quiz"), "/quiz")))]
