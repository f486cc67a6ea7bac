"""A builder of server-like event logs (the cache file itself comes from tests/support)."""

from __future__ import annotations

import pytest
from cache_event_log import EventLog


@pytest.fixture
def event_log() -> EventLog:
    return EventLog()
