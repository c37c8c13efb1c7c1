"""Settings read from the environment (``JALUR_*``) or a ``.env`` file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import Field, field_validator
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
