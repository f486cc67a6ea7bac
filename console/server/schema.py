"""The one SQLAlchemy ``MetaData`` of the reference dispatch service.

Every server table registers itself here (missions, events, runners, users, tokens, ...), so that
alembic's autogenerate and ``metadata.create_all`` in tests see the whole schema from one object.
The naming convention gives every constraint and index a deterministic name: alembic can then
drop or alter them by name on both SQLite and PostgreSQL, where unnamed constraints get
dialect-specific names that migrations cannot rely on.
"""

from __future__ import annotations

from sqlalchemy import MetaData

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
