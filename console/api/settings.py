"""How the console reaches the dispatch server: address, credentials, TLS and timeouts.

Declared once, validated when built, so a typo in a configuration fails at start-up with the field
named rather than as a connection error minutes later. TLS verification is on unless switched off
explicitly, and switching it off is logged loudly every time a client is built with it.
"""

from __future__ import annotations

import ipaddress
import logging
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger("console.api")


class SettingsError(ValueError):
    """A connection setting that cannot work (bad URL, missing CA file, negative timeout)."""


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """Connection settings of the dispatch API client."""

    base_url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    #: A PEM file of the CA that signed the server's certificate (a private PKI), or None for the
    #: system's trust store.
    ca_file: Path | None = None
    #: False only for a lab set-up; never in production. Logged as a warning whenever used.
    verify_tls: bool = True
    connect_timeout_s: float = 5.0
    #: Read/write timeout of ordinary calls; the event stream has its own watchdog.
    call_timeout_s: float = 10.0
    #: Refresh the token this long before the server says it expires, so a call never races it.
    token_refresh_margin_s: float = 30.0

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in {"http", "https"}:
            raise SettingsError(f"base_url {self.base_url!r}: must start with http:// or https://")
        if not parts.hostname:
            raise SettingsError(f"base_url {self.base_url!r}: no host name")
        if parts.query or parts.fragment:
            raise SettingsError(f"base_url {self.base_url!r}: must not carry a query or fragment")
        for name in ("connect_timeout_s", "call_timeout_s"):
            value = getattr(self, name)
            if not value > 0:
                raise SettingsError(f"{name} must be positive, got {value!r}")
        if self.token_refresh_margin_s < 0:
            raise SettingsError(
                f"token_refresh_margin_s must not be negative, got {self.token_refresh_margin_s}"
            )
        if self.ca_file is not None:
            if not self.verify_tls:
                raise SettingsError("ca_file is set but verify_tls is off: choose one")
            if not Path(self.ca_file).is_file():
                raise SettingsError(f"ca_file {str(self.ca_file)!r} does not exist")
        if (self.username is None) != (self.password is None):
            raise SettingsError("username and password go together")

    @property
    def api_root(self) -> str:
        """The base URL without a trailing slash; paths such as ``/v1/health`` follow it."""
        return self.base_url.rstrip("/")

    @property
    def is_loopback(self) -> bool:
        host = urlsplit(self.base_url).hostname or ""
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False


def tls_verification(settings: ApiSettings) -> ssl.SSLContext | bool:
    """What httpx should verify the server's certificate with, warning when it is nothing.

    Plain HTTP to a host other than this machine is also warned about: the bearer token and
    every patient address would cross the network in clear text.
    """
    https = settings.base_url.lower().startswith("https://")
    if not https and not settings.is_loopback:
        log.warning(
            "the dispatch server %s is reached over plain HTTP: tokens and patient data cross "
            "the network unencrypted; use https:// outside a lab",
            settings.api_root,
        )
    if not settings.verify_tls:
        log.warning(
            "TLS CERTIFICATE VERIFICATION IS OFF for %s: anyone on the network path can pose as "
            "the dispatch server and read or forge alerts. Configure ca_file instead.",
            settings.api_root,
        )
        return False
    if not https:
        # The client never speaks TLS here (its base URL is fixed and it follows no redirect),
        # so the system's CA bundle is not loaded (50 ms of every start); a context that trusts
        # nothing would fail closed if that ever changed.
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if settings.ca_file is not None:
        try:
            return ssl.create_default_context(cafile=str(settings.ca_file))
        except (ssl.SSLError, OSError) as exc:
            raise SettingsError(f"ca_file {str(settings.ca_file)!r}: {exc}") from exc
    return ssl.create_default_context()
