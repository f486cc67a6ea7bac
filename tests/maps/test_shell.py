"""The page folium builds: only the package's own files, and a policy that runs nothing else."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest

from console.maps.shell import ShellError, TileLayerConfig, build_page, check_offline, render_page


def _policy(page: str) -> dict[str, list[str]]:
    content = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert content is not None
    directives = [d.strip().split() for d in content.group(1).split(";")]
    return {d[0]: d[1:] for d in directives}


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_page_links_only_to_the_package() -> None:
    page = render_page()
    links = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert links
    assert all(link.startswith(("amk-map://app/", "data:")) for link in links)
    for cdn_thing in (
        "jquery",
        "bootstrap",
        "font-awesome",
        "fontawesome",
        "awesome-markers",
        "cdn.",
        "http://",
        "https://",
    ):
        assert cdn_thing not in page.lower()
    assert "amk-map://app/vendor/leaflet/leaflet.js" in links
    assert "amk-map://app/static/map.js" in links


def test_policy_allows_exactly_the_inline_scripts_folium_wrote() -> None:
    page = render_page()
    policy = _policy(page)
    inline = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    assert len(inline) >= 2
    assert sorted(policy["script-src"][1:]) == sorted(_hash(body) for body in inline)
    assert policy["script-src"][0] == "amk-map:"
    assert "'unsafe-inline'" not in page
    assert "'unsafe-eval'" not in page
    assert policy["default-src"] == ["'none'"]
    assert policy["img-src"] == ["amk-map:", "data:"]


def test_a_tile_server_is_allowed_for_images_only() -> None:
    tiles = TileLayerConfig(
        "https://tiles.amk.example/{z}/{x}/{y}.png", 17, "© AMK", "https://tiles.amk.example"
    )
    page = render_page(tiles)
    policy = _policy(page)
    assert "https://tiles.amk.example" in policy["img-src"]
    assert "https://tiles.amk.example" not in policy["script-src"]
    assert '"url": "https://tiles.amk.example/{z}/{x}/{y}.png"' in page


def test_check_offline_refuses_any_other_address() -> None:
    check_offline('<script src="amk-map://app/static/map.js"></script>')
    with pytest.raises(ShellError, match="jquery"):
        check_offline('<script src="https://code.jquery.com/jquery.js"></script>')
    with pytest.raises(ShellError, match="unpkg"):
        check_offline("<script>var u = 'https://unpkg.com/x.js';</script>")
    with pytest.raises(ShellError, match="evil"):
        check_offline("var t = 'https://evil.example/{z}';", tile_origin="https://tiles.example")
    check_offline("var t = 'https://tiles.example/{z}';", tile_origin="https://tiles.example")


def test_page_is_built_once_per_setting(tmp_path: Path) -> None:
    assert build_page(cache_dir=tmp_path) is build_page(cache_dir=tmp_path)
