"""``amk-dispatchd``: ``serve`` the dispatch API, or ``user add`` an account for a real deployment.

When the server is listening it prints one line on stdout,
``amk-dispatchd listening on http://HOST:PORT``, so a console or a test that started it with
``--port 0`` learns the port the system chose.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence
from types import FrameType
from typing import Any

import uvicorn

from console.server import calibrate
from console.server.accounts import InvalidAccountError, Role, create_user
from console.server.app import create_app
from console.server.cli_args import positive_number, whole_number
from console.server.config import ServerConfig
from console.server.database import DatabaseUrlError, default_database_url, open_database
from console.server.logs import configure_logging
from console.server.migrate import upgrade_to_head
from console.server.services import ServerServices

#: Tests shorten the SSE keep-alive interval with this variable (seconds); the contract's 15 s
#: is the default and the maximum that makes sense.
KEEPALIVE_ENV = "AMK_DISPATCHD_KEEPALIVE_S"
#: The demo accounts' password may come from the environment instead of ``--demo-password``:
#: a process's arguments are visible to every user of the machine (``ps``), its environment
#: is not. The console's ``--simulate`` hands its per-run password over this way.
DEMO_PASSWORD_ENV = "AMK_DISPATCHD_DEMO_PASSWORD"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amk-dispatchd",
        description="Reference dispatch service for the AMK Hjerteløber console (API v1).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the dispatch API")
    serve.add_argument(
        "--simulate",
        action="store_true",
        help="enable /v1/sim, the demo accounts and a simulated world",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port; 0 picks a free one (8080)")
    serve.add_argument("--db", metavar="URL", help="sqlite:///PATH or postgresql+psycopg://...")
    serve.add_argument(
        "--seed", type=whole_number(0), default=0, help="seed of the simulated world (0)"
    )
    serve.add_argument(
        "--demo-password",
        default=os.environ.get(DEMO_PASSWORD_ENV, "demo"),
        metavar="PW",
        help=f"password of the demo accounts (default: ${DEMO_PASSWORD_ENV}, else demo)",
    )
    serve.add_argument(
        "--world",
        choices=("denmark", "empty"),
        default="denmark",
        help="simulated world with --simulate (denmark)",
    )
    serve.add_argument(
        "--autopilot",
        type=positive_number,
        metavar="SPEED",
        help="start the autopilot at SPEED times real time (with --simulate)",
    )
    serve.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate")
    serve.add_argument("--tls-key", metavar="FILE", help="the certificate's private key")
    serve.add_argument("--log-json", action="store_true", help="log one JSON object a line")

    user = commands.add_parser("user", help="manage accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = user_commands.add_parser(
        "add",
        help="add an account; the password is read from a prompt, or stdin when not a terminal",
    )
    add.add_argument("name", help="user name")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument(
        "--runner-id", help="for --role runner: the runner this account acts for (default NAME)"
    )
    add.add_argument("--db", metavar="URL", help="the server's database (default: embedded)")

    # -- calibrate: console/server/calibrate.py owns the options and the run --
    calibration = commands.add_parser(
        "calibrate",
        help="play many autopilot missions on the Denmark world and print the status report's "
        "figures beside their targets (exit 1 if one is missed)",
        description=calibrate.DESCRIPTION,
    )
    calibrate.add_arguments(calibration)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "calibrate":
        return calibrate.run(args)
    return _user_add(args)


def _serve(args: argparse.Namespace) -> int:
    if bool(args.tls_cert) != bool(args.tls_key):
        print("amk-dispatchd: --tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    if args.autopilot is not None and not args.simulate:
        print("amk-dispatchd: --autopilot needs --simulate", file=sys.stderr)
        return 2
    configure_logging(json_lines=args.log_json)
    try:
        config = ServerConfig(
            database_url=args.db or default_database_url(),
            simulate=args.simulate,
            world=args.world,
            seed=args.seed,
            demo_password=args.demo_password,
            autopilot_speed=args.autopilot,
            keepalive_s=float(os.environ.get(KEEPALIVE_ENV, "15")),
        )
        services = ServerServices.build(config)
    except (ValueError, DatabaseUrlError) as exc:
        print(f"amk-dispatchd: {exc}", file=sys.stderr)
        return 2
    server = _Server(
        uvicorn.Config(
            create_app(services),
            host=args.host,
            port=args.port,
            log_config=None,
            access_log=False,
            ssl_certfile=args.tls_cert,
            ssl_keyfile=args.tls_key,
            timeout_graceful_shutdown=3,
            lifespan="on",
        ),
        services,
    )
    scheme = "https" if args.tls_cert else "http"
    return asyncio.run(_run_and_announce(server, scheme))


class _Server(uvicorn.Server):
    """uvicorn's server, telling the event streams when a shutdown begins.

    uvicorn waits for open connections to close before the application's own shutdown runs,
    and an event stream never closes by itself; so the streams end as soon as a signal asks
    the server to exit, instead of being cut off at the graceful-shutdown timeout.
    """

    def __init__(self, config: uvicorn.Config, services: ServerServices) -> None:
        super().__init__(config)
        self._services = services
        self._loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list[Any] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        if self._loop is not None:  # a signal handler: hand the event to the loop safely
            self._loop.call_soon_threadsafe(self._services.shutting_down.set)


async def _run_and_announce(server: uvicorn.Server, scheme: str) -> int:
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            break
        await asyncio.sleep(0.02)
    if server.started:
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        print(f"amk-dispatchd listening on {scheme}://{shown}:{port}", flush=True)
    await serving
    return 0 if server.started else 1


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise InvalidAccountError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _user_add(args: argparse.Namespace) -> int:
    runner_id = args.runner_id or (args.name if args.role == Role.RUNNER.value else None)
    try:
        password = _read_password()
        asyncio.run(
            _create(args.db or default_database_url(), args.name, args.role, password, runner_id)
        )
    except (InvalidAccountError, DatabaseUrlError) as exc:
        print(f"amk-dispatchd: {exc}", file=sys.stderr)
        return 1
    print(f"added {args.role} {args.name}")
    return 0


async def _create(url: str, name: str, role: str, password: str, runner_id: str | None) -> None:
    database = open_database(url)
    try:
        await upgrade_to_head(database)
        async with database.writer.begin() as conn:
            await create_user(conn, name, role, password, runner_id=runner_id)
    finally:
        await database.dispose()
