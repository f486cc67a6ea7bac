"""``amk-console``: the dispatcher's desktop application.

The Qt window is the subject of the dispatcher-console issue and is not built yet. Until it is,
``amk-console --simulate`` starts the embedded simulated dispatch service in the foreground and says
so, so that ``make run`` always starts the part of the product that exists.
"""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="amk-console", description=__doc__)
    parser.add_argument(
        "--simulate",
        action="store_true",
        help="training mode on the embedded simulated dispatch service",
    )
    args = parser.parse_args(argv)
    if not args.simulate:
        parser.error("the desktop window is not built yet; use --simulate")
    print(
        "amk-console: the dispatcher window is not built yet; starting the embedded simulated "
        "dispatch service instead (amk-dispatchd serve --simulate). Stop it with Ctrl+C.",
        flush=True,
    )
    command = [sys.executable, "-m", "console.server", "serve", "--simulate"]
    os.execv(sys.executable, command)
    return 0  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main())
