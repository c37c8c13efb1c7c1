"""/link: one learner across platforms.

``/link`` on one platform gives a one-time code (valid 10 minutes);
``/link CODE`` typed on another platform joins the two accounts into one
learner, with progress, streak and reviews merged (see
``bot.storage.learner_merge``). Codes are never shown in a chat others can
read, and five wrong codes in a row make the learner wait 15 minutes.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import datetime, timedelta

from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.localtime import zone_label
from bot.markup import escape
from bot.pushes.kinds import reschedule
from bot.storage.tables import Learner
from bot.streaks.record import current_streak, replay_merged

log = logging.getLogger(__name__)

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to type from a phone
CODE_LENGTH = 8
VALID_FOR = timedelta(minutes=10)
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
PLATFORM_NAMES = {"telegram": "Telegram", "discord": "Discord", "console": "terminal"}
MAX_ECHO = 20
_BARE_CODE = re.compile(r"^\s*[A-Za-z2-9]{4}[-\s]?[A-Za-z2-9]{4}\s*$")


def survivor(a: Learner, b: Learner) -> tuple[Learner, Learner]:
    """(kept, merged-in): the learner who finished setup, else the one who started first."""
    def key(learner: Learner) -> tuple[bool, datetime, int]:
        return (learner.onboarding_step is not None, learner.created_at, learner.id)

    return (a, b) if key(a) <= key(b) else (b, a)


def new_code() -> str:
    """A random code of ``CODE_LENGTH`` characters from ``ALPHABET``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """``ABCD2345`` -> ``ABCD-2345``."""
    return f"{code[:4]}-{code[4:]}"


def typed(text: str) -> str:
    """What a learner typed as a code, cleaned: ``abcd-2345`` -> ``ABCD2345``."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


async def cmd_link(ctx: Context, args: str) -> list[Reply]:
    """``/link`` gives a code; ``/link CODE`` joins this account to the one that asked for it."""
    if args.strip():
        return await _redeem(ctx, typed(args))
    if ctx.origin.shared_chat:
        return [Reply(ctx.t("link.private_only"))]
    code = new_code()
    await ctx.repo.new_link_code(ctx.learner.id, code, now=ctx.now, expires_at=ctx.now + VALID_FOR)
    minutes = int(VALID_FOR.total_seconds() // 60)
    return [Reply(ctx.t("link.code", code=shown(code), minutes=minutes))]


async def bare_code(ctx: Context, text: str) -> list[Reply] | None:
    """A code typed without ``/link`` ("ABCD-2345", as the other platform showed it) links too.

    Only a live code of another learner counts; any other text is left to the usual handling,
    so a word that merely looks like a code ("database") is not a failed attempt.
    """
    if ctx.origin.shared_chat or not _BARE_CODE.match(text):
        return None
    code = typed(text)
    if any(ch not in ALPHABET for ch in code):
        return None
    row = await ctx.repo.find_link_code(code)
    if row is None or row.learner_id == ctx.learner.id or row.expires_at <= ctx.now:
        return None
    return await _redeem(ctx, code)


async def _redeem(ctx: Context, code: str) -> list[Reply]:
    learner = ctx.learner
    if (learner.link_failures >= MAX_FAILURES and learner.link_failed_at is not None
            and ctx.now - learner.link_failed_at < LOCKOUT):
        wait = LOCKOUT - (ctx.now - learner.link_failed_at)
        return [Reply(ctx.t("link.too_many", minutes=max(1, round(wait.total_seconds() / 60))))]
    row = await ctx.repo.find_link_code(code) if 0 < len(code) <= CODE_LENGTH else None
    if row is not None and row.learner_id == learner.id:
        return [Reply(ctx.t("link.same_account"))]
    if row is None or row.expires_at <= ctx.now:
        if row is not None:
            await ctx.repo.drop_link_code(code)
        learner.link_failures = (learner.link_failures if learner.link_failed_at and
                                 ctx.now - learner.link_failed_at < LOCKOUT else 0) + 1
        learner.link_failed_at = ctx.now
        key = "link.expired" if row is not None else "link.wrong"
        return [Reply(ctx.t(key, code=escape(code[:MAX_ECHO])), rows(Button("/link", "/link")))]
    if await ctx.repo.drop_link_code(code) is None:  # another message redeemed it a moment ago
        return [Reply(ctx.t("link.wrong", code=escape(code)), rows(Button("/link", "/link")))]
    other = (await ctx.repo.learners_by_id([row.learner_id])).get(row.learner_id)
    if other is None:
        return [Reply(ctx.t("link.wrong", code=escape(code)), rows(Button("/link", "/link")))]
    keep, drop = survivor(learner, other)
    longest = max(keep.streak_longest, drop.streak_longest)
    await ctx.repo.merge_learners(keep, drop, now=ctx.now)
    await replay_merged(ctx.repo, keep, longest)
    await reschedule(ctx.repo.pushes, keep, ctx.now)  # the kept learner's settings, its merged streak
    ctx.learner = keep
    await ctx.reload_progress()
    return [await _linked(ctx)]


async def _linked(ctx: Context) -> Reply:
    learner = ctx.learner
    identities = (await ctx.repo.identities_of([learner.id])).get(learner.id, [])
    platforms = sorted({PLATFORM_NAMES.get(i.platform, i.platform) for i in identities})
    done = sum(1 for status in ctx.progress.statuses.values() if status == "done")
    cards = len(await ctx.repo.quiz.cards(learner.id))
    text = ctx.t("link.done", platforms=" + ".join(platforms), skills=done, cards=cards,
                 streak=current_streak(ctx.learner, ctx.now), timezone=zone_label(learner.timezone))
    if learner.onboarding_step is not None:
        return Reply(text + "\n\n" + ctx.t("link.finish_setup"), rows(Button("/start", "/start")))
    return Reply(text, rows(Button(ctx.t("button.next"), "/next"), Button(ctx.t("button.progress"), "/progress")))
