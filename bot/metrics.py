"""Prometheus metrics of a Jalur process (served on ``/metrics`` by ``bot.health``).

Labels stay small and bounded: platforms, command names (unknown commands
are counted as ``unknown_command``), verdicts, push kinds and outcomes.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

MESSAGES = Counter(
    "jalur_messages_handled_total", "Messages and button presses the engine handled",
    ["platform", "command"],
)
HANDLER_SECONDS = Histogram(
    "jalur_handler_seconds", "Time the engine took to answer one message (database included)",
    ["platform", "command"], buckets=LATENCY_BUCKETS,
)
QUIZ_ANSWERS = Counter("jalur_quiz_answers_total", "Graded quiz answers by verdict", ["verdict"])
PUSHES = Counter(
    "jalur_pushes_total", "Pushes and group posts by kind and outcome (sent, retry, waiting, failed, "
    "skipped, expired)", ["kind", "outcome"],
)
PLATFORM_ERRORS = Counter(
    "jalur_platform_errors_total", "Errors a chat platform answered with, by kind", ["platform", "error"],
)
RATE_LIMIT_WAITS = Counter(
    "jalur_rate_limit_waits_total", "Times a chat platform told Jalur to wait (429, RetryAfter)", ["platform"],
)
SCHEDULER_LAG = Gauge(
    "jalur_scheduler_lag_seconds", "How late the last push pass ran behind the oldest push it found due",
)
SCHEDULER_PASS_SECONDS = Histogram(
    "jalur_scheduler_pass_seconds", "Duration of one push delivery pass", buckets=(*LATENCY_BUCKETS, 30.0, 60.0),
)
PLATFORM_CONNECTED = Gauge(
    "jalur_platform_connected", "1 while a chat platform is connected and taking updates", ["platform"],
)
IN_FLIGHT = Gauge("jalur_handlers_in_flight", "Messages the engine is answering right now")
