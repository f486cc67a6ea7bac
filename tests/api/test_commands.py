"""Commands check the contract's limits before they are queued and keep their exact body."""

from __future__ import annotations

import pytest

from console.api.commands import Command, CommandKind, InvalidCommand
from console.domain.model import AgeGroup, LatLon

HERE = LatLon(55.6761, 12.5683)


def test_a_raise_posts_to_missions_with_the_contract_body() -> None:
    command = Command.raise_mission(HERE, "Rådhuspladsen 1", AgeGroup.CHILD, "faldet om")
    assert command.path == "/v1/missions"
    assert command.mission_id is None
    assert dict(command.body) == {
        "location": {"lat": 55.6761, "lon": 12.5683},
        "address": "Rådhuspladsen 1",
        "patient": {"age_group": "child"},
        "note": "faldet om",
    }


@pytest.mark.parametrize(
    ("command", "path"),
    [
        (Command.alert_more("m-1", 5, 7000.0), "/v1/missions/m-1/alert-more"),
        (Command.message("m-1", "Døren er åben"), "/v1/missions/m-1/messages"),
        (Command.cancel("m-1", "false alarm"), "/v1/missions/m-1/cancel"),
        (Command.close("m-1", "ems_on_scene"), "/v1/missions/m-1/close"),
    ],
)
def test_mission_commands_post_to_their_endpoint(command: Command, path: str) -> None:
    assert command.path == path


def test_the_body_bytes_are_the_same_every_time_and_keep_danish_letters() -> None:
    one = Command.raise_mission(HERE, "Åboulevard 3", AgeGroup.ADULT)
    again = Command.from_json(one.to_json())
    assert again == one
    assert again.body_json() == one.body_json()
    assert "Åboulevard" in one.body_json()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Command.raise_mission(HERE, "", AgeGroup.ADULT), "address must not be empty"),
        (lambda: Command.raise_mission(HERE, "x" * 201, AgeGroup.ADULT), "address is 201"),
        (lambda: Command.raise_mission(HERE, "x", AgeGroup.ADULT, "n" * 501), "note is 501"),
        (lambda: Command.raise_mission(LatLon(91, 0), "x", AgeGroup.ADULT), "not on the Earth"),
        (lambda: Command.alert_more("m-1", 0, 5000.0), "count must be 1–20"),
        (lambda: Command.alert_more("m-1", 21, 5000.0), "count must be 1–20"),
        (lambda: Command.alert_more("m-1", 5, 10_001.0), "radius_m must be in"),
        (lambda: Command.message("m-1", "t" * 281), "text is 281"),
        (lambda: Command.message("m-1", "  "), "text must not be empty"),
        (lambda: Command.cancel("m-1", "r" * 201), "reason is 201"),
        (lambda: Command.close("m-1", "o" * 201), "outcome is 201"),
        (lambda: Command(CommandKind.CANCEL, None, {}), "needs one"),
        (lambda: Command(CommandKind.CANCEL, "a/b", {}), "bad mission id"),
        (
            lambda: Command.from_json({"kind": "launch", "mission_id": None, "body": {}}),
            "unreadable",
        ),
    ],
)
def test_bad_commands_are_refused_with_the_field_named(build: object, message: str) -> None:
    with pytest.raises(InvalidCommand, match=message):
        build()  # type: ignore[operator]


def test_describe_names_the_address_or_the_mission() -> None:
    assert Command.raise_mission(HERE, "Vestergade 2", AgeGroup.ADULT).describe() == (
        "raise alert at Vestergade 2"
    )
    assert Command.alert_more("m-9", 3, 6000.0).describe() == "alert more mission m-9"
