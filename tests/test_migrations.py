"""The Alembic migrations build exactly the tables the code declares, on both backends."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.storage.database import Database, alembic_config, migration_heads
from bot.storage.tables import Base


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrated_schema_matches_the_tables(db: Database) -> None:
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []


def test_the_newest_migration_is_known_without_alembic() -> None:
    """``Database.upgrade`` skips Alembic for a database at ``migration_heads()``: it must agree with Alembic."""
    assert migration_heads() == frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())
    assert len(migration_heads()) == 1


async def test_a_database_behind_the_newest_migration_is_upgraded(tmp_path: Path) -> None:
    def to_the_one_before(connection: Connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head-1")

    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(to_the_one_before)
        await db.upgrade()
        async with db.engine.connect() as connection:
            versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
            differences = await connection.run_sync(_differences)
    finally:
        await db.close()
    assert versions == sorted(migration_heads()) and differences == []
