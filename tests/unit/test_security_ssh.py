"""The SSH path never disables host-key checking unless the user asks: the automatic agent
configuration (harness.agents) and the conformance runner (harness.conformance) both check host
keys against a known_hosts file by default."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import click
from click.testing import CliRunner

from harness import agents
from harness.conformance import api, sshconfig
from harness.conformance.cli import conformance as conformance_cli

REPO = Path(__file__).resolve().parents[2]


def _options(argv: list[str]) -> dict:
    pairs = [argv[i + 1] for i, arg in enumerate(argv) if arg == "-o"]
    return dict(pair.split("=", 1) for pair in pairs)


def test_the_automatic_configuration_checks_host_keys_against_the_runs_known_hosts(tmp_path):
    ssh = agents.SshAccess(user="heat-admin", key=tmp_path / "id", known_hosts=tmp_path / "known")
    options = _options(ssh.command("192.0.2.10", "true"))
    assert options["StrictHostKeyChecking"] == "yes"
    assert options["UserKnownHostsFile"] == str(tmp_path / "known")


def test_the_conformance_ssh_config_checks_host_keys_unless_asked(tmp_path):
    default = sshconfig.render(str(tmp_path))
    with_known = sshconfig.render(str(tmp_path), known_hosts=str(tmp_path / "kh"))
    insecure = sshconfig.render(str(tmp_path), insecure=True)
    for config in (default, with_known):
        assert "StrictHostKeyChecking no" not in config and "/dev/null" not in config
    assert "StrictHostKeyChecking yes" in with_known
    assert "StrictHostKeyChecking no" in insecure  # only when the user asks


def test_insecure_is_off_by_default_everywhere_the_user_can_ask():
    assert inspect.signature(api.run_suite).parameters["ssh_insecure"].default is False
    assert inspect.signature(sshconfig.render).parameters["insecure"].default is False
    flag = next(p for p in conformance_cli.params if p.name == "ssh_insecure")
    assert flag.is_flag and flag.get_default(click.Context(conformance_cli)) is False
    assert "DISABLE" in flag.help
    help_text = CliRunner().invoke(conformance_cli, ["--help"]).output
    assert "--ssh-insecure" in help_text


def test_no_module_turns_host_key_checking_off_on_its_own():
    """The only place that may write `StrictHostKeyChecking no` is the insecure branch of
    sshconfig.render; any other one in harness/ is a finding."""
    offenders = []
    for path in (REPO / "harness").rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "help=" in line or line.strip().startswith(('"', "#")):
                continue  # documentation of the option, not a setting
            if re.search(r"StrictHostKeyChecking[ =]+(no|off)\b", line, re.I) or \
                    re.search(r"UserKnownHostsFile[ =]+/dev/null", line):
                offenders.append(f"{path.relative_to(REPO)}:{number}")
    assert offenders == ["harness/conformance/sshconfig.py:36"], offenders
