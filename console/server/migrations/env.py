"""Alembic environment: one shared MetaData, every server table module imported so it registers.

The server runs migrations on a connection it already holds (``config.attributes["connection"]``,
see :mod:`console.server.migrate`); a developer running ``alembic`` by hand gets a synchronous
engine from the ini file's URL instead. ``render_as_batch`` lets the same scripts alter tables
on SQLite, which cannot ``ALTER`` most things in place.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool

# Importing a schema module registers its tables on the shared metadata.
from console.server import dispatch_schema, security_schema  # noqa: F401
from console.server.schema import metadata

config = context.config
target_metadata = metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        _run(connection)


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
