"""The runner's pytest command line, the per-run ssh config and JUnit merging (no hosts)."""
from __future__ import annotations

from xml.etree import ElementTree

import pytest

from harness.conformance import api, sshconfig


def test_pytest_args_use_testinfras_options_and_the_plugin():
    args = api.pytest_args("pre-deploy", ["ssh://stack@192.0.2.10", "docker://n1"], "192.0.2.1",
                           json_path="/tmp/r.json", ssh_identity_file="/k", undercloud_ports={"swift": 18080},
                           junit_xml="/tmp/j.xml")
    assert args[:4] == ["-p", "harness.conformance.plugin", "--pyargs", "harness.conformance"]
    joined = " ".join(args)
    assert "--hosts ssh://stack@192.0.2.10,docker://n1" in joined
    assert "--stage pre-deploy" in joined and "--undercloud 192.0.2.1" in joined
    assert "--undercloud-port swift=18080" in joined and "--ssh-identity-file /k" in joined
    assert "--junit-xml /tmp/j.xml" in joined and "-o junit_family=xunit1" in joined
    assert "--os-" not in joined  # credentials travel in the environment, not on a command line


def test_pytest_args_refuse_bad_input_with_the_fix():
    with pytest.raises(ValueError, match="unknown stage"):
        api.pytest_args("during", ["docker://a"], None, json_path="x")
    with pytest.raises(ValueError, match="no hosts to check"):
        api.pytest_args("pre-deploy", [], None, json_path="x")


def test_ssh_config_keeps_host_key_checking_unless_insecure(tmp_path):
    known = tmp_path / "known_hosts"
    secure = sshconfig.render("/tmp/thc-x", known_hosts=str(known))
    assert "StrictHostKeyChecking yes" in secure and f"UserKnownHostsFile {known}" in secure
    assert "ControlMaster auto" in secure and "ControlPath /tmp/thc-x/%C" in secure and "BatchMode yes" in secure
    assert "StrictHostKeyChecking no" not in sshconfig.render("/tmp/thc-x")
    assert "StrictHostKeyChecking no" in sshconfig.render("/tmp/thc-x", insecure=True)


def test_the_users_config_is_included_first_so_it_wins(tmp_path):
    user = tmp_path / "config"
    user.write_text("Host *\n  User ops\n")
    rendered = sshconfig.render("/tmp/thc-x", user_config=str(user))
    assert rendered.splitlines()[0] == f"Include {user}"


def test_run_ssh_config_lifecycle():
    with sshconfig.RunSshConfig(user_config=None) as run:
        assert run.path.startswith("/tmp/thc-") and open(run.path).read().startswith(("Include", "Host *"))
        directory = run.directory
    import os
    assert not os.path.exists(directory)


def test_ssh_targets_only_for_ssh_urls():
    assert sshconfig.ssh_targets(["ssh://stack@192.0.2.10:2222", "docker://n1", "ssh://h"]) == [
        ("stack@192.0.2.10", "2222"), ("h", "")]


def test_junit_documents_are_merged(tmp_path):
    parts = []
    for index in range(2):
        part = tmp_path / f"j{index}.xml"
        part.write_text(f'<testsuites><testsuite name="pytest" tests="1"><testcase name="t{index}"/></testsuite></testsuites>')
        parts.append(str(part))
    destination = tmp_path / "all.xml"
    api.merge_junit(parts + [str(tmp_path / "missing.xml")], str(destination))
    names = [case.get("name") for case in ElementTree.parse(destination).getroot().iter("testcase")]
    assert names == ["t0", "t1"]
