"""Liveness, readiness and metrics over HTTP for ``jalur run`` (``JALUR_METRICS_PORT``).

- ``GET /healthz``: liveness. 200 while the process's event loop answers.
- ``GET /readyz``: readiness. 200 when the database answers ``SELECT 1``
  and every chat platform this process serves is connected; 503 otherwise,
  and from the moment a shutdown starts. The JSON body says which part is
  not ready.
- ``GET /metrics``: Prometheus metrics (``bot.metrics``).
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from sqlalchemy import text

from bot.platform_status import PlatformHealth
from bot.storage.database import Database

log = logging.getLogger(__name__)

DATABASE_TIMEOUT_SECONDS = 3.0


async def database_ok(db: Database) -> str:
    """``ok``, or what went wrong when asking the database ``SELECT 1``."""
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS):
            async with db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except TimeoutError:
        return f"no answer within {DATABASE_TIMEOUT_SECONDS:.0f} s"
    except Exception as exc:  # noqa: BLE001 - any driver error means "not ready"; the reason goes to the body
        return type(exc).__name__
    return "ok"


def ops_app(db: Database, health: PlatformHealth) -> web.Application:
    """The aiohttp application serving the three endpoints."""

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(request: web.Request) -> web.Response:
        database = await database_ok(db)
        platforms = {name: name in health.connected for name in sorted(health.expected)}
        ready = database == "ok" and all(platforms.values()) and not health.stopping
        body = {"status": "ready" if ready else "not ready", "database": database, "platforms": platforms,
                "stopping": health.stopping}
        return web.json_response(body, status=200 if ready else 503)

    async def metrics(request: web.Request) -> web.Response:
        response = web.Response(body=generate_latest(REGISTRY))
        response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
        return response

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    return app


class OpsServer:
    """The HTTP server for the endpoints, on the process's event loop."""

    def __init__(self, db: Database, health: PlatformHealth, *, listen: str, port: int) -> None:
        self.runner = web.AppRunner(ops_app(db, health), access_log=None)
        self.listen = listen
        self.port = port

    async def start(self) -> None:
        """Bind and serve (raises OSError when the port is taken)."""
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.listen, self.port)
        await site.start()
        log.info("health and metrics on http://%s:%s (/healthz, /readyz, /metrics)", self.listen, self.port)

    async def stop(self) -> None:
        """Stop serving."""
        await self.runner.cleanup()
