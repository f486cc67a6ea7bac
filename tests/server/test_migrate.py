"""The migrations build exactly the schema the code declares, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from dispatchd_harness import PgDatabase
from sqlalchemy import Connection, select

from console.server import dispatch_schema, security_schema  # noqa: F401  (register tables)
from console.server.database import open_database
from console.server.dispatch_schema import counters
from console.server.migrate import upgrade_to_head
from console.server.schema import metadata


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.sqlite3'}"
        return
    database: PgDatabase = request.getfixturevalue("pg_database")
    yield database.url


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    return list(compare_metadata(context, metadata))


async def test_head_matches_the_declared_tables(url: str) -> None:
    database = open_database(url)
    try:
        await upgrade_to_head(database)
        await upgrade_to_head(database)  # a second start finds nothing to do
        async with database.writer.connect() as conn:
            differences = await conn.run_sync(_differences)
            seeded = dict((await conn.execute(select(counters.c.name, counters.c.value))).all())
            await conn.rollback()
    finally:
        await database.dispose()
    assert differences == []
    assert seeded == {"seq": 0, "aeds": 0}
