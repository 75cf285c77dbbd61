"""The suite's settings and their error messages."""
from __future__ import annotations

import pytest

from harness.conformance import settings


def test_defaults_are_the_guides_ports():
    built = settings.build("192.0.2.1")
    assert built.url("cfn") == "http://192.0.2.1:8000"
    assert built.url("swift", "/") == "http://192.0.2.1:8080/"
    assert built.credentials is None


def test_ipv6_address_is_bracketed():
    assert settings.build("2001:db8::1", "https").url("keystone") == "https://[2001:db8::1]:5000"


def test_port_overrides_and_their_errors():
    assert settings.parse_ports(["swift=18080"])["swift"] == 18080
    with pytest.raises(settings.SettingsError, match="'heat=8004'.*keystone, cfn, swift"):
        settings.parse_ports(["heat=8004"])
    with pytest.raises(settings.SettingsError, match="NAME=PORT"):
        settings.parse_ports(["swift=99999"])


def test_bad_address_and_scheme_are_named():
    with pytest.raises(settings.SettingsError, match="--undercloud 'not an ip!'"):
        settings.build("not an ip!")
    with pytest.raises(settings.SettingsError, match="--undercloud-scheme 'ftp'"):
        settings.build("192.0.2.1", "ftp")


def test_credentials_from_options_then_environment():
    environ = {"OS_AUTH_URL": "http://192.0.2.1:5000", "OS_USERNAME": "admin", "OS_PASSWORD": "env"}
    credentials = settings.credentials_from({"password": "option"}, environ)
    assert credentials.auth_url == "http://192.0.2.1:5000" and credentials.password == "option"
    assert credentials.project_name == "admin" and credentials.user_domain_name == "Default"
    assert settings.credentials_from({}, {}) is None


def test_auth_url_without_password_names_what_is_missing():
    with pytest.raises(settings.SettingsError, match="--os-password is not"):
        settings.credentials_from({"auth_url": "http://x:5000", "username": "admin"}, {})
