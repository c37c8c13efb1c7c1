"""The ``jalur run`` process: chat platforms, the push scheduler and the health endpoints on one
asyncio loop, and a graceful shutdown.

On SIGTERM (or Ctrl-C): readiness turns 503 at once; the push pass in
flight sends what it claimed and claims nothing more; each platform stops
taking updates and lets the messages being answered finish; then the
platforms disconnect and the database closes. Every message is one database
transaction, so whatever is cut off by the grace period is rolled back, not
half-written, and a push claimed but not sent is sent again after its lease.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any, cast

from bot.engine import Engine
from bot.health import OpsServer
from bot.outbound import Senders
from bot.platforms import Platform
from bot.pushes.delivery import PushRunner, freeze_heap
from bot.pushes.scheduler import PushScheduler
from bot.quiz.grader import prepare
from bot.settings import Settings
from bot.shutdown import CUT_OFF_SECONDS, StopSignal, cut_off

if TYPE_CHECKING:
    from bot.web.server import DashboardServer

log = logging.getLogger(__name__)

PLATFORMS_READY_SECONDS = 60.0


class ServiceError(RuntimeError):
    """A platform could not start or stopped on its own, or the health port is taken."""


async def serve(engine: Engine, settings: Settings, platforms: Sequence[Platform]) -> None:
    """Run ``platforms`` (and the scheduler) until a stop signal or a platform failure."""
    stop = StopSignal(settings.shutdown_grace)
    stop.install()
    ops = None
    if settings.metrics_port:
        ops = OpsServer(engine.db, engine.health, listen=settings.metrics_listen, port=settings.metrics_port)
        try:
            await ops.start()
        except OSError as exc:
            raise ServiceError(f"cannot serve health and metrics on {settings.metrics_listen}:"
                               f"{settings.metrics_port} ({exc.strerror or exc}); set JALUR_METRICS_PORT "
                               "to a free port, or 0 to turn the endpoints off") from exc
    try:
        web = await _start_dashboard(engine, settings) if settings.web_url else None
    except ServiceError:
        if ops is not None:
            await ops.stop()
        raise
    started = time.perf_counter()
    compiled = prepare(engine.bank.questions.values())
    log.info("grader: %d rubrics compiled in %.1f s", compiled, time.perf_counter() - started)
    senders = Senders()
    tasks: dict[asyncio.Task[None], Platform] = {}
    for platform in platforms:
        engine.health.expect(platform.name.lower())
        log.info("starting %s", platform.name)
        running = cast(Coroutine[Any, Any, None], platform.run(engine, settings, senders))
        tasks[asyncio.create_task(running, name=platform.name)] = platform
    scheduler = None
    if settings.pushes:
        if engine.db.is_sqlite:
            log.warning("pushes: SQLite allows one scheduler; run a single `jalur run` on this "
                        "database (use PostgreSQL to run several)")
        scheduler = asyncio.create_task(_pushes(engine, settings, senders, [p.name.lower() for p in platforms]),
                                        name="pushes")
    else:
        log.info("pushes: off (JALUR_PUSHES=false)")
    stopper: asyncio.Task[Any] = asyncio.create_task(stop.event.wait())
    waiting: list[asyncio.Task[Any]] = [*tasks, stopper]
    try:
        done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    finally:
        engine.health.stopping = True
        stop.begin("shutting down")
        stop.uninstall()
    failures = [_failure(tasks[task], task) for task in done if task in tasks]
    log.info("shutting down: %s", "; ".join(failures) if failures else "stop signal")
    cut = await _shut_down(engine, stop, scheduler, list(tasks), stopper)
    if ops is not None:
        await ops.stop()
    if web is not None:
        await web.stop()
    if failures:
        raise ServiceError("; ".join(failures))
    if cut:
        log.warning("stopped %.1f s after the stop signal; %d task(s) cut off", stop.elapsed(), cut)
    else:
        log.info("stopped cleanly, %.1f s after the stop signal", stop.elapsed())


async def _start_dashboard(engine: Engine, settings: Settings) -> DashboardServer:
    """The dashboard's web server (``JALUR_WEB_URL`` is set): Telegram's Mini App and signed links."""
    from bot.features.dashboard_link import link_secret
    from bot.web.server import DashboardServer, dashboard_app

    token = settings.telegram_token.get_secret_value() if settings.telegram_token else None
    app = dashboard_app(engine, telegram_token=token, secret=link_secret(settings))
    server = DashboardServer(app, listen=settings.web_listen, port=settings.web_port)
    try:
        await server.start()
    except OSError as exc:
        raise ServiceError(f"cannot serve the dashboard on {settings.web_listen}:{settings.web_port} "
                           f"({exc.strerror or exc}); set JALUR_WEB_PORT to a free port") from exc
    return server


async def _pushes(engine: Engine, settings: Settings, senders: Senders, platforms: Sequence[str]) -> None:
    """The push scheduler, from the moment the platforms can send (or ``PLATFORMS_READY_SECONDS`` on):
    a first pass before Telegram has connected would only put every due push off by a minute."""
    missing = await senders.wait_for(platforms, PLATFORMS_READY_SECONDS)
    if missing:
        log.warning("pushes: starting although %s cannot send yet; their pushes wait for it",
                    ", ".join(missing))
    freeze_heap()
    await PushScheduler(PushRunner(engine, senders, concurrency=settings.push_concurrency),
                        settings.push_interval, grace=settings.shutdown_grace).run()


def _failure(platform: Platform, task: asyncio.Task[None]) -> str:
    exc = task.exception() if not task.cancelled() else None
    if exc is None:
        return f"{platform.name} stopped"
    log.debug("%s stopped", platform.name, exc_info=exc)
    return f"{platform.name} stopped: {type(exc).__name__}: {exc}"


async def _shut_down(engine: Engine, stop: StopSignal, scheduler: asyncio.Task[None] | None,
                     platforms: list[asyncio.Task[None]], stopper: asyncio.Task[Any]) -> int:
    """Pushes first (their platforms still up), then the platforms, which drain their handlers; all
    within the grace, after which what is still running is cut off. Returns how many tasks were."""
    stopper.cancel()
    if scheduler is not None:
        scheduler.cancel()
        await asyncio.wait([scheduler], timeout=stop.remaining())
    for task in platforms:
        task.cancel()
    if platforms:
        await asyncio.wait(platforms, timeout=stop.remaining())
    drained = await engine.drain(stop.remaining())
    late = [task for task in (scheduler, *platforms) if task is not None and not task.done()]
    cut = 0
    if late or not drained:
        log.warning("shutdown: the grace of %g s ran out; cutting off what is still running (%s)", stop.grace,
                    ", ".join(task.get_name() for task in late) or "messages being answered")
        cut = await cut_off(keep=late)  # sends and handlers first, so the platforms can close cleanly
        if late:
            await asyncio.wait(late, timeout=CUT_OFF_SECONDS)
        cut += await cut_off()
    for task in platforms:
        if task.done() and not task.cancelled() and isinstance(task.exception(), Exception):
            log.info("a platform stopped with %s", type(task.exception()).__name__)
    return cut
