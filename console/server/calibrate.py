"""``amk-dispatchd calibrate``: many missions on the Denmark world, the status report's figures.

The autopilot's probabilities (:mod:`console.server.autopilot_model`) are meant to reproduce the
June 2025 status report. This command checks that they do: it generates the Denmark world of the
seed, raises ``--missions`` missions where arrests happen (by population), lets the autopilot's
engine play every responder, the ambulance and the centre, and prints each figure beside its
target. Exit code 0 when every target is met.

Why an in-memory port and not the server itself: the engine is the autopilot's own, but it
drives :class:`console.server.sim_dispatch.SimulatedDispatch`, which applies the same domain
rules without a database. Through :class:`Dispatch` on SQLite a mission is ~35 transactions,
~0.26 s on the 2 shared cores of the development machine, so 1,000 missions would take over four
minutes; in memory a mission takes ~6 ms and the whole run ~6 s, world generation included
(``bench/bench_calibrate.py`` measures both).

How the figures are counted, as the status report counts them:

* an *activation* is a mission that was not cancelled ("Tallene for aktiveringer ... er
  fratrukket de tilfælde, hvor hjerteløberalarmen efterfølgende er blevet annulleret");
* *acceptance* is a responder whose acceptance was taken (``accepted_at`` set; a too-far
  refusal does not count);
* *before EMS* is a closed mission with a responder who reported ``arrived`` (the autopilot closes
  the mission when the ambulance arrives, and an arrival after that is refused);
* the cancelled share is over all missions; its target is 16 % within three binomial standard
  errors for the number of missions run (±3.5 points for 1,000).

Missions arrive as a Poisson process of ten a day (status report: "aktiveret i gennemsnit 10
gange om dagen") from 1 January 2025, so they fall by day and by night and rarely overlap.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, TextIO

from console.domain.model import LatLon, Mission, MissionState, ResponderState
from console.domain.world import generate_world
from console.server.autopilot_engine import Action, Agenda, Engine, VirtualClock, run_until_idle
from console.server.autopilot_model import (
    DEFAULT_BEHAVIOUR,
    ArrestSampler,
    Behaviour,
    rng_for,
)
from console.server.cli_args import whole_number
from console.server.sim_dispatch import SimulatedDispatch

#: Who raises and ends the calibration's missions.
ACTOR: Final = "calibrate"
CALIBRATION_START: Final = datetime(2025, 1, 1, tzinfo=UTC)
#: Status report: "Hjerteløberordningen bliver aktiveret i gennemsnit 10 gange om dagen".
ACTIVATIONS_PER_DAY: Final = 10.0
#: Status report targets.
TARGET_AT_LEAST_ONE: Final = 0.99
TARGET_AT_LEAST_TWO: Final = 0.98
TARGET_CANCELLED: Final = 0.16
TARGET_BEFORE_EMS: Final = 0.70
#: "ca. 75 hjerteløbere ... hver dag" over 10 activations a day; shown, not checked.
REPORTED_ACCEPTED_PER_ACTIVATION: Final = 7.5
MAX_MISSIONS: Final = 100_000

DESCRIPTION: Final = (
    "Play MISSIONS missions on the Denmark world of SEED at full speed (a virtual clock, the "
    "autopilot's engine, the dispatch rules in memory) and print the June 2025 status report's "
    "figures beside their targets: at least one and at least two acceptances per activation, "
    "the cancelled share and a responder before the ambulance. Activations exclude cancelled "
    "missions, as in the report. Exit code 0 when every target is met, 1 otherwise; the same "
    "seed prints the same figures."
)


class CalibrationError(ValueError):
    """Arguments the calibration cannot run with."""


@dataclass(frozen=True, slots=True)
class Figures:
    """Counts over ended missions, from which every reported share is computed."""

    missions: int
    cancelled: int
    #: Of the activations (missions not cancelled):
    at_least_one: int
    at_least_two: int
    before_ems: int
    #: Over all missions:
    accepted: int
    alerted: int
    rejected_too_far: int

    @property
    def activations(self) -> int:
        return self.missions - self.cancelled

    def share(self, count: int, of: int) -> float:
        return count / of if of else math.nan


def mission_figures(missions: Iterable[Mission]) -> Figures:
    """The status report's counts over the ended ``missions`` (open ones are skipped)."""
    total = cancelled = one = two = before = accepted = alerted = rejected = 0
    for mission in missions:
        if mission.is_open:
            continue
        total += 1
        took = sum(1 for r in mission.responders if r.accepted_at is not None)
        accepted += took
        alerted += len(mission.responders)
        rejected += sum(1 for r in mission.responders if r.state is ResponderState.REJECTED_TOO_FAR)
        if mission.state is MissionState.CANCELLED:
            cancelled += 1
            continue
        one += took >= 1
        two += took >= 2
        before += any(r.arrived_at is not None for r in mission.responders)
    return Figures(total, cancelled, one, two, before, accepted, alerted, rejected)


@dataclass(frozen=True, slots=True)
class Check:
    label: str
    value: float
    target: str
    ok: bool

    def line(self) -> str:
        verdict = "ok" if self.ok else "MISSED"
        return f"{self.label:<15} {self.value * 100:5.1f} %   target {self.target:<14} {verdict}"


def cancelled_tolerance(missions: int) -> float:
    """Three binomial standard errors of a 16 % share over ``missions``: the band a correctly
    calibrated run stays inside 99.7 % of the time."""
    return 3.0 * math.sqrt(TARGET_CANCELLED * (1.0 - TARGET_CANCELLED) / max(missions, 1))


def _at_least(share: float) -> str:
    return f">= {share * 100:.0f} %"


def checks(figures: Figures) -> list[Check]:
    act = figures.activations
    one = figures.share(figures.at_least_one, act)
    two = figures.share(figures.at_least_two, act)
    before = figures.share(figures.before_ems, act)
    cancelled = figures.share(figures.cancelled, figures.missions)
    band = cancelled_tolerance(figures.missions)
    return [
        Check("acceptance>=1", one, _at_least(TARGET_AT_LEAST_ONE), one >= TARGET_AT_LEAST_ONE),
        Check("acceptance>=2", two, _at_least(TARGET_AT_LEAST_TWO), two >= TARGET_AT_LEAST_TWO),
        Check(
            "cancelled",
            cancelled,
            f"{TARGET_CANCELLED * 100:.0f} % ± {band * 100:.1f}",
            abs(cancelled - TARGET_CANCELLED) <= band,
        ),
        Check("before EMS", before, _at_least(TARGET_BEFORE_EMS), before >= TARGET_BEFORE_EMS),
    ]


@dataclass(frozen=True, slots=True)
class Calibration:
    figures: Figures
    simulated_days: float
    missions: tuple[Mission, ...]

    @property
    def checks(self) -> list[Check]:
        return checks(self.figures)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


async def calibrate(
    missions: int, seed: int, *, behaviour: Behaviour = DEFAULT_BEHAVIOUR
) -> Calibration:
    """Play ``missions`` missions on the Denmark world of ``seed``; the same seed, the same run."""
    if (
        isinstance(missions, bool)
        or not isinstance(missions, int)
        or not 1 <= missions <= MAX_MISSIONS
    ):
        raise CalibrationError(f"missions must be 1–{MAX_MISSIONS}, got {missions!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise CalibrationError(f"seed must be a whole number >= 0, got {seed!r}")
    world = generate_world(seed, CALIBRATION_START)
    clock = VirtualClock(CALIBRATION_START)
    port = SimulatedDispatch(world.runners, world.aeds, clock.datetime, actor=ACTOR)
    agenda = Agenda()
    engine = Engine(
        port,
        agenda,
        seed=seed,
        now=clock.now,
        wall=clock.datetime,
        behaviour=behaviour,
        position_interval=lambda: None,
    )

    def raiser(mission_id: str, location: LatLon) -> Action:
        async def raise_it() -> None:
            mission = port.raise_mission(mission_id, location, by=ACTOR, address="simuleret")
            engine.mission_raised(mission_id, location)
            for r in mission.responders:
                where = LatLon(r.position.lat, r.position.lon)
                engine.runner_alerted(
                    mission_id, r.runner_id, where, port.runners[r.runner_id].mode
                )

        return raise_it

    arrivals = rng_for(seed, "arrests")
    sampler = ArrestSampler()
    t = 0.0
    for number in range(1, missions + 1):
        t += arrivals.expovariate(ACTIVATIONS_PER_DAY / 86_400.0)
        agenda.schedule(t, raiser(f"c-{number}", sampler.sample(arrivals)))
    await run_until_idle(agenda, clock)
    played = tuple(port.missions.values())
    return Calibration(mission_figures(played), clock.now() / 86_400.0, played)


def report(run: Calibration, seed: int) -> list[str]:
    f = run.figures
    per_activation = f.accepted / f.missions if f.missions else math.nan
    return [
        f"{f.missions} missions on the Denmark world of seed {seed}, "
        f"{run.simulated_days:.1f} simulated days",
        *(check.line() for check in run.checks),
        f"{'accepted/act.':<15} {per_activation:5.2f}     "
        f"(status report: ~{REPORTED_ACCEPTED_PER_ACTIVATION} = 75 runners a day / 10 activations)",
        f"{'too far':<15} {f.share(f.rejected_too_far, f.alerted) * 100:5.1f} %   of alerts",
    ]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--missions",
        type=whole_number(1, MAX_MISSIONS),
        default=1000,
        help="how many missions to play (1000)",
    )
    parser.add_argument(
        "--seed", type=whole_number(0), default=0, help="seed of the world and of every draw (0)"
    )


def run(
    args: argparse.Namespace,
    out: TextIO | None = None,
    err: TextIO | None = None,
    *,
    behaviour: Behaviour = DEFAULT_BEHAVIOUR,
) -> int:
    """The ``calibrate`` sub-command: figures on ``out``, timing on ``err``; 0 when all met.

    The timing goes apart so that the same seed prints byte-identical figures.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    started = time.perf_counter()
    result = asyncio.run(calibrate(args.missions, args.seed, behaviour=behaviour))
    for line in report(result, args.seed):
        print(line, file=out)
    print(f"calibrate: {time.perf_counter() - started:.1f} s", file=err)
    return 0 if result.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="amk-dispatchd calibrate")
    add_arguments(parser)
    return run(parser.parse_args(argv))
