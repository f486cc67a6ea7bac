"""A fetcher's task names the AED by its address once the register knows it, by its id before:
in the responder table, in English and in Danish, and on the map's items in Danish too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from missions_for_tests import T0, mission, responder
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.domain.model import Aed, AedAccess, AedStatus, Mode, ResponderState, Task
from console.maps.payload import responder_item
from console.ui import i18n, texts
from console.ui.responder_table import Column, ResponderTableModel

S = ResponderState
AED = Aed("aed-007621", 55.68, 12.57, "Østergade 12", AedAccess.ALWAYS, None, AedStatus.AVAILABLE)


def _task_cells(model: ResponderTableModel) -> dict[str, str]:
    return {
        str(model.runner_id(row)): model.data(model.index(row, Column.TASK))
        for row in range(model.rowCount())
    }


def test_the_table_names_the_aed_by_its_address_once_the_register_knows_it(
    qapp: QApplication,
) -> None:
    m = mission(
        responder(1, S.ACCEPTED, task=Task.fetch_aed("aed-007621"), accepted_s=20),
        responder(2, S.AED_COLLECTED, task=Task.fetch_aed("aed-missing"), accepted_s=20),
        responder(3, S.ACCEPTED, task=Task.go_to_patient(), accepted_s=20),
        responder(4),
    )
    model = ResponderTableModel()
    model.show(m, {}, {}, T0)  # the register is not read yet
    assert _task_cells(model) == {
        "r1": "Fetch AED aed-007621",
        "r2": "Fetch AED aed-missing",
        "r3": "Straight to patient",
        "r4": "—",
    }
    model.show(m, {AED.id: AED}, {"r1": Mode.BIKE}, T0)
    cells = _task_cells(model)
    assert cells["r1"] == "Fetch AED at Østergade 12"
    assert cells["r2"] == "Fetch AED aed-missing"  # an AED the register lacks
    row = model.row_of("r1")
    assert model.data(model.index(row, Column.TASK), Qt.ItemDataRole.AccessibleTextRole) == (
        "Fetch AED at Østergade 12"
    )


def test_an_aed_of_another_id_is_not_taken_for_the_one_fetched(qapp: QApplication) -> None:
    fetcher = responder(1, S.ACCEPTED, task=Task.fetch_aed("aed-1"), accepted_s=20)
    assert texts.task_label(fetcher, AED) == "Fetch AED aed-1"
    assert texts.task_label(fetcher) == "Fetch AED aed-1"


@pytest.fixture
def danish(qapp: QApplication, tmp_path: Path) -> Iterator[str]:
    lang, translators = i18n.install(qapp, "da", tmp_path)
    yield lang
    i18n.uninstall(qapp, translators)


def test_in_danish(danish: str) -> None:
    fetcher = responder(1, S.ACCEPTED, task=Task.fetch_aed("aed-007621"), accepted_s=20)
    assert texts.task_label(fetcher, AED) == "Hent hjertestarter ved Østergade 12"
    assert texts.task_label(fetcher) == "Hent hjertestarter aed-007621"
    item = responder_item(fetcher, None, {AED.id: AED})
    assert item["task"] == "Hent hjertestarter ved Østergade 12, derefter til patienten"
    assert responder_item(fetcher)["task"] == (
        "Hent hjertestarter aed-007621, derefter til patienten"
    )
