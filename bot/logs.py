"""Logging for Jalur processes: structured, and free of secrets.

- JSON lines when standard error is not a terminal (containers, journald,
  a log shipper), readable ``key=value`` lines on a terminal;
  ``JALUR_LOG_FORMAT`` forces one or the other.
- Jalur's own loggers log at ``JALUR_LOG_LEVEL``; libraries at WARNING (or
  the chosen level when it is stricter).
- Every record passes ``Redactor``: the configured tokens and secrets, the
  password of the database URL, and anything shaped like a Telegram bot
  token or a Discord interaction/webhook token are replaced by ``***``.
  Jalur never logs what learners write, only ids, commands and timings.
- ``bot.access`` writes one line per handled update (``jalur run``).

A small formatter of our own instead of a logging library: the standard
library does the work, and the formatter is 30 lines.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from bot.settings import Settings

ACCESS_LOGGER = "bot.access"
HANDLER_NAME = "jalur"
OWN_LOGGERS = ("bot", "adapters")
MASK = "***"
# Attributes every LogRecord has; anything else was passed with ``extra=`` and is a field.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_PATTERNS = (
    re.compile(r"(?<=bot)\d{5,}:[A-Za-z0-9_-]{20,}"),  # a Telegram token inside a Bot API URL
    re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}\b"),  # a Telegram token on its own
    re.compile(r"(?<=/interactions/)(\d+)/[A-Za-z0-9_.-]{20,}"),  # a Discord interaction token
    re.compile(r"(?<=/webhooks/)(\d+)/[A-Za-z0-9_.-]{20,}"),  # a Discord webhook (follow-up) token
)


def secrets_of(settings: Settings) -> list[str]:
    """The secret values in the settings: tokens, the webhook secret, the database password."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    found = [s.get_secret_value() for s in (settings.telegram_token, settings.telegram_webhook_secret,
                                            settings.discord_token) if s is not None]
    try:
        password = make_url(settings.database_url).password
    except (ArgumentError, ValueError):
        password = None
    if password:
        found.append(str(password))
    if settings.database_password is not None:  # also as it stands, URL-encoded, in the URL
        from urllib.parse import quote

        found += [settings.database_password.get_secret_value(), quote(settings.database_password.get_secret_value(), safe="")]
    return [s for s in found if len(s) >= 4]


class Redactor(logging.Filter):
    """Replaces secrets in a record's message, arguments and exception text.

    ``secrets`` may be a callable, asked at the first record: finding the
    database password parses its URL with SQLAlchemy, which a command that
    logs nothing (``jalur quiz grade``) should not have to import.
    """

    def __init__(self, secrets: Iterable[str] | Callable[[], Iterable[str]] = ()) -> None:
        super().__init__()
        self._source = secrets
        self._secrets: list[str] | None = None

    @property
    def secrets(self) -> list[str]:
        """The secrets to mask, longest first."""
        if self._secrets is None:
            found = self._source() if callable(self._source) else self._source
            self._secrets = sorted(set(found), key=len, reverse=True)
        return self._secrets

    def clean(self, text: str) -> str:
        """``text`` with every secret masked."""
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: f"{m.group(1)}/{MASK}" if m.groups() else MASK, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.clean(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.clean("".join(traceback.format_exception(*record.exc_info)).rstrip())
            record.exc_info = None
        return True


def fields(record: logging.LogRecord) -> dict[str, Any]:
    """The ``extra=`` fields of a record."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the extra fields, the exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
        }
        line.update(fields(record))
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``2026-03-02 09:00:00 INFO bot.access: update handled platform=telegram command=quiz``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        extra = " ".join(f"{k}={v}" for k, v in fields(record).items())
        if extra:
            head, sep, tail = text.partition("\n")
            text = f"{head} {extra}{sep}{tail}"
        return text


def configure_logging(settings: Settings, *, access: bool = False, stream: TextIO | None = None) -> logging.Handler:
    """Send logs to ``stream`` (standard error) in the configured format, with secrets masked."""
    return start_logging(settings.log_format, settings.log_level, access=access and settings.access_log,
                         secrets=lambda: secrets_of(settings), stream=stream)


def start_logging(log_format: str, log_level: str, *, access: bool = False,
                  secrets: Callable[[], Iterable[str]] = list, stream: TextIO | None = None) -> logging.Handler:
    """``configure_logging`` from the two settings themselves, for a command that starts without
    ``Settings``; ``secrets`` is asked at the first record."""
    stream = stream or sys.stderr
    json_lines = log_format == "json" or (log_format == "auto" and not _is_terminal(stream))
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    handler.addFilter(Redactor(secrets))
    handler.set_name(HANDLER_NAME)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    level = logging.getLevelName(log_level)
    root.setLevel(max(logging.WARNING, level))
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(level)
    logging.getLogger(ACCESS_LOGGER).setLevel(logging.INFO if access else logging.WARNING)
    return handler


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
