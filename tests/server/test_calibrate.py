"""``amk-dispatchd calibrate``: the status report's figures from many simulated missions."""

from __future__ import annotations

import argparse
import io
import math
import re
from datetime import UTC, datetime, timedelta

import pytest

from console.domain.model import (
    AgeGroup,
    LatLon,
    Mission,
    MissionState,
    Position,
    Responder,
    ResponderState,
)
from console.server import calibrate as calibration
from console.server.autopilot_model import Behaviour
from console.server.calibrate import (
    CalibrationError,
    Figures,
    calibrate,
    cancelled_tolerance,
    checks,
    mission_figures,
    report,
)
from console.server.cli import main

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
LINE = re.compile(
    r"^(?P<label>\S+(?: EMS)?)\s+(?P<value>[\d.]+) %\s+"
    r"target (?P<target>.+?)\s+(?P<verdict>ok|MISSED)$"
)


def test_200_missions_meet_the_status_report_targets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calibrate", "--missions", "200", "--seed", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("200 missions on the Denmark world of seed 1")
    found = {m["label"]: m for line in out if (m := LINE.match(line))}
    assert set(found) == {"acceptance>=1", "acceptance>=2", "cancelled", "before EMS"}
    assert {m["verdict"] for m in found.values()} == {"ok"}
    assert float(found["acceptance>=1"]["value"]) >= 99.0
    assert float(found["acceptance>=2"]["value"]) >= 98.0
    assert float(found["before EMS"]["value"]) >= 70.0
    assert abs(float(found["cancelled"]["value"]) - 16.0) <= cancelled_tolerance(200) * 100


async def test_the_same_seed_plays_the_same_missions() -> None:
    first = await calibrate(60, 3)
    again = await calibrate(60, 3)
    other = await calibrate(60, 4)
    assert first.missions == again.missions
    assert first.figures == again.figures
    assert report(first, 3) == report(again, 3)
    assert first.missions != other.missions
    assert len(first.missions) == 60
    assert all(not m.is_open for m in first.missions)
    # Ten a day: sixty missions take about six simulated days.
    assert 3.0 < first.simulated_days < 10.0


def test_a_missed_target_is_reported_and_exits_1() -> None:
    reluctant = Behaviour(accept_p=0.02, decline_p=0.5)
    out, err = io.StringIO(), io.StringIO()
    code = calibration.run(argparse.Namespace(missions=40, seed=2), out, err, behaviour=reluctant)
    assert code == 1
    lines = out.getvalue().splitlines()
    assert any(line.startswith("acceptance>=2") and line.endswith("MISSED") for line in lines)
    assert "calibrate:" in err.getvalue()


def _responder(rank: int, *, accepted: bool, arrived: bool = False) -> Responder:
    state = (
        ResponderState.ARRIVED
        if arrived
        else ResponderState.RELEASED
        if not accepted
        else ResponderState.ACCEPTED
    )
    return Responder(
        runner_id=f"r{rank}",
        alias=f"HL-{rank}",
        rank=rank,
        distance_m=100.0 * rank,
        state=state,
        task=None,
        alerted_at=T0,
        accepted_at=T0 + timedelta(seconds=30) if accepted else None,
        arrived_at=T0 + timedelta(minutes=4) if arrived else None,
        position=Position(55.0, 12.0, T0),
    )


def _mission(number: int, state: MissionState, responders: tuple[Responder, ...]) -> Mission:
    return Mission(
        id=f"m-{number}",
        state=state,
        location=LatLon(55.0, 12.0),
        address="",
        age_group=AgeGroup.ADULT,
        note="",
        radius_m=5_000.0,
        created_at=T0,
        created_by="t",
        ended_at=None if state is MissionState.ALERTING else T0 + timedelta(minutes=9),
        end_reason=None if state is MissionState.ALERTING else "x",
        responders=responders,
    )


def test_figures_count_activations_as_the_status_report_does() -> None:
    missions = [
        # Cancelled: not an activation, whatever happened in it.
        _mission(1, MissionState.CANCELLED, (_responder(1, accepted=False),)),
        # Two acceptances, one arrived before the ambulance.
        _mission(
            2,
            MissionState.CLOSED,
            (_responder(1, accepted=True, arrived=True), _responder(2, accepted=True)),
        ),
        # One acceptance, nobody there in time.
        _mission(
            3, MissionState.CLOSED, (_responder(1, accepted=True), _responder(2, accepted=False))
        ),
        # Nobody accepted.
        _mission(4, MissionState.CLOSED, (_responder(1, accepted=False),)),
        # Still open: not counted at all.
        _mission(5, MissionState.ALERTING, (_responder(1, accepted=True),)),
    ]
    figures = mission_figures(missions)
    assert figures == Figures(
        missions=4,
        cancelled=1,
        at_least_one=2,
        at_least_two=1,
        before_ems=1,
        accepted=3,
        alerted=6,
        rejected_too_far=0,
    )
    assert figures.activations == 3
    assert math.isnan(figures.share(1, 0))


def test_the_cancelled_band_is_three_binomial_standard_errors() -> None:
    assert cancelled_tolerance(1000) == pytest.approx(3 * math.sqrt(0.16 * 0.84 / 1000))
    assert cancelled_tolerance(1000) == pytest.approx(0.0348, abs=1e-4)

    def verdict(missions: int, cancelled: int) -> bool:
        act = missions - cancelled
        figures = Figures(missions, cancelled, act, act, act, 8 * missions, 20 * missions, 0)
        return {c.label: c.ok for c in checks(figures)}["cancelled"]

    assert verdict(1000, 160)
    assert not verdict(1000, 100)  # 10 % is far outside ±3.5 points
    assert verdict(20, 2)  # ... but within what 20 missions can tell


async def test_arguments_outside_their_range_are_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(CalibrationError, match="missions must be"):
        await calibrate(0, 1)
    with pytest.raises(CalibrationError, match="seed must be"):
        await calibrate(10, -1)
    for argv in (["--missions", "0"], ["--missions", "many"], ["--seed", "-3"]):
        with pytest.raises(SystemExit) as exited:
            main(["calibrate", *argv])
        assert exited.value.code == 2
    assert "amk-dispatchd calibrate: error" in capsys.readouterr().err


def test_help_explains_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["calibrate", "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert "--missions" in text
    assert "--seed" in text
    assert "status report" in text
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "calibrate" in capsys.readouterr().out
