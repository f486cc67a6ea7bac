"""Files the map derives from its inputs, kept in the user's cache directory by their digest.

The map page (:mod:`console.maps.shell`) and the basemap script (:mod:`console.maps.basemap`)
take a noticeable part of a start to make (folium's imports; the town-label placement), yet
come out the same every time their inputs are the same. Each is kept in a file named by the
digest of those inputs, so a start with the same inputs reads it back and any change of input
makes a new file instead of reusing a stale one.

A file starts with one line, ``amk-<kind> <digest of the inputs> <SHA-256 of the body>``: a
file cut short by a crash, edited, or copied under another name is not used. Writes are atomic
(two consoles may start at once) and the least recently used files beyond ``keep`` are pruned.
A cache that cannot be read or written only costs the next start the build.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from console.ui.data_dirs import APP_NAME

log = logging.getLogger(__name__)

_HEADER = re.compile(rb"^amk-([a-z-]+) ([0-9a-f]{64}) ([0-9a-f]{64})\n")


def user_cache_dir(name: str) -> Path:
    """A folder in the user's cache directory: derived data, the same for every ``--data-dir``
    and safe to delete."""
    return platformdirs.user_cache_path(APP_NAME, appauthor=False) / name


def digest_of(*parts: bytes) -> str:
    """The SHA-256 of several inputs, each length-prefixed so that no two splits collide."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class DigestCache:
    """One kind of derived file (``kind``, e.g. ``map-shell``) in ``folder``, ``keep`` of them."""

    folder: Path
    kind: str
    suffix: str
    keep: int
    #: What the log calls this kind of file ("the map page").
    what: str

    def path(self, digest: str) -> Path:
        return self.folder / f"{self.kind}-{digest}{self.suffix}"

    def read(self, digest: str) -> bytes | None:
        """The kept body for this digest, or None when there is none or it is not intact."""
        path = self.path(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.info("%s cache %s unreadable (%s); making it again", self.what, path, exc)
            return None
        header = _HEADER.match(data)
        body = data[header.end() :] if header else b""
        if (
            header is None
            or header.group(1) != self.kind.encode()
            or header.group(2) != digest.encode()
            or header.group(3) != hashlib.sha256(body).hexdigest().encode()
        ):
            log.info("%s cache %s is not intact; making it again", self.what, path)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept when older files are pruned
        return body

    def write(self, digest: str, body: bytes) -> None:
        """Write atomically, then prune the least recently used files of this kind."""
        path = self.path(digest)
        header = f"amk-{self.kind} {digest} {hashlib.sha256(body).hexdigest()}\n".encode()
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(header + body)
            os.replace(partial, path)
        except OSError as exc:
            log.warning(
                "could not keep %s in %s (%s); the next start makes it again",
                self.what,
                self.folder,
                exc,
            )
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            return
        self._prune()

    def _prune(self) -> None:
        try:
            kept = sorted(
                self.folder.glob(f"{self.kind}-*{self.suffix}"),
                key=lambda p: p.stat().st_mtime_ns,
                reverse=True,
            )
            for old in kept[self.keep :]:
                old.unlink(missing_ok=True)
        except OSError as exc:
            log.info("could not prune the %s cache in %s (%s)", self.what, self.folder, exc)
