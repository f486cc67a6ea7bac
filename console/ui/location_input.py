"""Reading the place of an alert from what the dispatcher typed, pasted or clicked. No Qt.

One field takes everything: coordinates in the forms callers and apps read out (decimal,
``55.6761 12.5683``, ``55°40'34"N 12°34'06"E``) or the name of a town from the shipped list.
Text with a digit in it is read as coordinates only, so a mistyped coordinate is reported as
such instead of silently matching a town; the service-area check comes after.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from console.domain.geometry import InvalidCoordinate, parse_coordinates
from console.domain.model import LatLon
from console.domain.reference_data import Town, search_towns


class LocationSource(StrEnum):
    COORDINATES = "coordinates"
    TOWN = "town"
    MAP = "map"


@dataclass(frozen=True, slots=True)
class ResolvedLocation:
    location: LatLon
    source: LocationSource
    #: What the place is called, when it is a town ("Roskilde, Roskilde").
    town: Town | None = None

    def describe(self) -> str:
        if self.town is not None:
            return f"{self.town.name}, {self.town.kommune}"
        return coordinates_text(self.location.lat, self.location.lon)


class LocationInputError(ValueError):
    """Text that is neither readable coordinates nor a known town.

    ``town`` is the text when it was taken for a town name (no digits), None when it was read
    as coordinates: the dialog words its message from that, in the console's language.
    """

    def __init__(self, message: str, town: str | None = None) -> None:
        super().__init__(message)
        self.town = town


def coordinates_text(lat: float, lon: float) -> str:
    """The form the field shows after a map click, and that it reads back."""
    return f"{lat:.5f}, {lon:.5f}"


def resolve(text: str, *, from_map: bool = False) -> ResolvedLocation | None:
    """The place ``text`` names; None for empty text, :class:`LocationInputError` when unknown."""
    stripped = text.strip()
    if not stripped:
        return None
    if any(ch.isdigit() for ch in stripped):
        try:
            lat, lon = parse_coordinates(stripped)
        except (InvalidCoordinate, ValueError) as exc:
            raise LocationInputError(str(exc)) from exc
        source = LocationSource.MAP if from_map else LocationSource.COORDINATES
        return ResolvedLocation(LatLon(lat, lon), source)
    name, kommune = split_suggestion(stripped)
    towns = search_towns(name, 50 if kommune else 1)
    if kommune:
        towns = tuple(t for t in towns if t.kommune == kommune) or towns
    if not towns:
        raise LocationInputError(
            f"no town matches {stripped!r}; click the map or paste coordinates", town=stripped
        )
    town = towns[0]
    return ResolvedLocation(LatLon(town.lat, town.lon), LocationSource.TOWN, town)


def town_suggestions(text: str, limit: int = 8) -> list[str]:
    """Completions for the field: ``Name (Kommune)``, best match first; none for coordinates."""
    stripped = text.strip()
    if len(stripped) < 2 or any(ch.isdigit() for ch in stripped):
        return []
    return [f"{town.name} ({town.kommune})" for town in search_towns(stripped, limit)]


def split_suggestion(text: str) -> tuple[str, str | None]:
    """``Frederiksberg (Sorø)`` (a chosen completion) into the town and its municipality."""
    stripped = text.strip()
    if stripped.endswith(")") and " (" in stripped:
        cut = stripped.rindex(" (")
        return stripped[:cut], stripped[cut + 2 : -1]
    return stripped, None
