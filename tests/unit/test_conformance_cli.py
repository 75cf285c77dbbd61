"""`harness conformance`: help, and bad input refused before anything runs."""
from __future__ import annotations

from click.testing import CliRunner

from harness.cli import main


def invoke(*args: str):
    return CliRunner().invoke(main, ["conformance", *args])


def test_help_says_host_keys_are_checked_unless_asked():
    result = invoke("--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--ssh-insecure" in text and "DISABLE SSH host-key checking" in text
    assert "Off by default" in text and "never change a host" in text
    for option in ("--hosts", "--undercloud", "--stage", "--ssh-identity-file", "--ssh-config",
                   "--ansible-inventory", "--junit-xml", "--parallel"):
        assert option in text


def test_no_hosts_is_a_usage_error_naming_the_fix():
    result = invoke("--undercloud", "192.0.2.1")
    assert result.exit_code == 2
    assert "no hosts to check" in result.output and "ssh://user@host" in result.output


def test_bad_port_and_address_are_usage_errors():
    assert "--undercloud-port 'heat=8004'" in invoke("--hosts", "docker://a", "--undercloud-port", "heat=8004").output
    result = invoke("--hosts", "docker://a", "--undercloud", "not an ip!")
    assert result.exit_code == 2 and "--undercloud 'not an ip!'" in result.output


def test_unknown_stage_is_refused_by_click():
    result = invoke("--hosts", "docker://a", "--stage", "during")
    assert result.exit_code == 2 and "pre-deploy" in result.output
