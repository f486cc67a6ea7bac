"""``python -m console.server`` is ``amk-dispatchd``."""

from console.server.cli import main

raise SystemExit(main())
