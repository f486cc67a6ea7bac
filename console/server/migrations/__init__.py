"""Alembic migrations of the dispatch service's database; the server upgrades to head on start."""
