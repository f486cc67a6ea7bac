"""The timeline model: every event but positions, aliases named, server text kept as typed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.domain.model import Event, EventType
from console.ui.timeline import Column, TimelineModel

T0 = datetime(2025, 6, 3, 12, 0, tzinfo=UTC)


def event(seq: int, kind: EventType, data: dict[str, Any]) -> Event:
    return Event(seq, kind, T0 + timedelta(seconds=seq), "m1", data)


def test_positions_are_left_out_and_aliases_used(qapp: QApplication) -> None:
    model = TimelineModel()
    model.show(
        "m1",
        [
            event(1, EventType.MISSION_CREATED, {"address": "<script>x</script> 1"}),
            event(
                2,
                EventType.RUNNER_ALERTED,
                {"runner_id": "r1", "alias": "HL-7", "rank": 1, "distance_m": 420.0},
            ),
            event(3, EventType.RUNNER_POSITION, {"runner_id": "r1", "lat": 55.0, "lon": 12.0}),
        ],
    )
    model.append(
        "m1",
        [
            event(
                4,
                EventType.RUNNER_ACCEPTED,
                {"runner_id": "r1", "task": {"kind": "fetch_aed", "aed_id": "aed-9"}},
            )
        ],
    )
    model.append("other", [event(5, EventType.RUNNER_ARRIVED, {"runner_id": "x"})])
    assert model.texts() == [
        "Alert raised: <script>x</script> 1",
        "HL-7 alerted (420 m)",
        "HL-7 accepted: fetch AED aed-9",
    ]
    assert model.data(model.index(0, Column.TIME), Qt.ItemDataRole.DisplayRole) == "14:00:01"


def test_messages_and_endings(qapp: QApplication) -> None:
    model = TimelineModel()
    model.show(
        "m1",
        [
            event(
                1, EventType.MISSION_MESSAGE, {"text": "Kode 1234", "runner_id": None, "by": "d"}
            ),
            event(2, EventType.MISSION_EXPANDED, {"radius_m": 7500.0, "requested": 5, "by": "d"}),
            event(3, EventType.MISSION_CLOSED, {"outcome": "ems_on_scene", "by": "d"}),
        ],
    )
    assert model.texts() == [
        "Message to all who accepted: Kode 1234",
        "Alert more: 5 more within 7.5 km",
        "Closed: EMS on scene",
    ]


def test_an_aed_is_named_by_its_address_once_the_register_knows_it(qapp: QApplication) -> None:
    """The register loads after the window: the same lines read the address once it has."""
    from console.domain.model import Aed, AedAccess, AedStatus

    register: dict[str, Aed] = {}
    model = TimelineModel(register)
    model.show(
        "m1",
        [
            event(1, EventType.RUNNER_ALERTED, {"runner_id": "r1", "alias": "HL-7", "rank": 1}),
            event(
                2,
                EventType.RUNNER_ACCEPTED,
                {"runner_id": "r1", "task": {"kind": "fetch_aed", "aed_id": "aed-9"}},
            ),
            event(3, EventType.RUNNER_AED_COLLECTED, {"runner_id": "r1", "aed_id": "aed-9"}),
        ],
    )
    assert model.texts()[1:] == ["HL-7 accepted: fetch AED aed-9", "HL-7 collected AED aed-9"]
    register["aed-9"] = Aed(
        "aed-9", 55.6, 12.5, "Skolegade <b>95</b>", AedAccess.ALWAYS, None, AedStatus.TAKEN
    )
    assert model.texts()[1:] == [
        "HL-7 accepted: fetch AED at Skolegade <b>95</b>",  # text, as typed: the view is plain
        "HL-7 collected the AED at Skolegade <b>95</b>",
    ]
