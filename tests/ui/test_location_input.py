"""The one location field: coordinates in the forms callers read out, or a shipped town."""

from __future__ import annotations

import pytest

from console.ui.location_input import (
    LocationInputError,
    LocationSource,
    coordinates_text,
    resolve,
    split_suggestion,
    town_suggestions,
)


@pytest.mark.parametrize(
    "text",
    ["55.6761, 12.5683", "55.6761 12.5683", "55°40'34\"N 12°34'06\"E", "55,6761 12,5683"],
)
def test_coordinate_forms(text: str) -> None:
    found = resolve(text)
    assert found is not None
    assert found.source is LocationSource.COORDINATES
    assert found.location.lat == pytest.approx(55.6761, abs=2e-4)
    assert found.location.lon == pytest.approx(12.5683, abs=2e-4)


def test_a_town_by_name_and_by_its_completion() -> None:
    found = resolve("roskilde")
    assert found is not None
    assert found.source is LocationSource.TOWN
    assert found.town is not None
    assert found.town.name == "Roskilde"
    assert found.describe() == "Roskilde, Roskilde"
    sorø = resolve("Frederiksberg (Sorø)")
    assert sorø is not None
    assert sorø.town is not None
    assert sorø.town.kommune == "Sorø"


def test_map_clicks_read_back_from_the_field() -> None:
    text = coordinates_text(55.123456, 12.654321)
    assert text == "55.12346, 12.65432"
    found = resolve(text, from_map=True)
    assert found is not None
    assert found.source is LocationSource.MAP


def test_empty_is_nothing_and_nonsense_is_an_error() -> None:
    assert resolve("   ") is None
    with pytest.raises(LocationInputError, match="no town matches 'Xqzzyville'"):
        resolve("Xqzzyville")
    with pytest.raises(LocationInputError, match="cannot read coordinates"):
        resolve("55.6 east 12")  # a digit: read as coordinates, not as a town


def test_suggestions() -> None:
    assert town_suggestions("Rosk")[0] == "Roskilde (Roskilde)"
    assert town_suggestions("5") == []
    assert town_suggestions("R") == []
    assert split_suggestion("Valby (Frederiksberg)") == ("Valby", "Frederiksberg")
    assert split_suggestion("Valby") == ("Valby", None)
