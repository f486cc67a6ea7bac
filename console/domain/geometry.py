"""Distances and positions on the Earth, in metres and WGS84 degrees.

Every distance in the system (alerting, acceptance, ETA, the console's preview) comes from
:func:`haversine_m`, so the server and the console always agree to the last bit.
"""

from __future__ import annotations

import math

from console.domain.constants import EARTH_RADIUS_M


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres on a sphere of the mean Earth radius."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
