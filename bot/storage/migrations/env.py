"""Alembic environment: runs migrations on the connection Jalur hands over."""

from __future__ import annotations

from alembic import context

from bot.storage.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on ``config.attributes['connection']`` (set by Database.upgrade)."""
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations with `jalur db upgrade`, which supplies the connection")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; use `jalur db upgrade`")
run_migrations_online()
