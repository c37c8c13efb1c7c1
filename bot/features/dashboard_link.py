"""/dashboard: the way to the learner's dashboard page from each platform.

- Telegram: a button that opens the page as a Mini App (Telegram signs who opened it).
- Discord and others: a personal link with a signed token (``bot.webauth``) that expires
  in 15 minutes and opens only this learner's data; in a server the reply is ephemeral.
- The console: ``jalur dashboard`` serves the page on this machine.

Without ``JALUR_WEB_URL`` no page is served, and the command says so.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.settings import Settings
from bot.storage.tables import Learner
from bot.webauth import LINK_LIFETIME, derive_secret, sign_link

log = logging.getLogger(__name__)

TELEGRAM, CONSOLE = "telegram", "console"


def link_secret(settings: Settings) -> bytes | None:
    """The key that signs dashboard links: ``JALUR_WEB_SECRET``, else one derived from the bot tokens."""
    if settings.web_secret is not None:
        return settings.web_secret.get_secret_value().encode()
    tokens = [t.get_secret_value() for t in (settings.telegram_token, settings.discord_token) if t is not None]
    return derive_secret(*tokens) if tokens else None


def personal_link(base_url: str, secret: bytes, learner: Learner, now: datetime, *,
                  lifetime: timedelta = LINK_LIFETIME) -> str:
    """The dashboard address with a signed token in its fragment (a fragment never reaches server logs)."""
    return f"{base_url}#t={sign_link(secret, learner.id, learner.created_at, now, lifetime)}"


async def learner_link(ctx: Context, base_url: str, secret: bytes, lifetime: timedelta) -> str:
    """``personal_link`` for the learner of ``ctx`` (``jalur dashboard`` reads it in a view)."""
    return personal_link(base_url, secret, ctx.learner, ctx.now, lifetime=lifetime)


def mini_app(settings: Settings) -> bool:
    """True when Telegram can open the dashboard as a Mini App (Telegram takes only HTTPS addresses)."""
    return settings.web_url is not None and settings.web_url.startswith("https://")


def dashboard_button(ctx: Context) -> Button | None:
    """The button under /progress that opens the dashboard (a Mini App on Telegram), if one is served."""
    url = ctx.settings.web_url
    if url is None or ctx.origin.shared_chat or ctx.origin.platform == CONSOLE:
        return None
    if ctx.origin.platform == TELEGRAM and mini_app(ctx.settings):
        return Button(ctx.t("button.dashboard"), "/dashboard", url=url, web_app=True)
    return Button(ctx.t("button.dashboard"), "/dashboard")


async def cmd_dashboard(ctx: Context, args: str) -> list[Reply]:
    """The dashboard: a Mini App button on Telegram, a personal 15-minute link elsewhere."""
    settings = ctx.settings
    if ctx.origin.platform == CONSOLE:
        return [Reply(ctx.t("dashboard_link.console"))]
    secret = link_secret(settings)
    if settings.web_url is None or secret is None:
        return [Reply(ctx.t("dashboard_link.not_served"))]
    if ctx.origin.shared_chat:
        return [Reply(ctx.t("dashboard_link.private_only"))]
    if ctx.origin.platform == TELEGRAM and mini_app(settings):
        return [Reply(ctx.t("dashboard_link.telegram"),
                      rows(Button(ctx.t("button.dashboard"), "/dashboard", url=settings.web_url, web_app=True)))]
    link = personal_link(settings.web_url, secret, ctx.learner, ctx.now)
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    return [Reply(ctx.t("dashboard_link.personal", minutes=minutes),
                  rows(Button(ctx.t("button.dashboard"), "/dashboard", url=link)))]
