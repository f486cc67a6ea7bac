"""The contract's objects turned into the small JSON items the map page draws.

Everything the page shows as text is formatted here, in Python (distances, ETAs in local time,
state and task names), so the page's script only places strings with ``textContent`` and never
has to interpret data. Numbers are checked here too: a NaN latitude would not raise in the page,
it would silently put a marker nowhere, so bad input fails loudly at the Python API instead.

The words are Qt translations (context ``MapItems`` here; the page's fixed words are in
:mod:`console.maps.texts`), looked up when an item is made, so they are in the language
:mod:`console.ui.i18n` installed at start-up; decimals follow it too (``1,2 km`` in Danish).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from PySide6.QtCore import QCoreApplication

from console.domain.constants import ALERT_COUNT, LOCAL_TZ
from console.domain.geometry import haversine_m
from console.domain.model import (
    Aed,
    AedAccess,
    Mode,
    Responder,
    ResponderState,
    Runner,
    TaskKind,
    aed_address,
)
from console.domain.opening_hours import AedAvailability, aed_availability
from console.maps.style import ResponderLook, page_styles
from console.maps.texts import QT_TRANSLATE_NOOP

Json = dict[str, Any]

# Longest id the page accepts back from a click (ids in the contract are short strings).
MAX_ID_CHARS: Final = 200


class MapInputError(ValueError):
    """A value the map cannot draw: a non-finite or out-of-range coordinate, an empty id."""


# The translation context of the words in the items (``resources/i18n/amk_console_da.ts``).
CONTEXT: Final = "MapItems"

# English source texts; :func:`state_label` gives the translation.
STATE_LABELS: Final[Mapping[ResponderState, str]] = {
    ResponderState.ALERTED: QT_TRANSLATE_NOOP("MapItems", "Alerted"),
    ResponderState.ACCEPTED: QT_TRANSLATE_NOOP("MapItems", "Accepted"),
    ResponderState.DECLINED: QT_TRANSLATE_NOOP("MapItems", "Declined"),
    ResponderState.REJECTED_TOO_FAR: QT_TRANSLATE_NOOP("MapItems", "Too far away"),
    ResponderState.AED_COLLECTED: QT_TRANSLATE_NOOP("MapItems", "AED collected"),
    ResponderState.ARRIVED: QT_TRANSLATE_NOOP("MapItems", "Arrived"),
    ResponderState.ABANDONED: QT_TRANSLATE_NOOP("MapItems", "Abandoned"),
    ResponderState.RELEASED: QT_TRANSLATE_NOOP("MapItems", "Released"),
}

# English source texts; :func:`availability_label` gives the translation.
AVAILABILITY_LABELS: Final[Mapping[AedAvailability, str]] = {
    AedAvailability.ALWAYS: QT_TRANSLATE_NOOP("MapItems", "Available 24/7"),
    AedAvailability.OPEN_NOW: QT_TRANSLATE_NOOP("MapItems", "Open now"),
    AedAvailability.CLOSED_NOW: QT_TRANSLATE_NOOP("MapItems", "Closed now"),
    AedAvailability.TAKEN: QT_TRANSLATE_NOOP("MapItems", "Taken by a responder"),
    AedAvailability.OUT_OF_SERVICE: QT_TRANSLATE_NOOP("MapItems", "Out of service"),
}

ACCESS_LABELS: Final[Mapping[AedAccess, str]] = {
    AedAccess.ALWAYS: QT_TRANSLATE_NOOP("MapItems", "24/7"),
    AedAccess.LIMITED: QT_TRANSLATE_NOOP("MapItems", "Limited hours"),
}

MODE_LABELS: Final[Mapping[Mode, str]] = {
    Mode.FOOT: QT_TRANSLATE_NOOP("MapItems", "On foot"),
    Mode.BIKE: QT_TRANSLATE_NOOP("MapItems", "By bike"),
    Mode.CAR: QT_TRANSLATE_NOOP("MapItems", "By car"),
}

# ``da`` writes decimals with a comma; set by :func:`console.ui.i18n.install` (as the window's
# :func:`console.ui.texts.use_number_language`, which this layer may not import).
_number_language = "en"


def use_number_language(lang: str) -> None:
    global _number_language
    _number_language = lang


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def state_label(state: ResponderState) -> str:
    return _tr(STATE_LABELS[state])


def availability_label(availability: AedAvailability) -> str:
    return _tr(AVAILABILITY_LABELS[availability])


_GONE: Final = frozenset(
    {
        ResponderState.DECLINED,
        ResponderState.REJECTED_TOO_FAR,
        ResponderState.ABANDONED,
        ResponderState.RELEASED,
    }
)


# --------------------------------------------------------------------------- checks


def check_id(value: str, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise MapInputError(f"{what}: expected a non-empty string id, got {value!r}")
    if len(value) > MAX_ID_CHARS:
        raise MapInputError(f"{what}: id longer than {MAX_ID_CHARS} characters")
    return value


def check_lat_lon(lat: float, lon: float, what: str) -> tuple[float, float]:
    for name, value, limit in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise MapInputError(f"{what}.{name}: expected a number, got {value!r}")
        if not math.isfinite(value) or abs(value) > limit:
            raise MapInputError(f"{what}.{name}: {value!r} is not a WGS84 coordinate")
    return float(lat), float(lon)


def check_radius(radius_m: float, what: str) -> float:
    if isinstance(radius_m, bool) or not isinstance(radius_m, int | float):
        raise MapInputError(f"{what}.radius_m: expected a number, got {radius_m!r}")
    if not math.isfinite(radius_m) or radius_m <= 0:
        raise MapInputError(
            f"{what}.radius_m: must be a positive number of metres, got {radius_m!r}"
        )
    return float(radius_m)


def check_text(value: str, what: str) -> str:
    if not isinstance(value, str):
        raise MapInputError(f"{what}: expected a string, got {type(value).__name__}")
    return value


# --------------------------------------------------------------------------- formatting


def distance_label(metres: float) -> str:
    """``850 m`` below a kilometre, ``1.2 km`` above: how a dispatcher says it on the radio."""
    if not math.isfinite(metres) or metres < 0:
        return "—"
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f} m"
    km = f"{metres / 1000:.1f}"
    return (km.replace(".", ",") if _number_language == "da" else km) + " km"


def eta_label(arrival: datetime | None) -> str:
    """The expected arrival as local wall-clock time, marked as an estimate."""
    if arrival is None:
        return "—"
    if arrival.tzinfo is None:
        raise MapInputError(f"ETA {arrival!r} is a naive datetime; pass an aware one")
    return "≈ " + arrival.astimezone(LOCAL_TZ).strftime("%H:%M")


def responder_look(responder: Responder) -> ResponderLook:
    """Which legend row a responder belongs to: state first, task for those on their way."""
    state = responder.state
    if state in _GONE:
        return ResponderLook.OUT
    if state is ResponderState.ALERTED:
        return ResponderLook.ALERTED
    if state is ResponderState.ARRIVED:
        return ResponderLook.ARRIVED
    if state is ResponderState.AED_COLLECTED:
        return ResponderLook.AED_COLLECTED
    if responder.task is not None and responder.task.kind is TaskKind.FETCH_AED:
        return ResponderLook.TO_AED
    return ResponderLook.TO_PATIENT


def task_label(responder: Responder, aed: Aed | None = None) -> str:
    """What the responder was sent to do: a fetcher's AED by its address when ``aed`` (the
    register's entry for it) is given, by its id while the register does not know it."""
    task = responder.task
    if task is None:
        return "—"
    if task.kind is TaskKind.FETCH_AED:
        address = aed_address(aed, task.aed_id)
        if address:
            return QCoreApplication.translate(
                "MapItems", "Fetch AED at {address}, then go to patient"
            ).format(address=address)
        return QCoreApplication.translate("MapItems", "Fetch AED {aed}, then go to patient").format(
            aed=task.aed_id
        )
    return QCoreApplication.translate("MapItems", "Go straight to patient")


# --------------------------------------------------------------------------- items


def incident_item(
    mission_id: str, lat: float, lon: float, radius_m: float, address: str, note: str
) -> Json:
    what = f"incident {mission_id!r}"
    lat, lon = check_lat_lon(lat, lon, what)
    radius = check_radius(radius_m, what)
    return {
        "id": check_id(mission_id, "mission_id"),
        "lat": lat,
        "lon": lon,
        "radius_m": radius,
        "address": check_text(address, f"{what}.address"),
        "note": check_text(note, f"{what}.note"),
        "radius_label": distance_label(radius),
    }


def responder_item(
    responder: Responder, eta: datetime | None = None, aeds: Mapping[str, Aed] | None = None
) -> Json:
    """``aeds``: the AED register (id → AED), for the address of the AED a fetcher is sent to;
    without it, or while it lacks that AED, the task names the AED by its id."""
    what = f"responder {responder.runner_id!r}"
    lat, lon = check_lat_lon(responder.position.lat, responder.position.lon, what)
    look = responder_look(responder)
    task = responder.task
    aed = aeds.get(task.aed_id) if aeds and task is not None and task.aed_id else None
    heading_to_aed = look is ResponderLook.TO_AED and task is not None
    return {
        "id": check_id(responder.runner_id, "runner_id"),
        "alias": responder.alias,
        "rank": int(responder.rank),
        "lat": lat,
        "lon": lon,
        "look": look.value,
        "state": state_label(responder.state),
        "task": task_label(responder, aed),
        "aed_id": task.aed_id if heading_to_aed and task is not None else None,
        "distance": distance_label(responder.distance_m),
        "eta": eta_label(eta),
    }


def responder_items(
    responders: Iterable[Responder],
    etas: Mapping[str, datetime | None] | None = None,
    aeds: Mapping[str, Aed] | None = None,
) -> list[Json]:
    etas = etas or {}
    items = [responder_item(r, etas.get(r.runner_id), aeds) for r in responders]
    seen: set[str] = set()
    for item in items:
        if item["id"] in seen:
            raise MapInputError(f"responder {item['id']!r} appears twice in one mission")
        seen.add(item["id"])
    return items


def position_rows(
    positions: Iterable[tuple[str, float, float]], what: str
) -> list[list[str | float]]:
    rows: list[list[str | float]] = []
    for runner_id, lat, lon in positions:
        lat, lon = check_lat_lon(lat, lon, f"{what} position of {runner_id!r}")
        rows.append([check_id(runner_id, "runner_id"), lat, lon])
    return rows


def aed_item(aed: Aed, availability: AedAvailability) -> Json:
    lat, lon = check_lat_lon(aed.lat, aed.lon, f"AED {aed.id!r}")
    return {
        "id": check_id(aed.id, "aed id"),
        "lat": lat,
        "lon": lon,
        "availability": availability.value,
        "availability_label": availability_label(availability),
        "address": aed.address,
        "access": _tr(ACCESS_LABELS[aed.access]),
        "hours": aed.opening_hours or "—",
    }


def availabilities(aeds: Iterable[Aed], at: datetime) -> list[AedAvailability]:
    """:func:`aed_availability` for many AEDs, evaluated once per distinct (status, access, hours).

    Availability depends on nothing else, and 26k AEDs share a few dozen opening-hours strings,
    so this is ~10× faster than calling it per AED, which matters on every minute's refresh.
    """
    seen: dict[tuple[str, str, str | None], AedAvailability] = {}
    out: list[AedAvailability] = []
    for aed in aeds:
        key = (aed.status.value, aed.access.value, aed.opening_hours)
        now = seen.get(key)
        if now is None:
            now = seen[key] = aed_availability(aed, at)
        out.append(now)
    return out


def _table_index(table: dict[str, int], value: str) -> int:
    index = table.get(value)
    if index is None:
        index = table[value] = len(table)
    return index


def aed_columns(aeds: Sequence[Aed], availability: Sequence[AedAvailability]) -> Json:
    """All AEDs as parallel arrays, repeated strings as indexes into small tables.

    For 26k AEDs this is about half the JSON of a list of objects; the page keeps the arrays as
    they are, which is also what its cluster index wants.
    """
    if len(aeds) != len(availability):
        raise MapInputError(f"{len(aeds)} AEDs but {len(availability)} availabilities")
    ids: list[str] = []
    lats: list[float] = []
    lons: list[float] = []
    address: list[str] = []
    avail_codes: list[int] = []
    access_codes: list[int] = []
    hours_codes: list[int] = []
    avail_table: dict[str, int] = {}
    access_table: dict[str, int] = {}
    hours_table: dict[str, int] = {}
    seen: set[str] = set()
    # Translated once per call, not once per AED (26k of them).
    access_labels = {access: _tr(text) for access, text in ACCESS_LABELS.items()}
    for aed, now in zip(aeds, availability, strict=True):
        aed_id = aed.id
        if aed_id in seen or not aed_id or len(aed_id) > MAX_ID_CHARS:
            check_id(aed_id, "aed id")
            raise MapInputError(f"AED {aed_id!r} appears twice")
        seen.add(aed_id)
        lat, lon = aed.lat, aed.lon
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):  # False for NaN as well
            check_lat_lon(lat, lon, f"AED {aed_id!r}")
            raise MapInputError(f"AED {aed_id!r}: impossible position {lat!r}, {lon!r}")
        ids.append(aed_id)
        lats.append(lat)
        lons.append(lon)
        address.append(aed.address)
        avail_codes.append(_table_index(avail_table, now.value))
        access_codes.append(_table_index(access_table, access_labels[aed.access]))
        hours_codes.append(_table_index(hours_table, aed.opening_hours or "—"))
    return {
        "ids": ids,
        "lat": lats,
        "lon": lons,
        "address": address,
        "availability": {"table": list(avail_table), "codes": avail_codes},
        "access": {"table": list(access_table), "codes": access_codes},
        "hours": {"table": list(hours_table), "codes": hours_codes},
        "labels": {a.value: availability_label(a) for a in AedAvailability},
    }


def runner_items(runners: Iterable[Runner], lat: float, lon: float, radius_m: float) -> list[Json]:
    """Runners for the pre-alert preview, nearest first; the ones an alert would reach marked.

    The mark follows dispatch rule 2 (the ``ALERT_COUNT`` nearest within the radius) from the
    positions the console has; the server decides for real when the alert is raised.
    """
    lat, lon = check_lat_lon(lat, lon, "preview centre")
    radius = check_radius(radius_m, "preview")
    placed = []
    for runner in runners:
        r_lat, r_lon = check_lat_lon(runner.lat, runner.lon, f"runner {runner.id!r}")
        placed.append((haversine_m(lat, lon, r_lat, r_lon), runner.id, runner, r_lat, r_lon))
    placed.sort(key=lambda row: (row[0], row[1]))
    modes = {mode: _tr(text) for mode, text in MODE_LABELS.items()}
    items = []
    for index, (distance, _, runner, r_lat, r_lon) in enumerate(placed):
        items.append(
            {
                "id": check_id(runner.id, "runner id"),
                "alias": runner.alias,
                "lat": r_lat,
                "lon": r_lon,
                "mode": runner.mode.value,
                "mode_label": modes[runner.mode],
                "distance": distance_label(distance),
                "would_alert": index < ALERT_COUNT and distance <= radius,
            }
        )
    return items


def texts_op() -> Json:
    """A ``texts`` delta: the page's legend, popup fields, buttons and layer names again, in the
    language of the translator installed now.

    The page's configuration is made when the map view is built, which the application does
    before the translator is installed (so the page loads during start-up); this delta, sent
    after :func:`console.ui.i18n.install`, puts the page's words in the chosen language.
    Items made after that (responders, AEDs) carry translated words of their own.
    """
    return {"op": "texts", "styles": page_styles()}
