"""Where to point the map for a mission: its incident and the responders on their way.

The map's own "fit incident" shows the whole 5 km alert circle, in which the responders who
matter (a few hundred metres out) are a clump in the middle. This frames the patient, every
responder still coming (or there) and the AEDs they were sent to, with a margin; with no one on
the way yet it falls back to the alert circle. Pure arithmetic on Web Mercator, no Qt.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from console.domain.model import Aed, Mission, ResponderState

#: Metres per pixel at zoom 0 on the equator (Web Mercator, 256-pixel tiles).
_M_PER_PX_Z0: Final = 156_543.033_92
MIN_ZOOM: Final = 8
MAX_ZOOM: Final = 17
#: Pixels left free around the framed points (markers have a size, the map has controls).
MARGIN_PX: Final = 70

_COMING = frozenset({ResponderState.ACCEPTED, ResponderState.AED_COLLECTED, ResponderState.ARRIVED})


@dataclass(frozen=True, slots=True)
class View:
    lat: float
    lon: float
    zoom: int


def mission_view(
    mission: Mission, aeds: Mapping[str, Aed], width_px: int, height_px: int
) -> View | None:
    """The view framing ``mission``'s responders on their way; None when nobody is coming."""
    points = [(mission.location.lat, mission.location.lon)]
    for responder in mission.responders:
        if responder.state not in _COMING:
            continue
        points.append((responder.position.lat, responder.position.lon))
        task = responder.task
        aed = aeds.get(task.aed_id) if task is not None and task.aed_id else None
        if aed is not None and responder.state is ResponderState.ACCEPTED:
            points.append((aed.lat, aed.lon))
    if len(points) == 1:
        return None
    return frame(points, width_px, height_px)


def frame(points: list[tuple[float, float]], width_px: int, height_px: int) -> View:
    """Centre and the largest zoom at which every point is inside the widget, less margins."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    centre_lat = (south + north) / 2
    centre_lon = (west + east) / 2
    cos_lat = max(0.01, math.cos(math.radians(centre_lat)))
    metres_x = (east - west) * 111_320.0 * cos_lat
    metres_y = (north - south) * 110_574.0
    usable_w = max(50, width_px - 2 * MARGIN_PX)
    usable_h = max(50, height_px - 2 * MARGIN_PX)
    zoom = MAX_ZOOM
    while zoom > MIN_ZOOM:
        per_px = _M_PER_PX_Z0 * cos_lat / 2**zoom
        if metres_x / per_px <= usable_w and metres_y / per_px <= usable_h:
            break
        zoom -= 1
    return View(centre_lat, centre_lon, zoom)
