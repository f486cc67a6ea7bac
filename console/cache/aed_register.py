"""The cached AED register as columns: one JSON array per field, in id order.

The register is read at every start (Denmark's 26,182 AEDs) and written whole when the server
sends a new one; single AEDs change only by ``aed.status`` events, which the cache keeps apart
as overrides. Stored one JSON document per AED, the register took about 0.2 s to read back
(half of it ``json.loads`` building 26k dictionaries with the same seven keys); as seven arrays
it takes a third of that. Each array is one ``json.loads`` call, which holds the GIL
throughout even in a worker thread, so none is longer than a few milliseconds.

What is read back is checked as :meth:`Aed.from_json` checks a document: a damaged register
raises the same :class:`ModelError` (the console then fetches the register afresh).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any, Final

from console.domain.model import Aed, AedAccess, AedStatus, ModelError

#: The stored columns, named as the fields of :meth:`Aed.to_json`.
COLUMNS: Final = ("id", "lat", "lon", "address", "access", "opening_hours", "status")

_ACCESS: Final = {member.value: member for member in AedAccess}
_STATUS: Final = {member.value: member for member in AedStatus}


def encode_register(aeds: Iterable[Aed]) -> dict[str, str]:
    """The register's columns as JSON text, keyed by column name, in id order."""
    ordered = sorted(aeds, key=lambda aed: aed.id)
    values: dict[str, list[Any]] = {
        "id": [aed.id for aed in ordered],
        "lat": [aed.lat for aed in ordered],
        "lon": [aed.lon for aed in ordered],
        "address": [aed.address for aed in ordered],
        "access": [aed.access.value for aed in ordered],
        "opening_hours": [aed.opening_hours for aed in ordered],
        "status": [aed.status.value for aed in ordered],
    }
    if len(set(values["id"])) != len(ordered):
        raise ModelError("the AED register names an AED twice")
    return {
        name: json.dumps(column, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        for name, column in values.items()
    }


def decode_register(columns: Mapping[str, str], overrides: Mapping[str, str]) -> list[Aed]:
    """The AEDs stored by :func:`encode_register`, with the statuses in ``overrides`` on top.

    ``overrides`` maps AED ids to status values that events brought after the register was
    stored; one for an AED the register does not hold is ignored (the next fetch brings it).
    """
    if not columns:
        return []
    if set(columns) != set(COLUMNS):
        raise ModelError(f"the cached AED register has the columns {sorted(columns)}")
    data: dict[str, Any] = {}
    for name in COLUMNS:
        try:
            data[name] = json.loads(columns[name])
        except ValueError as exc:
            raise ModelError(f"the cached AED register's {name} column: {exc}") from exc
        if not isinstance(data[name], list):
            raise ModelError(f"the cached AED register's {name} column is not a list")
    ids: list[Any] = data["id"]
    if any(len(data[name]) != len(ids) for name in COLUMNS):
        raise ModelError("the cached AED register's columns differ in length")
    statuses: list[Any] = list(data["status"])
    index = {aed_id: n for n, aed_id in enumerate(ids) if type(aed_id) is str}
    for aed_id, status in overrides.items():
        n = index.get(aed_id)
        if n is not None:
            statuses[n] = status
    rows = zip(
        ids,
        data["lat"],
        data["lon"],
        data["address"],
        data["access"],
        data["opening_hours"],
        statuses,
        strict=True,
    )
    aeds = [_aed(*row) for row in rows]
    if len(index) != len(aeds):
        raise ModelError("the cached AED register names an AED twice")
    return aeds


def _aed(ident: Any, lat: Any, lon: Any, address: Any, access: Any, hours: Any, status: Any) -> Aed:
    """The usual case directly; anything else through :meth:`Aed.from_json` for its error."""
    if (
        type(ident) is str
        and ident
        and type(lat) is float
        and type(lon) is float
        and math.isfinite(lat)
        and math.isfinite(lon)
        and type(address) is str
        and (hours is None or type(hours) is str)
        and type(access) is str
        and access in _ACCESS
        and type(status) is str
        and status in _STATUS
    ):
        return Aed(ident, lat, lon, address, _ACCESS[access], hours, _STATUS[status])
    document = {
        "id": ident,
        "lat": lat,
        "lon": lon,
        "address": address,
        "access": access,
        "opening_hours": hours,
        "status": status,
    }
    return Aed.from_json(document)
