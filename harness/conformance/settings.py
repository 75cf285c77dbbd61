"""The suite's settings: where the undercloud is and how to reach its API, in one frozen object.

Precedence: command-line options > OS_* environment variables (a sourced stackrc) > defaults.
Built once in the suite's `pytest_configure`; checks read it through the `undercloud` fixture.
"""
from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping

DEFAULT_PORTS = {"keystone": 5000, "cfn": 8000, "swift": 8080}
SCHEMES = ("http", "https")
CREDENTIAL_OPTIONS = ("auth_url", "username", "password", "project_name", "user_domain_name",
                      "project_domain_name", "region_name", "cacert")


class SettingsError(ValueError):
    """A bad option value; the message names the option and a valid example."""


@dataclasses.dataclass(frozen=True)
class Credentials:
    auth_url: str
    username: str
    password: str
    project_name: str = "admin"
    user_domain_name: str = "Default"
    project_domain_name: str = "Default"
    region_name: str | None = None
    cacert: str | None = None  # a file on this machine, for the API calls made from here


@dataclasses.dataclass(frozen=True)
class UndercloudSettings:
    address: str | None  # the undercloud's local_ip as the hosts reach it
    scheme: str = "http"
    ports: Mapping[str, int] = dataclasses.field(default_factory=lambda: dict(DEFAULT_PORTS))
    ca_file: str | None = None  # a file on the checked host, for curl --cacert
    stack: str = "overcloud"
    credentials: Credentials | None = None

    def url(self, service: str, path: str = "") -> str:
        host = self.address or ""
        if ":" in host:  # an IPv6 literal needs brackets in a URL
            host = f"[{host}]"
        return f"{self.scheme}://{host}:{self.ports[service]}{path}"


def parse_address(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        if value.replace("-", "").replace(".", "").isalnum():
            return value  # a host name the nodes resolve
        raise SettingsError(f"--undercloud {value!r} is not an IP address or host name "
                            "(use the undercloud's local_ip from undercloud.conf, e.g. 192.0.2.1)") from None


def parse_ports(values: list[str] | None) -> dict[str, int]:
    """`["swift=18080"]` -> the default ports with swift replaced."""
    ports = dict(DEFAULT_PORTS)
    for value in values or []:
        name, _, number = value.partition("=")
        if name not in ports or not number.isdigit() or not 0 < int(number) < 65536:
            raise SettingsError(f"--undercloud-port {value!r}: expected NAME=PORT with NAME one of "
                                f"{', '.join(DEFAULT_PORTS)} (e.g. swift=8080)")
        ports[name] = int(number)
    return ports


def credentials_from(options: Mapping[str, str | None], environ: Mapping[str, str]) -> Credentials | None:
    """Credentials from --os-* options or OS_* variables; None when no auth URL is given.

    An auth URL without a user name or password is an error that names what is missing."""
    values = {name: options.get(name) or environ.get(f"OS_{name.upper()}") for name in CREDENTIAL_OPTIONS}
    values["cacert"] = options.get("cacert") or environ.get("OS_CACERT")
    if not values["auth_url"]:
        return None
    missing = [f"--os-{name.replace('_', '-')}" for name in ("username", "password") if not values[name]]
    if missing:
        raise SettingsError(f"--os-auth-url is set but {' and '.join(missing)} is not "
                            "(give them, or source the undercloud's stackrc)")
    kept = {name: value for name, value in values.items() if value}
    return Credentials(**kept)


def build(address: str | None, scheme: str = "http", ports: list[str] | None = None,
          ca_file: str | None = None, stack: str = "overcloud",
          credential_options: Mapping[str, str | None] | None = None,
          environ: Mapping[str, str] | None = None) -> UndercloudSettings:
    if scheme not in SCHEMES:
        raise SettingsError(f"--undercloud-scheme {scheme!r}: choose http or https")
    return UndercloudSettings(parse_address(address), scheme, parse_ports(ports), ca_file, stack,
                              credentials_from(credential_options or {}, environ or {}))
