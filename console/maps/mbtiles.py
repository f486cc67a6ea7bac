"""Read raster tiles from an MBTiles file (SQLite), so a centre can ship its own offline map.

MBTiles 1.3 (https://github.com/mapbox/mbtiles-spec): table ``tiles(zoom_level, tile_column,
tile_row, tile_data)`` with rows in TMS order (row 0 at the south), and a ``metadata`` name/value
table. The map asks for XYZ tiles (row 0 at the north), so rows are flipped here. The file is
opened read-only: the console must never write into a file a centre maintains.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final

#: Raster formats a browser can draw; vector tiles (pbf) would need a renderer we do not ship.
FORMATS: Final = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}


class MbTilesError(ValueError):
    """A file that is not a usable raster MBTiles file; the message says why."""


class MbTiles:
    """One open MBTiles file. Not thread-safe; the map reads it on the UI thread only."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        if not self.path.is_file():
            raise MbTilesError(f"MBTiles file {self.path} does not exist")
        try:
            self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            rows = self._db.execute("SELECT name, value FROM metadata").fetchall()
            self._db.execute(
                "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 0"
            )
        except sqlite3.DatabaseError as exc:
            self.close()
            raise MbTilesError(f"{self.path} is not an MBTiles file: {exc}") from exc
        self.metadata: dict[str, str] = {str(name): str(value) for name, value in rows}
        fmt = self.metadata.get("format", "png").lower()
        if fmt not in FORMATS:
            self.close()
            raise MbTilesError(
                f"{self.path}: tile format {fmt!r} is not a raster format ({', '.join(FORMATS)})"
            )
        self.mime_type: str = FORMATS[fmt]
        self.min_zoom = self._zoom("minzoom", 0)
        self.max_zoom = self._zoom("maxzoom", 22)

    def _zoom(self, key: str, default: int) -> int:
        value = self.metadata.get(key)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError as exc:
            raise MbTilesError(f"{self.path}: metadata {key}={value!r} is not an integer") from exc

    @property
    def attribution(self) -> str:
        return self.metadata.get("attribution", "")

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at XYZ address ``z/x/y``, or None when the file has none there."""
        if z < 0 or not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        if self._db is None:
            raise MbTilesError(f"{self.path} is closed")
        row = self._db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, (2**z - 1) - y),
        ).fetchone()
        return None if row is None else bytes(row[0])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
