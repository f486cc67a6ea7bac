"""The map's Chromium flags: the sandbox off only as root, V8's memory-saving mode, the user's
own flags kept (and their own ``--js-flags`` winning over ours)."""

from __future__ import annotations

import os

import pytest

from console.ui.chromium_flags import FLAGS_ENV, JS_FLAGS, NO_SANDBOX, set_chromium_flags


def test_as_root_the_sandbox_goes_and_v8_saves_memory() -> None:
    env: dict[str, str] = {}
    assert set_chromium_flags(env, as_root=True) == f"{NO_SANDBOX} {JS_FLAGS}"
    assert env[FLAGS_ENV] == f"{NO_SANDBOX} {JS_FLAGS}"


def test_not_as_root_the_sandbox_stays() -> None:
    env: dict[str, str] = {}
    assert set_chromium_flags(env, as_root=False) == JS_FLAGS


def test_the_users_flags_are_kept_and_nothing_is_added_twice() -> None:
    env = {FLAGS_ENV: "--enable-precise-memory-info  --no-sandbox"}
    once = set_chromium_flags(env, as_root=True)
    assert once == f"--enable-precise-memory-info {NO_SANDBOX} {JS_FLAGS}"
    assert set_chromium_flags(env, as_root=True) == once


def test_the_users_own_js_flags_win() -> None:
    env = {FLAGS_ENV: "--js-flags=--max-old-space-size=512"}
    assert set_chromium_flags(env, as_root=False) == "--js-flags=--max-old-space-size=512"


def test_the_running_tests_use_the_flags_the_console_ships() -> None:
    # tests/conftest.py sets them before Qt starts, so every map under test runs as shipped.
    assert JS_FLAGS in os.environ[FLAGS_ENV].split()


def test_the_console_sets_them_before_qt_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    from console.ui.app import prepare_environment
    from console.ui.options import parse_options

    monkeypatch.setenv(FLAGS_ENV, "--enable-logging")
    prepare_environment(parse_options(["--simulate"]))
    assert os.environ[FLAGS_ENV].split()[:1] == ["--enable-logging"]
    assert JS_FLAGS in os.environ[FLAGS_ENV].split()
