"""The dashboard over HTTP: a static page and a small versioned JSON API (aiohttp).

- ``GET /``: the page (``static/index.html``; its script and styles under ``/static/``).
- ``GET /api/v1/dashboard``: the asking learner's path, streak, recall and groups
  (``bot.features.dashboard.dashboard``).
- ``GET /api/v1/skills/{skill_id}``: one skill as ``/skill`` shows it, for that learner.
- ``GET /api/v1/texts/{lang}``: the page's texts in ``en`` or ``id`` (public: no learner data).

Every ``/api/v1/`` call but the texts names its learner in the ``Authorization`` header,
either ``tma <initData>`` (Telegram's Mini App) or ``Bearer <token>`` (a signed link,
``bot.webauth``); there is no learner id in any address, so a session can only read its
own learner. A missing, forged or expired credential gets 401; a learner who no longer
exists, 404; neither carries any data. Credentials are never logged: the server writes
one line per request with the method, the route and the status only.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.engine import Engine
from bot.features.context import Context
from bot.features.dashboard import dashboard, page_texts, skill_view
from bot.webauth import AuthError, read_link, telegram_user

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
STATIC_FILES = {"app.js": "text/javascript", "app.css": "text/css", "index.html": "text/html"}
TELEGRAM_SCRIPT = "https://telegram.org"
# Telegram's web clients show a Mini App in a frame; nobody else may frame the page.
FRAME_ANCESTORS = "https://web.telegram.org"
CSP = ("default-src 'none'; "
       f"script-src 'self' {TELEGRAM_SCRIPT}; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       f"base-uri 'none'; form-action 'none'; frame-ancestors 'self' {FRAME_ANCESTORS}")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
LANGUAGES = ("en", "id")

Clock = Callable[[], datetime]
_dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def _now() -> datetime:
    return datetime.now(UTC)


class Access:
    """Who is asking: from Telegram's initData or a signed link, to a learner id."""

    def __init__(self, engine: Engine, *, telegram_token: str | None, secret: bytes | None) -> None:
        self.engine = engine
        self.telegram_token = telegram_token
        self.secret = secret

    async def learner(self, request: web.Request, now: datetime) -> tuple[int, int | None]:
        """The learner id (and the sign-up second a link names); 401 or 404 as an HTTP error."""
        scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
        scheme, credential = scheme.lower(), credential.strip()
        try:
            if scheme == "tma" and self.telegram_token:
                user = telegram_user(credential, self.telegram_token, now)
                learner = await self.engine.learner_of("telegram", str(user))
                if learner is None:
                    raise _error(web.HTTPNotFound, "no_learner")
                return learner, None
            if scheme == "bearer" and self.secret:
                claims = read_link(self.secret, credential, now)
                return claims.learner_id, claims.created
        except AuthError as exc:
            log.info("dashboard: refused a credential (%s)", exc)  # the reason only, never the credential
            raise _error(web.HTTPUnauthorized, "unauthorized") from None
        raise _error(web.HTTPUnauthorized, "unauthorized")


def _error(kind: type[web.HTTPException], code: str) -> web.HTTPException:
    return kind(text=f'{{"error": "{code}"}}', content_type="application/json")


@web.middleware
async def _headers_and_log(request: web.Request,
                           handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    """Security headers on every answer, no caching of the API, one log line (no headers, no query)."""
    started = time.perf_counter()
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    except Exception:  # a broken view (the database is down) is a 500 with the same headers
        log.exception("dashboard: %s %s failed", request.method, request.path)
        response = _error(web.HTTPInternalServerError, "internal")
    response.headers.update(SECURITY_HEADERS)
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    route = request.match_info.route.resource.canonical if request.match_info.route.resource else "?"
    log.info("dashboard: %s %s -> %s in %.0f ms", request.method, route, response.status,
             (time.perf_counter() - started) * 1000)
    if isinstance(response, web.HTTPException) and response.status >= 400:
        raise response
    return response


def dashboard_app(engine: Engine, *, telegram_token: str | None, secret: bytes | None,
                  clock: Clock = _now) -> web.Application:
    """The dashboard's aiohttp application."""
    access = Access(engine, telegram_token=telegram_token, secret=secret)

    async def view(request: web.Request, read: Callable[[Context], Awaitable[Any]]) -> web.Response:
        now = clock()
        learner, created = await access.learner(request, now)
        found = await engine.read_view(learner, now, read, created=created)
        if found is None:
            raise _error(web.HTTPNotFound, "no_learner")
        return web.json_response(found, dumps=_dumps)

    async def api_dashboard(request: web.Request) -> web.Response:
        return await view(request, dashboard)

    async def api_skill(request: web.Request) -> web.Response:
        skill_id = request.match_info["skill_id"]

        async def read(ctx: Context) -> Any:
            return skill_view(ctx, skill_id) or {}

        response = await view(request, read)
        if skill_id not in engine.kb.skills:
            raise _error(web.HTTPNotFound, "no_skill")
        return response

    async def api_texts(request: web.Request) -> web.Response:
        lang = request.match_info["lang"]
        if lang not in LANGUAGES:
            raise _error(web.HTTPNotFound, "no_language")
        return web.json_response(page_texts(engine.texts, lang), dumps=_dumps)

    async def page(request: web.Request) -> web.FileResponse:
        return _static("index.html")

    async def static(request: web.Request) -> web.FileResponse:
        name = request.match_info["name"]
        if name not in STATIC_FILES or name == "index.html":
            raise web.HTTPNotFound()
        return _static(name)

    app = web.Application(middlewares=[_headers_and_log])
    app.router.add_get("/", page)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/api/v1/dashboard", api_dashboard)
    app.router.add_get("/api/v1/skills/{skill_id}", api_skill)
    app.router.add_get("/api/v1/texts/{lang}", api_texts)
    return app


def _static(name: str) -> web.FileResponse:
    response = web.FileResponse(STATIC / name)
    response.content_type = STATIC_FILES[name]
    response.headers["Cache-Control"] = "no-cache"
    return response


class DashboardServer:
    """The dashboard's HTTP server on the process's event loop."""

    def __init__(self, app: web.Application, *, listen: str, port: int) -> None:
        self.runner = web.AppRunner(app, access_log=None)  # our own log line instead: no headers, no query
        self.listen = listen
        self.port = port

    async def start(self) -> int:
        """Bind and serve (OSError when the port is taken); the port it listens on."""
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.listen, self.port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("dashboard on http://%s:%s", self.listen, self.port)
        return self.port

    async def stop(self) -> None:
        """Stop serving."""
        await self.runner.cleanup()
