"""``amk-console``: the dispatcher's desktop application (entry point of ``[project.scripts]``).

The application lives in :mod:`console.ui.app`; this module only forwards to it, so the entry
point stays where packaging and ``python -m console.app`` expect it and importing it loads no Qt.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from console.ui.app import main as run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
