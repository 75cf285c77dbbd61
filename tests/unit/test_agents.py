"""harness.agents against the fake undercloud in-process (responses, no sockets): the guide's
lookups find every node's deployed-server and metadata URL; the files written on a node; the SSH
command and the environment a configure script gets."""
from __future__ import annotations

import configparser
import json
import re
import subprocess
from pathlib import Path

import openstack
import pytest
import responses

pytest.importorskip("fakes.heat.engine")

from fakes.undercloud import Undercloud  # noqa: E402
from harness import agents  # noqa: E402
from harness.nodes.base import ExecResult  # noqa: E402
from harness.overcloud.client import HeatClient  # noqa: E402
from harness.overcloud.render import render  # noqa: E402

CONTROLLER, COMPUTE = "ControllerDeployedServer", "ComputeDeployedServer"


@pytest.fixture
def heat():
    undercloud = Undercloud(password="pw")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        undercloud.mount_responses(rsps)
        conn = openstack.connect(auth_url=undercloud.endpoints.identity_root, username="admin",
                                 password="pw", project_name="admin", user_domain_name="Default",
                                 project_domain_name="Default", load_envvars=False,
                                 load_yaml_config=False)
        yield HeatClient(conn)
    undercloud.stop()


def wait_for(heat, count):
    import time
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = agents.deployed_servers(heat, "overcloud")
        if len(found) == count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"expected {count} deployed servers, found {len(found)}")


def test_deployed_servers_maps_rows_to_role_and_index_with_their_metadata_url(heat):
    rendered = render(None, "short", counts={CONTROLLER: 2, COMPUTE: 1})
    heat.create(rendered.stack_body())
    found = wait_for(heat, 3)
    assert sorted(found) == [(COMPUTE, 0), (CONTROLLER, 0), (CONTROLLER, 1)]
    for (role, index), ref in found.items():
        assert re.match(rf"^overcloud-{role}-\w{{12}}-{index}-\w{{12}}-{role}-\w{{12}}$", ref.stack_name)
        assert "temp_url_sig=" in ref.metadata_url and "/v1/AUTH_" in ref.metadata_url
    assert len({ref.metadata_url for ref in found.values()}) == 3


def test_member_of_ignores_rows_of_other_stacks():
    assert agents.member_of("overcloud-Compute-abcdefabcdef-2-abcdefabcdef-NovaCompute-abcdefabcdef",
                            "overcloud") == ("Compute", 2)
    assert agents.member_of("other-Compute-abcdefabcdef-2-abcdefabcdef-NovaCompute-abcdefabcdef",
                            "overcloud") is None


class RecordingNode:
    """Stands in for a Node: records files and commands as a node would receive them."""
    name = "th-test-compute-0"

    def __init__(self):
        self.files, self.commands = {}, []

    def exec(self, command, user="root"):
        self.commands.append(command[-1] if isinstance(command, list) else command)
        return ExecResult(0, "", "")

    def put_file(self, path, data, mode=0o644):
        self.files[path] = (data, mode)


def test_manual_writes_the_guides_config_and_the_interval_in_local_data_then_restarts():
    node = RecordingNode()
    agents.configure_manual(node, "http://192.0.2.1:8080/v1/AUTH_x/c/o?temp_url_sig=s", 2)
    conf = configparser.ConfigParser()
    conf.read_string(node.files["/etc/os-collect-config.conf"][0].decode())
    assert dict(conf["DEFAULT"]) == {"collectors": "request", "command": "os-refresh-config",
                                     "polling_interval": "2"}
    assert conf["request"]["metadata_url"].endswith("temp_url_sig=s")
    data, mode = node.files[agents.INTERVAL_FILE]
    assert json.loads(data) == {"os-collect-config": {"polling_interval": 2}}
    assert mode & 0o002 == 0  # not world-writable
    assert any("install -d -m 0700" in c for c in node.commands)
    assert node.commands[-1] == "systemctl restart os-collect-config"


def test_automatic_data_is_the_guides_local_data_with_the_interval():
    data = json.loads(agents.automatic_data("http://u", 1))
    assert data == {"os-collect-config": {"collectors": ["request", "local"],
                                          "request": {"metadata_url": "http://u"},
                                          "polling_interval": 1}}


def test_ssh_checks_host_keys_against_the_runs_known_hosts(tmp_path):
    access = agents.SshAccess("stack", tmp_path / "id", tmp_path / "known_hosts")
    command = access.command("192.0.2.5", "true")
    assert "StrictHostKeyChecking=yes" in command
    assert f"UserKnownHostsFile={tmp_path / 'known_hosts'}" in command
    assert command[-2:] == ["stack@192.0.2.5", "true"]


def test_script_environment_has_what_get_occ_config_reads(tmp_path):
    access = agents.SshAccess("stack", tmp_path / "id", tmp_path / "kh")
    env = agents.script_environment({"PATH": "/usr/bin", "OS_CLOUD": "stale"},
                                    {CONTROLLER: ["10.0.0.2", "10.0.0.3"], COMPUTE: ["10.0.0.4"]},
                                    access, "overcloud", {"OS_AUTH_URL": "http://a:5000"})
    assert env["OVERCLOUD_ROLES"] == f"{CONTROLLER} {COMPUTE}"
    assert env[f"{CONTROLLER}_hosts"] == "stack@10.0.0.2 stack@10.0.0.3"
    assert env["SUBNODES_SSH_KEY"] == str(tmp_path / "id") and env["STACK_NAME"] == "overcloud"
    assert "OS_CLOUD" not in env and env["OS_AUTH_URL"] == "http://a:5000"
    assert env["PATH"].endswith("/usr/bin") and env["PATH"] != "/usr/bin"


def test_a_failing_script_is_reported_with_its_exit_code_and_output(tmp_path):
    script = tmp_path / "configure.sh"
    script.write_text("#!/bin/bash\necho 'no such stack' >&2\nexit 3\n")
    env = agents.script_environment({"PATH": "/usr/bin:/bin"}, {}, agents.SshAccess(
        "stack", tmp_path / "id", tmp_path / "kh"), "overcloud", {})
    with pytest.raises(agents.AgentConfigError, match=r"exited 3: no such stack"):
        agents.run_configure_script(script, env, tmp_path)
    assert "no such stack" in (tmp_path / "configure-script.log").read_text()


def test_a_missing_script_says_so(tmp_path):
    with pytest.raises(agents.AgentConfigError, match="does not exist"):
        agents.run_configure_script(tmp_path / "nope.sh", {"PATH": "/usr/bin"}, tmp_path)
