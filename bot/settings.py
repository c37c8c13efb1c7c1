"""Settings read from the environment (``JALUR_*``) or a ``.env`` file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    """SQLite file in the user's data directory (created on first use)."""
    path = Path(platformdirs.user_data_dir("jalur", appauthor=False)) / "jalur.db"
    return f"sqlite+aiosqlite:///{path}"


class Settings(BaseSettings):
    """Jalur's settings; every field maps to ``JALUR_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="JALUR_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL: sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db",
    )
    default_language: Literal["en", "id"] = Field(
        default="en", description="Language for new learners whose platform gives no hint"
    )
    default_timezone: str = Field(
        default="Asia/Jakarta", description="Timezone of a new learner until they choose one"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="WARNING", description="Log level for Jalur's own loggers"
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
    telegram_listen: str = Field(default="0.0.0.0", description="Address the webhook server listens on")
    telegram_port: int = Field(default=8443, ge=1, le=65535, description="Port the webhook server listens on")

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r} (for example Asia/Jakarta)") from exc
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("telegram_token", "telegram_webhook_secret", "telegram_webhook_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_secret_chars(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("use 1-256 letters, digits, _ or - (Telegram's rule for secret tokens)")
        return value
