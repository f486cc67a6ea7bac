"""The ``amk-console`` command line, read into one validated value before Qt starts.

Parsing happens before the ``QApplication`` exists so a typo ends the program with a usage line
instead of a window that then cannot connect. Nothing here imports Qt.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from console.api.settings import ApiSettings, SettingsError


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"


#: Scenarios ``--screenshot`` can render; see :mod:`console.ui.scenarios`.
SCENARIOS = ("busy", "quiet")
#: Autopilot speed of a ``--screenshot`` run (simulated seconds per real second).
SCREENSHOT_AUTOPILOT = 12.0


class OptionsError(ValueError):
    """A command line that cannot work (no server and no --simulate, a bad URL)."""


@dataclass(frozen=True, slots=True)
class ConsoleOptions:
    #: The dispatch service to use; None with ``simulate`` (the child's address comes later).
    server: str | None
    simulate: bool
    role: Role
    username: str | None
    screenshot: Path | None
    scenario: str
    #: Replaces the per-user data directory (training database, caches, settings); for tests,
    #: the screenshot run and several consoles side by side.
    data_dir: Path | None
    ca_file: Path | None
    #: Autopilot speed of the training service (simulated seconds per real second).
    autopilot: float
    #: ``--simulate`` world: ``denmark`` (the real scale) or ``empty`` (fast, for tests).
    world: str

    @property
    def read_only(self) -> bool:
        return self.role is Role.SUPERVISOR


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amk-console",
        description="AMK Hjerteløber dispatcher console: raise, follow, steer and cancel "
        "volunteer cardiac-arrest alerts.",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--server", metavar="URL", help="a dispatch service; asks for a login")
    where.add_argument(
        "--simulate",
        action="store_true",
        help="training: start a simulated dispatch service and log in as the demo dispatcher",
    )
    parser.add_argument(
        "--role",
        choices=[role.value for role in Role],
        default=Role.DISPATCHER.value,
        help="supervisor: a read-only session (default dispatcher)",
    )
    parser.add_argument("--username", help="pre-fill the login dialog (with --server)")
    parser.add_argument("--ca-file", type=Path, help="CA certificate (PEM) of the server's TLS")
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="FILE",
        help="render --scenario headless, save the window as PNG to FILE and exit",
    )
    parser.add_argument(
        "--scenario", choices=SCENARIOS, default="busy", help="scenario for --screenshot (busy)"
    )
    parser.add_argument("--data-dir", type=Path, metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument("--autopilot", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--world", choices=("denmark", "empty"), default="denmark", help=argparse.SUPPRESS
    )
    return parser


def parse_options(argv: list[str] | None = None) -> ConsoleOptions:
    """Read the command line; argparse exits with a usage line on anything malformed."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return options_from(args)
    except OptionsError as exc:
        parser.error(str(exc))
        raise  # pragma: no cover - parser.error exits


def options_from(args: argparse.Namespace) -> ConsoleOptions:
    screenshot: Path | None = args.screenshot
    simulate = bool(args.simulate) or (screenshot is not None and args.server is None)
    if args.server is None and not simulate:
        raise OptionsError("give --server URL, or --simulate for a training session")
    if args.server is not None:
        try:
            ApiSettings(args.server, ca_file=args.ca_file)
        except SettingsError as exc:
            raise OptionsError(str(exc)) from exc
    autopilot = args.autopilot
    if autopilot is None:
        # The screenshot shows a mission in motion; a training session runs in real time.
        autopilot = SCREENSHOT_AUTOPILOT if screenshot is not None else 1.0
    if not autopilot > 0:
        raise OptionsError(f"--autopilot must be positive, got {autopilot}")
    if screenshot is not None and screenshot.suffix.lower() != ".png":
        raise OptionsError(f"--screenshot saves a PNG; {screenshot} does not end in .png")
    return ConsoleOptions(
        server=args.server,
        simulate=simulate,
        role=Role(args.role),
        username=args.username,
        screenshot=screenshot,
        scenario=args.scenario,
        data_dir=args.data_dir,
        ca_file=args.ca_file,
        autopilot=float(autopilot),
        world=args.world,
    )
