"""Connection settings are validated at start-up; switching TLS checks off is loud."""

from __future__ import annotations

import logging
import ssl
from pathlib import Path

import pytest

from console.api.settings import ApiSettings, SettingsError, tls_verification


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"base_url": "ftp://x"}, "must start with http"),
        ({"base_url": "https://"}, "no host"),
        ({"base_url": "https://x/?a=1"}, "query or fragment"),
        ({"base_url": "https://x", "call_timeout_s": 0}, "call_timeout_s must be positive"),
        ({"base_url": "https://x", "connect_timeout_s": -1}, "connect_timeout_s"),
        ({"base_url": "https://x", "token_refresh_margin_s": -1}, "token_refresh_margin_s"),
        ({"base_url": "https://x", "ca_file": Path("/no/such/ca.pem")}, "does not exist"),
        ({"base_url": "https://x", "username": "u"}, "go together"),
    ],
)
def test_bad_settings_name_the_field(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        ApiSettings(**kwargs)  # type: ignore[arg-type]


def test_a_ca_file_with_verification_off_is_contradictory(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    with pytest.raises(SettingsError, match="choose one"):
        ApiSettings("https://x", ca_file=ca, verify_tls=False)


def test_the_password_never_shows_in_a_repr() -> None:
    settings = ApiSettings("https://x", username="demo-dispatcher", password="hemmelig")
    assert "hemmelig" not in repr(settings)


def test_verification_is_on_by_default_without_a_word(caplog: pytest.LogCaptureFixture) -> None:
    verify = tls_verification(ApiSettings("https://dispatch.example"))
    assert isinstance(verify, ssl.SSLContext)
    assert verify.verify_mode is ssl.CERT_REQUIRED
    assert verify.check_hostname
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.allow_log_warnings
def test_verification_off_is_a_loud_warning(caplog: pytest.LogCaptureFixture) -> None:
    assert tls_verification(ApiSettings("https://10.0.0.5", verify_tls=False)) is False
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("TLS CERTIFICATE VERIFICATION IS OFF for https://10.0.0.5" in w for w in warnings)


@pytest.mark.allow_log_warnings
def test_plain_http_beyond_this_machine_is_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    tls_verification(ApiSettings("http://127.0.0.1:8000"))
    tls_verification(ApiSettings("http://localhost:8000"))
    assert not caplog.records
    tls_verification(ApiSettings("http://dispatch.example"))
    assert "plain HTTP" in caplog.records[-1].getMessage()


def test_a_broken_ca_file_is_a_settings_error(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not a certificate")
    with pytest.raises(SettingsError, match=r"ca\.pem"):
        tls_verification(ApiSettings("https://x", ca_file=ca))


def test_plain_http_loads_no_ca_bundle_and_would_fail_closed() -> None:
    """No TLS is spoken over http://, so the start-up skips the CA bundle; the context given to
    httpx trusts nothing and still requires a certificate, should TLS ever happen."""
    verify = tls_verification(ApiSettings("http://127.0.0.1:8000"))
    assert isinstance(verify, ssl.SSLContext)
    assert verify.verify_mode is ssl.CERT_REQUIRED
    assert verify.check_hostname
    assert verify.cert_store_stats()["x509_ca"] == 0
