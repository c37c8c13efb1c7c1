"""The dashboard server in a test: the real aiohttp app on a local port, Telegram initData signed as
Telegram documents it, and the link /dashboard hands out."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from bot.conversation import Reply
from bot.engine import Engine
from bot.features.dashboard_link import link_secret
from bot.settings import Settings
from bot.web.server import dashboard_app

BOT_TOKEN = "123456:TEST-token"
WEB_URL = "https://jalur.example.org/dashboard/"


def web_settings(settings: Settings) -> Settings:
    """Settings with the dashboard on (a public address) and a Telegram bot token."""
    from pydantic import SecretStr

    return settings.model_copy(update={"web_url": WEB_URL, "telegram_token": SecretStr(BOT_TOKEN),
                                       "web_secret": SecretStr("a-test-secret-of-enough-length")})


def init_data(user_id: int, *, signed_at: datetime, token: str = BOT_TOKEN, lang: str = "en") -> str:
    """Telegram's initData for ``user_id``: the fields sorted into the data-check string, signed with
    HMAC-SHA256 under HMAC-SHA256("WebAppData", token)."""
    fields = {"auth_date": str(int(signed_at.timestamp())), "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
              "user": json.dumps({"id": user_id, "first_name": "Ani", "language_code": lang}, separators=(",", ":"))}
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


def link_of(replies: list[Reply]) -> str:
    """The URL of the one link button in ``replies``."""
    urls = [b.url for r in replies for b in r.flat_buttons if b.url]
    assert len(urls) == 1, replies
    return urls[0]


class Web:
    """The dashboard app on a local port, asked with a credential."""

    def __init__(self, engine: Engine, clock: Any) -> None:
        settings = engine.settings
        token = settings.telegram_token.get_secret_value() if settings.telegram_token else None
        self.server = TestServer(dashboard_app(engine, telegram_token=token, secret=link_secret(settings),
                                               clock=clock))
        self.session: ClientSession | None = None

    async def __aenter__(self) -> Web:
        await self.server.start_server()
        self.session = ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.session is not None
        await self.session.close()
        await self.server.close()

    def url(self, path: str = "/") -> str:
        return str(self.server.make_url(path))

    async def get(self, path: str, auth: str | None = None) -> tuple[int, bytes, dict[str, str]]:
        assert self.session is not None
        headers = {"Authorization": auth} if auth else {}
        async with self.session.get(self.url(path), headers=headers) as response:
            return response.status, await response.read(), dict(response.headers)
