"""Telegram's webhook, served with aiohttp in front of python-telegram-bot's update queue.

python-telegram-bot's own webhook server (tornado) reads a whole body, up to 100 MB, before it
looks at the secret. This one decides from the headers alone:

- a request without ``X-Telegram-Bot-Api-Secret-Token`` equal to ``JALUR_TELEGRAM_WEBHOOK_SECRET``
  gets 403, its body never read, the connection closed;
- a body over ``MAX_UPDATE_BYTES`` gets 413 (by its ``Content-Length``, or while reading a chunked one);
- an update whose ``update_id`` was delivered before, to this process or another on the same
  database (``Engine.claim_update``), gets 200 and is not answered again;
- anything else is parsed and queued for the Application, and Telegram gets 200 at once.
"""

from __future__ import annotations

import hmac
import json
import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.engine import Engine
from bot.settings import Settings

log = logging.getLogger(__name__)

PLATFORM = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024  # Telegram's updates are a few KB; a message is at most 4096 characters
STOP_SECONDS = 2.0  # how long requests being read get when the server stops


def _refuse(status: int, reason: str) -> web.Response:
    """A short answer that also closes the connection (an unread body is not read afterwards)."""
    response = web.json_response({"ok": False, "error": reason}, status=status)
    response.force_close()
    return response


def webhook_app(app: Application, engine: Engine, *, path: str, secret: str) -> web.Application:  # type: ignore[type-arg]
    """The aiohttp application: ``POST path`` only."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("telegram webhook: a request without the right secret from %s refused", request.remote)
            return _refuse(403, "forbidden")
        if request.content_length is not None and request.content_length > MAX_UPDATE_BYTES:
            log.warning("telegram webhook: a body of %d bytes refused (at most %d)", request.content_length,
                        MAX_UPDATE_BYTES)
            return _refuse(413, "too large")
        try:
            body = await request.read()  # at most MAX_UPDATE_BYTES (client_max_size), else 413
            data = json.loads(body)
            update = Update.de_json(data, app.bot)
        except web.HTTPRequestEntityTooLarge:
            log.warning("telegram webhook: a chunked body over %d bytes refused", MAX_UPDATE_BYTES)
            return _refuse(413, "too large")
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("telegram webhook: a body that is not an update refused")
            return _refuse(400, "not an update")
        if update is None:
            return _refuse(400, "not an update")
        if not await engine.claim_update(PLATFORM, update.update_id, now=datetime.now(UTC)):
            log.info("telegram webhook: update %s delivered before; answered once", update.update_id)
            return web.json_response({"ok": True})
        await app.update_queue.put(update)
        return web.json_response({"ok": True})

    server = web.Application(client_max_size=MAX_UPDATE_BYTES)
    server.router.add_post(path, receive)
    return server


class TelegramWebhook:
    """Binds the webhook server, then tells Telegram where it is (``setWebhook``)."""

    def __init__(self, app: Application, engine: Engine, settings: Settings) -> None:  # type: ignore[type-arg]
        secret = settings.telegram_webhook_secret
        if secret is None or not settings.telegram_webhook_url:
            raise ValueError("JALUR_TELEGRAM_WEBHOOK_SECRET must be set in webhook mode")
        self.app = app
        self.settings = settings
        self.secret = secret.get_secret_value()
        self.path = "/" + urlsplit(settings.telegram_webhook_url).path.lstrip("/")
        # lingering_time=0: a refused request's body is not read and discarded afterwards either
        self.runner = web.AppRunner(webhook_app(app, engine, path=self.path, secret=self.secret),
                                    access_log=None, lingering_time=0, shutdown_timeout=STOP_SECONDS)

    async def start(self) -> None:
        """Listen on ``JALUR_TELEGRAM_LISTEN:JALUR_TELEGRAM_PORT`` and register the URL with Telegram."""
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.settings.telegram_listen, self.settings.telegram_port)
        await site.start()
        log.info("telegram: webhook server on %s:%s%s", self.settings.telegram_listen,
                 self.settings.telegram_port, self.path)
        await self.app.bot.set_webhook(self.settings.telegram_webhook_url or "", secret_token=self.secret,
                                       allowed_updates=Update.ALL_TYPES)

    async def stop(self) -> None:
        """Stop taking requests."""
        await self.runner.cleanup()
