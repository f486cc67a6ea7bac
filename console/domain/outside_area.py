"""The error for a position outside the service area, apart from the geometry that finds it.

The console's windows catch it at every raise but must not import shapely and numpy's geometry
at start-up to do so (the area itself is built in the background, a few seconds later).
"""

from __future__ import annotations

__all__ = ["OutsideServiceArea"]


class OutsideServiceArea(ValueError):
    """A position farther than the margin from the service area's land: at sea or abroad."""

    def __init__(self, lat: float, lon: float, distance_m: float, margin_m: float, land: str):
        self.lat = lat
        self.lon = lon
        self.distance_m = distance_m
        self.margin_m = margin_m
        super().__init__(
            f"{lat:.4f}, {lon:.4f} is outside the service area: about {_km(distance_m)} from "
            f"{land}, beyond the {_km(margin_m)} margin (at sea or abroad)"
        )


def _km(metres: float) -> str:
    # "2 km", "5.3 km", "138 km": a dispatcher reads this aloud, so no spurious decimals.
    km = metres / 1000
    if km >= 10 or km.is_integer():
        return f"{km:.0f} km"
    return f"{km:.1f} km"
