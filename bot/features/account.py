"""/delete_me and /cancel: deleting everything about a learner, after a confirmation."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.features.quiz import cancel_question
from bot.intents import normalize

log = logging.getLogger(__name__)

CONFIRM_WINDOW = timedelta(minutes=10)
YES_WORDS = frozenset({"yes", "ya", "y", "iya", "confirm", "delete", "hapus"})


def _confirmation_open(ctx: Context) -> bool:
    since = ctx.learner.awaiting_since
    return (
        ctx.learner.awaiting == "delete_me"
        and since is not None
        and timedelta(0) <= ctx.now - since <= CONFIRM_WINDOW
    )


async def cmd_delete_me(ctx: Context, args: str) -> list[Reply]:
    """Ask for confirmation; ``/delete_me yes`` right after it deletes every row."""
    if normalize(args) in YES_WORDS and _confirmation_open(ctx):
        text = ctx.t("delete.done")
        await ctx.repo.delete_learner(ctx.learner.id)
        ctx.deleted = True
        log.info("learner %s deleted their data", ctx.learner.id)
        return [Reply(text, rows(Button("/start", "/start")))]
    ctx.await_text("delete_me")
    return [Reply(ctx.t("delete.confirm"), rows(Button(ctx.t("button.delete_yes"), "/delete_me yes"),
                                                  Button(ctx.t("button.cancel"), "/cancel")))]


async def delete_me_text(ctx: Context, text: str, other_request: bool) -> list[Reply] | None:
    """A typed answer to the delete confirmation: yes deletes, anything else cancels.

    A different request ("what next?") cancels too, and is answered as usual (``None``).
    """
    if normalize(text) in YES_WORDS:
        return await cmd_delete_me(ctx, "yes")
    if other_request:
        return None
    return await cmd_cancel(ctx, "")


async def cmd_cancel(ctx: Context, args: str) -> list[Reply]:
    """Cancel whatever the bot was waiting for: a confirmation, an interview or a question."""
    had = ctx.learner.awaiting
    if had is None:
        stopped = await cancel_question(ctx)
        if stopped is not None:
            return stopped
    ctx.stop_awaiting()
    return [Reply(ctx.t("cancel.done" if had else "cancel.nothing"),
                  rows(Button(ctx.t("button.next"), "/next")))]
