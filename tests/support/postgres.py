"""A PostgreSQL database of its own for a test run, on the machine's server (127.0.0.1:5432)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

import psycopg

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@dataclass
class PgDatabase:
    """A database created for one run and dropped after it, so runs never see each other."""

    name: str

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.name}"

    @classmethod
    def create(cls, prefix: str = "amk_test") -> PgDatabase:
        name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return cls(name)

    def drop(self) -> None:
        """WITH (FORCE): a server killed mid-test may leave sessions behind."""
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
