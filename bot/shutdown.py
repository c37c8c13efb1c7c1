"""The stop signal and its deadline: after SIGTERM (or Ctrl-C) a process has
``JALUR_SHUTDOWN_GRACE`` seconds to finish, whatever a platform does.

``StopSignal`` catches SIGTERM and SIGINT on the running loop and sets an
event the process waits on. From the first signal it counts the grace down
(``remaining()``); the process finishes its work within it and then cuts off
what is still running (``cut_off``: every other task is cancelled, so a send
stuck on a slow platform ends at once). A watchdog thread is the last
resort: ``FORCE_MARGIN_SECONDS`` after the grace it logs a forced stop and
ends the process, even when the event loop itself is stuck. A second signal
ends the process at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
FORCE_MARGIN_SECONDS = 1.5  # the watchdog's wait after the grace (the bound is grace + 2 s)
CUT_OFF_SECONDS = 0.5  # how long cancelled tasks get to unwind
EXIT_FORCED = 1


class StopSignal:
    """SIGTERM/SIGINT handling with one deadline for the whole shutdown (see the module)."""

    def __init__(self, grace: float, *, on_stop: Callable[[], None] | None = None) -> None:
        self.grace = grace
        self.event = asyncio.Event()
        self.received: signal.Signals | None = None
        self._on_stop = on_stop
        self._at: float | None = None
        self._watchdog: threading.Timer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def install(self) -> None:
        """Catch the stop signals on the running loop (where the platform allows it)."""
        self._loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError):  # not on every OS / not the main thread
                self._loop.add_signal_handler(sig, self._received, sig)

    def uninstall(self) -> None:
        """Stop catching the signals (a second one still ends the process: see ``_received``)."""
        if self._loop is None:
            return
        for sig in STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                self._loop.remove_signal_handler(sig)
            if self.received is not None:  # stopping on a signal: another one means "now"
                with contextlib.suppress(ValueError, OSError):
                    signal.signal(sig, self._again)

    def _received(self, sig: signal.Signals) -> None:
        if self._at is not None:
            self._force(f"a second {sig.name}")
            return
        self.received = sig
        self.begin(sig.name)
        why = f"still running {self.grace + FORCE_MARGIN_SECONDS:.1f} s after {sig.name}"
        self._watchdog = threading.Timer(self.grace + FORCE_MARGIN_SECONDS, self._force, args=(why,))
        self._watchdog.daemon = True  # a process that ends in time is not held up by it
        self._watchdog.start()
        self.event.set()
        if self._on_stop is not None:
            self._on_stop()

    def begin(self, why: str) -> None:
        """Start the countdown (a signal, or a platform that failed); once. Only a signal arms the
        watchdog: it ends the whole process, which only a signal asks for."""
        if self._at is not None:
            return
        self._at = time.monotonic()
        log.info("%s: stopping within %g s (JALUR_SHUTDOWN_GRACE)", why, self.grace)

    def _again(self, signum: int, frame: object) -> None:
        self._force(f"a second {signal.Signals(signum).name}")

    def _force(self, why: str) -> None:
        """End the process now (the watchdog, or a second signal)."""
        log.error("forced stop: %s (JALUR_SHUTDOWN_GRACE=%s); what was still running is cut off", why,
                  f"{self.grace:g}")
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(EXIT_FORCED)

    @property
    def stopping(self) -> bool:
        """True once a stop signal came."""
        return self._at is not None

    def remaining(self) -> float:
        """Seconds left of the grace (all of it before a signal)."""
        if self._at is None:
            return self.grace
        return max(0.0, self.grace - (time.monotonic() - self._at))

    def elapsed(self) -> float:
        """Seconds since the stop signal (0 before one)."""
        return 0.0 if self._at is None else time.monotonic() - self._at


async def cut_off(keep: Iterable[asyncio.Task[object]] = (), *, seconds: float = CUT_OFF_SECONDS) -> int:
    """Cancel every task of the loop but this one and ``keep``; wait ``seconds`` for them to unwind.

    Returns how many were cut off. A database transaction cancelled this way rolls back.
    """
    spared = {asyncio.current_task(), *keep}
    tasks = [task for task in asyncio.all_tasks() if task not in spared and not task.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=seconds)
    return len(tasks)
