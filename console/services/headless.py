"""``python -m console.services.headless``: the console's services without a window.

Syncs the cache with a dispatch server and prints each change of the link state on stdout, one
line each (``link live``), until stopped with SIGTERM or Ctrl+C. Useful to pre-fill a cache, to
watch a server's link from a terminal, and for the crash tests (a real process to SIGKILL). The
password comes from an environment variable, never the command line (``ps`` shows that).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

from console.api.settings import ApiSettings
from console.services.console_services import ConsoleServices, ServicesConfig
from console.services.link import LinkStatus

PASSWORD_ENV = "AMK_CONSOLE_PASSWORD"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m console.services.headless", description=__doc__
    )
    parser.add_argument("--server", required=True, help="base URL of the dispatch server")
    parser.add_argument("--username", required=True)
    parser.add_argument("--cache", default=None, help="cache URL (default: the user data dir)")
    parser.add_argument("--stale-after", type=float, default=20.0, metavar="SECONDS")
    parser.add_argument("--ca-file", default=None, help="CA certificate file (PEM) for HTTPS")
    return parser


async def _run(args: argparse.Namespace, password: str) -> int:
    settings = ApiSettings(
        args.server,
        username=args.username,
        password=password,
        ca_file=Path(args.ca_file) if args.ca_file else None,
    )
    config = ServicesConfig(api=settings, cache_url=args.cache, stale_after_s=args.stale_after)
    services = await ConsoleServices.start(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    def show(status: LinkStatus) -> None:
        print(f"link {status.state.value} {status.detail}".rstrip(), flush=True)

    services.sync.status.subscribe(show, now=True)
    try:
        await stop.wait()
    finally:
        await services.aclose()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        print(f"set the password in the environment variable {PASSWORD_ENV}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return asyncio.run(_run(args, password))


if __name__ == "__main__":
    sys.exit(main())
