"""The server tests' import name for the shared harness, kept so their imports still hold.

There is one harness for every test folder: :mod:`tests.support.dispatchd` starts and stops the
real ``amk-dispatchd``, :mod:`tests.support.postgres` makes a database per run and
:mod:`tests.support.sync_api` logs httpx clients in. New code imports from there directly.
"""

from __future__ import annotations

from tests.support.dispatchd import DEMO_PASSWORD, Dispatchd, start_server
from tests.support.postgres import PG_ADMIN, PgDatabase, postgres_available
from tests.support.sync_api import Api, client_for, login, make_api

#: What :func:`start_server` returns (the name the server tests use for it).
ServerProcess = Dispatchd

__all__ = [
    "DEMO_PASSWORD",
    "PG_ADMIN",
    "Api",
    "PgDatabase",
    "ServerProcess",
    "client_for",
    "login",
    "make_api",
    "postgres_available",
    "start_server",
]
