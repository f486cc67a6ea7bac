"""The console's settings for the services' tests: through the proxy, as the dispatcher.

The server, its proxy and driver, and the cache come from the shared plugins in tests/support.
"""

from __future__ import annotations

import pytest

from console.api.settings import ApiSettings
from tests.support.dispatchd import DEMO_PASSWORD
from tests.support.proxy import LoopbackProxy


@pytest.fixture
def settings(proxy: LoopbackProxy) -> ApiSettings:
    return ApiSettings(
        proxy.url,
        username="demo-dispatcher",
        password=DEMO_PASSWORD,
        call_timeout_s=5.0,
        connect_timeout_s=2.0,
    )
