"""Bringing the database schema to the newest migration when the server starts.

Two servers started at once on one PostgreSQL database would race to create the same tables;
a transaction-scoped advisory lock makes the second wait and then find nothing left to do.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from console.server.database import Database

#: Arbitrary but fixed key of the PostgreSQL advisory lock that serialises migrations.
_MIGRATION_LOCK_KEY = 0x414D4B01


def alembic_config() -> Config:
    """A Config that finds the shipped scripts through the package, wherever it is installed."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("console.server.migrations")))
    return config


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def upgrade_to_head(database: Database) -> None:
    async with database.writer.begin() as connection:
        if database.is_postgres:
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
            )
        await connection.run_sync(_upgrade)
