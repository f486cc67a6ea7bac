"""Where the console keeps its files: one folder per user, or the one ``--data-dir`` names.

The cache is kept per dispatch service: a cache remembers the last event ``seq`` it holds, and a
seq is only meaningful on the server that issued it. The training service's database and its
cache live side by side in ``training/`` so they are kept, or deleted, together.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

APP_NAME = "amk-console"


@dataclass(frozen=True, slots=True)
class DataDirs:
    root: Path

    @classmethod
    def for_user(cls, override: Path | None = None) -> DataDirs:
        root = override or platformdirs.user_data_path(APP_NAME, appauthor=False)
        return cls(Path(root).expanduser().resolve())

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.ini"

    @property
    def training(self) -> Path:
        return self.root / "training"

    @property
    def training_database_url(self) -> str:
        return f"sqlite:///{self.training / 'dispatch.sqlite3'}"

    @property
    def training_cache_url(self) -> str:
        return f"sqlite:///{self.training / 'cache.sqlite3'}"

    @property
    def training_log(self) -> Path:
        return self.training / "dispatchd.log"

    @property
    def translations(self) -> Path:
        """Compiled ``.qm`` files (made from the shipped ``.ts`` at first start)."""
        return self.root / "i18n"

    def cache_url_for(self, base_url: str) -> str:
        """A cache file of its own for each dispatch service (host and port, not the path)."""
        parts = urlsplit(base_url)
        host = parts.hostname or "server"
        port = parts.port or (443 if parts.scheme == "https" else 80)
        label = re.sub(r"[^A-Za-z0-9.-]+", "_", f"{host}_{port}")[:60]
        digest = hashlib.sha256(f"{parts.scheme}://{host}:{port}".encode()).hexdigest()[:10]
        return f"sqlite:///{self.root / 'caches' / f'{label}-{digest}.sqlite3'}"

    def ensure(self) -> None:
        for folder in (self.root, self.training, self.translations, self.root / "caches"):
            folder.mkdir(parents=True, exist_ok=True)
