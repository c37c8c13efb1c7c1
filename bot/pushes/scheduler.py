"""The one scheduler of ``jalur run``: an APScheduler ``AsyncIOScheduler`` on the bot's loop.

It wakes every ``JALUR_PUSH_INTERVAL`` seconds and runs a delivery pass
(``PushRunner.tick``). A pass that is still busy when the next wake-up
comes is not doubled (one instance at a time; missed wake-ups coalesce).
What is due lives in the database, so a restart loses nothing: the first
pass after it sends what came due meanwhile (or drops what is too late).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.metrics import SCHEDULER_LAG, SCHEDULER_PASS_SECONDS
from bot.pushes.delivery import PushRunner

log = logging.getLogger(__name__)

JOB_ID = "pushes"


class PushScheduler:
    """Runs ``runner.tick()`` every ``interval`` seconds until cancelled."""

    def __init__(self, runner: PushRunner, interval: float, *, grace: float = 30.0) -> None:
        self.runner = runner
        self.interval = interval
        self.grace = grace
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.passes = 0
        self._busy: asyncio.Task[None] | None = None

    async def run(self) -> None:
        """Start the job, wait until cancelled, then let a pass in flight finish (within ``grace``)."""
        self.scheduler.add_job(
            self._pass, "interval", seconds=self.interval, id=JOB_ID, next_run_time=datetime.now(UTC),
            coalesce=True, max_instances=1, misfire_grace_time=max(1, int(self.interval)),
        )
        self.scheduler.start()
        log.info("push scheduler: a pass every %s s", self.interval)
        try:
            await asyncio.Event().wait()
        finally:
            self.runner.stop()  # the pass in flight sends what it claimed, then claims nothing more
            self.scheduler.shutdown(wait=False)  # cancels APScheduler's job task, not the pass it shields
            busy = self._busy
            if busy is not None and not busy.done():
                log.info("push scheduler: letting the pass in flight finish (at most %.0f s)", self.grace)
                done, _ = await asyncio.wait([busy], timeout=self.grace)
                if not done:
                    busy.cancel()  # what was claimed and not sent is sent again after its lease
                    await asyncio.gather(busy, return_exceptions=True)
                    log.warning("push scheduler: the pass in flight was cut off after %.0f s", self.grace)

    async def _pass(self) -> None:
        """APScheduler's job: one pass, in a task of its own so that a shutdown lets it finish."""
        self._busy = asyncio.create_task(self._run_pass())
        try:
            await asyncio.shield(self._busy)
        except asyncio.CancelledError:  # APScheduler shutting down; run() waits for the pass
            return

    async def _run_pass(self) -> None:
        started = time.perf_counter()
        try:
            report = await self.runner.tick()
        except asyncio.CancelledError:  # cut off by shutdown: claimed pushes are sent after their lease
            log.info("push pass stopped by shutdown")
            return
        except Exception:
            log.exception("push pass failed; the next one retries what is due")
            return
        finally:
            self.passes += 1
            SCHEDULER_PASS_SECONDS.observe(time.perf_counter() - started)
        SCHEDULER_LAG.set(report.lag.total_seconds() if report.lag is not None else 0.0)
        if report.outcomes:
            log.info("push pass: %s", report.summary())
        if report.lag is not None and report.lag.total_seconds() > 2 * self.interval:
            log.warning("push pass ran %.0f s behind the oldest due push", report.lag.total_seconds())
