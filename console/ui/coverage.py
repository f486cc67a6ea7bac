"""The coverage preview the dispatcher sees before raising an alert, without Qt.

"Who would come, and how soon?" from the runners the server reports near the point (the same
preview rules as the server, :meth:`console.services.runners.RunnerService.preview`), the AEDs
usable *now* (opening hours in local time, taken and out-of-service ones excluded) and the
domain's ETA model. It is an estimate: the server alerts on the positions it has when the alert
is raised, and a responder may decline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from console.domain.constants import ALERT_RADIUS_M
from console.domain.eta import eta_seconds, eta_via_aed_seconds, turnout_seconds
from console.domain.geometry import haversine_m, haversine_m_array
from console.domain.model import Aed, LatLon
from console.domain.opening_hours import aed_available_now
from console.services.runners import AlertPreview

#: The distance bands the preview counts runners in, metres.
BANDS_M: Final = (1_000.0, 2_000.0, 5_000.0)


@dataclass(frozen=True, slots=True)
class NearbyAed:
    aed: Aed
    distance_m: float


@dataclass(frozen=True, slots=True)
class Coverage:
    location: LatLon
    #: Active runners within 5 km, and how many of them within each of :data:`BANDS_M`.
    runners: int
    within: tuple[int, ...]
    #: How many an alert would reach (the 20 nearest, not engaged elsewhere).
    would_alert: int
    #: Runners within reach but busy on another open mission.
    engaged: int
    #: AEDs usable now within 5 km, nearest first.
    aeds: tuple[NearbyAed, ...]
    #: Seconds from the alert to the first responder at the patient, and to the first one
    #: carrying an AED (via the AED nearest the patient); None when nobody would be alerted.
    first_arrival_s: float | None
    first_aed_arrival_s: float | None

    @property
    def nearest_aed_m(self) -> float | None:
        return self.aeds[0].distance_m if self.aeds else None


class AedLocator:
    """The AED register as arrays, so "usable AEDs within 5 km" is one vectorised pass."""

    def __init__(self, aeds: Iterable[Aed]) -> None:
        import numpy as np  # with the first preview, not at start-up (~80 ms)

        self._aeds = list(aeds)
        self._lats = np.fromiter((a.lat for a in self._aeds), dtype=np.float64)
        self._lons = np.fromiter((a.lon for a in self._aeds), dtype=np.float64)

    def __len__(self) -> int:
        return len(self._aeds)

    def usable_near(
        self, location: LatLon, at: datetime, radius_m: float = ALERT_RADIUS_M
    ) -> tuple[NearbyAed, ...]:
        if not self._aeds:
            return ()
        import numpy as np

        rough = haversine_m_array(location.lat, location.lon, self._lats, self._lons)
        found = []
        for index in np.flatnonzero(rough <= radius_m + 1.0):
            aed = self._aeds[int(index)]
            distance = haversine_m(location.lat, location.lon, aed.lat, aed.lon)
            if distance <= radius_m and aed_available_now(aed, at):
                found.append(NearbyAed(aed, distance))
        found.sort(key=lambda n: (n.distance_m, n.aed.id))
        return tuple(found)


def coverage(preview: AlertPreview, aeds: AedLocator, at: datetime) -> Coverage:
    """Summarise ``preview`` for the dispatcher; ``at`` is the (server's) time of the alert."""
    location = preview.location
    candidates = preview.candidates
    within = tuple(sum(1 for c in candidates if c.distance_m <= band) for band in BANDS_M)
    nearby = aeds.usable_near(location, at, preview.radius_m)
    turnout = turnout_seconds(at)
    reached = preview.would_alert
    first: float | None = None
    first_aed: float | None = None
    nearest = nearby[0] if nearby else None
    for candidate in reached:
        mode = candidate.runner.mode
        direct = eta_seconds(candidate.distance_m, mode, turnout_s=turnout)
        first = direct if first is None else min(first, direct)
        if nearest is not None:
            to_aed = haversine_m(
                candidate.runner.lat, candidate.runner.lon, nearest.aed.lat, nearest.aed.lon
            )
            via = eta_via_aed_seconds(to_aed, nearest.distance_m, mode, turnout_s=turnout)
            first_aed = via if first_aed is None else min(first_aed, via)
    return Coverage(
        location=location,
        runners=len(candidates),
        within=within,
        would_alert=len(reached),
        engaged=sum(1 for c in candidates if c.engaged),
        aeds=nearby,
        first_arrival_s=first,
        first_aed_arrival_s=first_aed,
    )
