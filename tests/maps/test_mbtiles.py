"""MBTiles reading: TMS rows flipped to XYZ, read-only, clear errors for files we cannot draw."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from map_harness import make_mbtiles

from console.maps.mbtiles import MbTiles, MbTilesError


def test_tiles_are_found_at_their_xyz_address(tmp_path: Path) -> None:
    path = make_mbtiles(
        tmp_path / "t.mbtiles",
        {(8, 136, 79): b"north", (8, 136, 80): b"south"},
        attribution="© Centre",
    )
    tiles = MbTiles(path)
    assert tiles.tile(8, 136, 79) == b"north"
    assert tiles.tile(8, 136, 80) == b"south"
    assert tiles.tile(8, 137, 79) is None
    assert tiles.tile(8, 256, 0) is None
    assert tiles.mime_type == "image/png"
    assert (tiles.min_zoom, tiles.max_zoom) == (0, 12)
    assert tiles.attribution == "© Centre"
    tiles.close()
    with pytest.raises(MbTilesError, match="closed"):
        tiles.tile(8, 136, 79)


def test_the_file_is_opened_read_only(tmp_path: Path) -> None:
    path = make_mbtiles(tmp_path / "t.mbtiles", {(0, 0, 0): b"x"})
    tiles = MbTiles(path)
    assert tiles._db is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        tiles._db.execute("DELETE FROM tiles")
    tiles.close()


def test_unusable_files_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(MbTilesError, match="does not exist"):
        MbTiles(tmp_path / "missing.mbtiles")
    junk = tmp_path / "junk.mbtiles"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(MbTilesError, match="not an MBTiles file"):
        MbTiles(junk)
    empty = tmp_path / "empty.mbtiles"
    sqlite3.connect(empty).close()
    with pytest.raises(MbTilesError, match="not an MBTiles file"):
        MbTiles(empty)
    vector = make_mbtiles(tmp_path / "v.mbtiles", {}, format="pbf")
    with pytest.raises(MbTilesError, match="not a raster format"):
        MbTiles(vector)
    bad_zoom = make_mbtiles(tmp_path / "z.mbtiles", {}, maxzoom="lots")
    with pytest.raises(MbTilesError, match="maxzoom"):
        MbTiles(bad_zoom)
