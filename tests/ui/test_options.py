"""The command line: the forms the issue names, and clear refusals of the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.ui.options import SCREENSHOT_AUTOPILOT, Role, parse_options


def test_simulate_is_a_dispatcher_training_session_at_real_time() -> None:
    options = parse_options(["--simulate"])
    assert options.simulate
    assert options.server is None
    assert options.role is Role.DISPATCHER
    assert not options.read_only
    assert options.autopilot == 1.0
    assert options.world == "denmark"


def test_server_with_supervisor_role_is_read_only() -> None:
    options = parse_options(["--server", "https://amk.example:8443", "--role", "supervisor"])
    assert options.server == "https://amk.example:8443"
    assert not options.simulate
    assert options.read_only


def test_screenshot_with_scenario_simulates_at_screenshot_speed(tmp_path: Path) -> None:
    target = tmp_path / "console.png"
    options = parse_options(["--screenshot", str(target), "--scenario", "busy"])
    assert options.screenshot == target
    assert options.scenario == "busy"
    assert options.simulate
    assert options.autopilot == SCREENSHOT_AUTOPILOT


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "give --server URL, or --simulate"),
        (["--server", "ftp://x"], "must start with http:// or https://"),
        (["--simulate", "--autopilot", "0"], "--autopilot must be positive"),
        (["--screenshot", "out.jpg"], "saves a PNG"),
        (["--simulate", "--server", "http://a"], "not allowed with argument"),
        (["--screenshot", "a.png", "--scenario", "nope"], "invalid choice"),
    ],
)
def test_bad_command_lines_exit_with_a_usage_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_options(argv)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err
