"""Settings read from the environment (``JALUR_*``) or a ``.env`` file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import quote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.localtime import parse_clock


def default_database_url() -> str:
    """SQLite file in the user's data directory (created on first use)."""
    path = Path(platformdirs.user_data_dir("jalur", appauthor=False)) / "jalur.db"
    return f"sqlite+aiosqlite:///{path}"


def with_password(url: str, password: str) -> str:
    """``url`` with ``password`` URL-encoded in place of its password (``@``, ``/``, ``:`` and the rest
    then mean nothing special); the URL must name a PostgreSQL user."""
    parts = urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    if not parts.scheme.startswith("postgres") or not at or not userinfo.split(":", 1)[0]:
        raise ValueError("JALUR_DATABASE_PASSWORD needs a PostgreSQL JALUR_DATABASE_URL that names a user, "
                         "e.g. postgresql+asyncpg://jalur@postgres:5432/jalur")
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{quote(password, safe='')}@{host}"))


class Settings(BaseSettings):
    """Jalur's settings; every field maps to ``JALUR_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="JALUR_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL: sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db",
    )
    database_password: SecretStr | None = Field(
        default=None, description="Password for the PostgreSQL user of JALUR_DATABASE_URL, as it is "
                                  "(any characters: it is URL-encoded into the URL)",
    )
    default_language: Literal["en", "id"] = Field(
        default="en", description="Language for new learners whose platform gives no hint"
    )
    default_timezone: str = Field(
        default="Asia/Jakarta", description="Timezone of a new learner until they choose one"
    )
    default_quiz_time: str = Field(
        default="19:00", description="Local time of the daily quiz for new learners (HH:MM; they can change it)"
    )
    pushes: bool = Field(
        default=True, description="Run the push scheduler (daily quiz, weekly nudge, streak reminder) in `jalur run`"
    )
    push_interval: int = Field(
        default=60, ge=5, le=3600, description="Seconds between the scheduler's passes over due pushes"
    )
    push_concurrency: int = Field(
        default=16, ge=1, le=512,
        description="Pushes in flight at once; about rate x round-trip time (30/s x 0.2 s = 6) is enough",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="WARNING", description="Log level for Jalur's own loggers"
    )
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto", description="Log lines as JSON or readable text; auto: JSON unless on a terminal"
    )
    access_log: bool = Field(
        default=True, description="`jalur run` logs one line per handled update (learner id, platform, "
                                  "command, latency; never the text)"
    )
    metrics_port: int = Field(
        default=9108, ge=0, le=65535,
        description="Port of the /metrics, /healthz and /readyz endpoints of `jalur run` (0: off)",
    )
    metrics_listen: str = Field(default="127.0.0.1", description="Address the metrics and health endpoints listen on")
    shutdown_grace: float = Field(
        default=30.0, ge=0, le=600,
        description="Seconds `jalur run` waits for handlers and pushes in flight on SIGTERM",
    )
    knowledge_dir: Path | None = Field(
        default=None, description="Load content from this directory instead of the shipped one"
    )
    telegram_token: SecretStr | None = Field(
        default=None, description="Bot token from @BotFather; setting it enables Telegram in `jalur run`"
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org/bot", description="Bot API base URL (the token is appended)"
    )
    telegram_webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL for webhook mode; unset means long polling"
    )
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, description="Secret Telegram sends with every webhook request (required for webhooks)"
    )
    telegram_rate: float = Field(
        default=30.0, gt=0, le=1000,
        description="Messages per second Telegram may receive from Jalur (30 is Telegram's limit; "
                    "up to 1000 with paid broadcasts)",
    )
    telegram_paid_broadcast: bool = Field(
        default=False,
        description="Send pushes as Telegram paid broadcasts (allow_paid_broadcast, up to 1000/s, paid in Stars) "
                    "in a lane of their own; replies keep JALUR_TELEGRAM_RATE",
    )
    telegram_listen: str = Field(default="0.0.0.0", description="Address the webhook server listens on")
    telegram_port: int = Field(default=8443, ge=1, le=65535, description="Port the webhook server listens on")
    telegram_quiz_polls: bool = Field(
        default=True, description="Choice questions as Telegram quiz polls (false: option buttons)"
    )

    discord_token: SecretStr | None = Field(
        default=None, description="Bot token of the Discord application; setting it enables Discord in `jalur run`"
    )
    discord_api_url: str = Field(
        default="https://discord.com/api/v10", description="Discord REST API base URL (tests point it at a fake)"
    )
    discord_sync_commands: bool = Field(
        default=True, description="Register the slash commands with Discord when the bot starts"
    )
    discord_shard_count: int | None = Field(
        default=None, ge=1, description="Total shards across all processes (unset: Discord's recommendation)"
    )
    discord_shard_ids: list[int] | None = Field(
        default=None, description="Shards this process runs, e.g. [0,1] (needs JALUR_DISCORD_SHARD_COUNT)"
    )

    web_url: str | None = Field(
        default=None, description="Public HTTPS address of the dashboard (setting it makes `jalur run` serve it)"
    )
    web_listen: str = Field(default="127.0.0.1", description="Address the dashboard server listens on")
    web_port: int = Field(default=8080, ge=1, le=65535, description="Port the dashboard server listens on")
    web_secret: SecretStr | None = Field(
        default=None, description="Key that signs dashboard links (unset: derived from the bot tokens)"
    )

    @field_validator("web_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError(f"not a web address: {value!r} (for example https://jalur.example.org/dashboard/)")
        return value.rstrip("/") + "/"

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r} (for example Asia/Jakarta)") from exc
        return value

    @model_validator(mode="after")
    def _shards(self) -> Settings:
        if self.discord_shard_ids is not None:
            if self.discord_shard_count is None:
                raise ValueError("JALUR_DISCORD_SHARD_IDS needs JALUR_DISCORD_SHARD_COUNT (the total over all processes)")
            bad = [i for i in self.discord_shard_ids if not 0 <= i < self.discord_shard_count]
            if bad or not self.discord_shard_ids:
                raise ValueError(f"JALUR_DISCORD_SHARD_IDS must list shards 0 to {self.discord_shard_count - 1}")
        return self

    @model_validator(mode="after")
    def _database_password(self) -> Settings:
        if self.database_password is not None:
            self.database_url = with_password(self.database_url, self.database_password.get_secret_value())
        return self

    @field_validator("default_quiz_time")
    @classmethod
    def _clock(cls, value: str) -> str:
        if parse_clock(value) is None:
            raise ValueError(f"not a time of day: {value!r} (use HH:MM, for example 19:00)")
        return value

    @property
    def default_quiz_minute(self) -> int:
        """``default_quiz_time`` in minutes after midnight."""
        minute = parse_clock(self.default_quiz_time)
        assert minute is not None
        return minute

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("telegram_token", "telegram_webhook_secret", "telegram_webhook_url", "discord_token",
                     "web_url", "web_secret", "database_password", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_secret_chars(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("use 1-256 letters, digits, _ or - (Telegram's rule for secret tokens)")
        return value
