"""`harness deploy` / `harness scale` against the fake undercloud on loopback, checked with the
real `openstack` CLI the way the guide and get-occ-config.sh use it, with the agent player
signalling the waves as they open."""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.integration
pytest.importorskip("fakes.heat.engine", reason="the fake Heat engine has not landed yet")

OPENSTACK = Path(sys.executable).parent / "openstack"
CONTROLLER, COMPUTE = "ControllerDeployedServer", "ComputeDeployedServer"


def env_from_stackrc(text: str) -> dict:
    found = {}
    for line in text.splitlines():
        match = re.match(r"^\s*(?:export\s+)?(OS_\w+)=(.*)$", line)
        if match:
            found[match.group(1)] = (shlex.split(match.group(2)) or [""])[0]
    return found


class Cloud:
    def __init__(self, undercloud, workdir: Path) -> None:
        self.undercloud = undercloud
        self.workdir = workdir
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("OS_") and k.lower() not in ("http_proxy", "https_proxy")}
        self.env.update(env_from_stackrc(undercloud.stackrc_text()), HOME=str(workdir),
                        no_proxy="127.0.0.1,localhost", NO_PROXY="127.0.0.1,localhost")

    def harness(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "harness.cli", *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def shell(self, command: str) -> str:
        result = subprocess.run(command, shell=True, env=self.env, capture_output=True,
                                text=True, timeout=120, executable="/bin/bash")
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def openstack(self, *args: str) -> str:
        return self.shell(" ".join([str(OPENSTACK), *map(shlex.quote, args)]))

    def player(self):
        from harness.overcloud.client import HeatClient
        from harness.overcloud.player import AgentPlayer
        import openstack as sdk
        saved = dict(os.environ)
        os.environ.update({k: v for k, v in self.env.items() if k.startswith("OS_")})
        try:
            connection = sdk.connect()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return AgentPlayer(HeatClient(connection))


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    from fakes.undercloud import Undercloud
    ports = {"keystone": 0, "heat": 0, "cfn": 0, "swift": 0}
    with Undercloud(bind=("127.0.0.1",), ports=ports, password="overcloud-secret") as undercloud:
        yield Cloud(undercloud, tmp_path_factory.mktemp("overcloud"))


def deployed_server_rows(cloud: Cloud, stack: str) -> list[list[str]]:
    table = cloud.shell(f"{OPENSTACK} stack resource list -n 5 {stack} | grep deployed-server")
    return [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in table.splitlines()]


def test_deploy_no_wait_then_the_guides_commands_then_the_agents_complete_it(cloud):
    result = cloud.harness("deploy", "--count", f"{CONTROLLER}=3", "--count", f"{COMPUTE}=1",
                           "--no-wait", "--timeout", "10")
    assert result.returncode == 0, result.stderr + result.stdout
    assert re.search(rf"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ \[overcloud\.{CONTROLLER}\.2\."
                     rf"{CONTROLLER}\]: CREATE_IN_PROGRESS  state changed$", result.stdout, re.M)
    assert "waiting for signals" in result.stdout

    rows = deployed_server_rows(cloud, "overcloud")
    assert len(rows) == 4
    assert all(row[2] == "OS::Heat::DeployedServer" and row[3] == "CREATE_COMPLETE"
               for row in rows)
    for row in rows:
        url = cloud.shell(f"{OPENSTACK} stack resource metadata {row[5]} deployed-server"
                          " | jq -r '.[\"os-collect-config\"].request.metadata_url'").strip()
        assert "temp_url_sig=" in url
        head = requests.head(url, timeout=10)
        assert head.status_code == 200 and head.headers["Last-Modified"].endswith(" GMT")
        metadata = requests.get(url, timeout=10).json()
        assert metadata["os-collect-config"]["collectors"] == ["request", "local"]
        assert isinstance(metadata["deployments"], list)

    assert_get_occ_config_walk(cloud, CONTROLLER, 3)
    player = cloud.player()
    stack = player.play("overcloud", lambda s: not s["stack_status"].endswith("IN_PROGRESS"),
                        timeout=240)
    assert stack["stack_status"] == "CREATE_COMPLETE", stack["stack_status_reason"]
    waves = {name for _, name, _ in player.signals}
    assert {"Bootstrap", "HostsEntry", "Step5", "PostConfig"} <= waves
    assert len([s for s in player.signals if s[1] == "Step3"]) == 4


def assert_get_occ_config_walk(cloud: Cloud, role: str, count: int) -> None:
    """THT stein get-occ-config.sh's queries, in its order."""
    group = cloud.openstack("stack", "resource", "show", "overcloud", role,
                            "-c", "physical_resource_id", "-f", "value").strip()
    members = json.loads(cloud.openstack("stack", "resource", "list", group, "-c",
                                         "resource_name", "-c", "physical_resource_id",
                                         "-f", "json"))
    members.sort(key=lambda m: int(m["resource_name"]))
    assert [m["resource_name"] for m in members] == [str(i) for i in range(count)]
    for member in members:
        server_stack = cloud.openstack("stack", "resource", "show",
                                       member["physical_resource_id"], role, "-c",
                                       "physical_resource_id", "-f", "value").strip()
        metadata = json.loads(cloud.openstack("stack", "resource", "metadata", server_stack,
                                              "deployed-server"))
        assert metadata["os-collect-config"]["request"]["metadata_url"].startswith("http://")


def test_a_failed_signal_fails_the_stack_with_heats_reasons_at_every_level(cloud):
    env = cloud.workdir / "fail.yaml"
    env.write_text("parameter_defaults:\n  Step1FailOn: failing-novacompute-0\n")
    player = cloud.player()
    outcome = {}

    def deploy():
        outcome["result"] = cloud.harness("deploy", "--stack", "failing", "--plan", "short",
                                          "-e", str(env), "--timeout", "5")
    thread = threading.Thread(target=deploy)
    thread.start()
    try:
        stack = _wait_for_stack(player, "failing")
        stack = player.play("failing", lambda s: s["stack_status"] != "CREATE_IN_PROGRESS",
                            timeout=240)
    finally:
        thread.join(timeout=300)
    assert stack["stack_status"] == "CREATE_FAILED"
    result = outcome["result"]
    assert result.returncode != 0
    assert "CREATE_FAILED" in result.stderr
    assert "Deployment exited with non-zero status code: 1" in result.stderr
    assert ("failing-novacompute-0", "Step1", 1) in player.signals
    failed = json.loads(cloud.openstack("stack", "resource", "list", "-n", "5", "failing",
                                        "--filter", "status=CREATE_FAILED", "-f", "json"))
    names = {row["resource_name"] for row in failed}
    assert f"{COMPUTE}Step1Deployment" in names   # the group at the top level
    assert "0" in names                            # its member deployment, one level down
    member = next(row for row in failed if row["resource_name"] == "0")
    show = json.loads(cloud.openstack("stack", "resource", "show", member["stack_name"], "0",
                                      "-f", "json"))
    assert "deploy_status_code : Deployment exited with non-zero status code: 1" in \
        show["resource_status_reason"]


def _wait_for_stack(player, name):
    import time
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        stack = player.client.find(name)
        if stack is not None:
            return stack
        time.sleep(0.2)
    raise AssertionError(f"stack {name} never appeared")


def test_scale_compute_up_then_down_removes_the_highest_members(cloud):
    stack = cloud.player().client.find("overcloud")
    if stack is None or stack["stack_status"] != "CREATE_COMPLETE":
        pytest.skip("needs the completed overcloud of the first test")
    result = cloud.harness("scale", "--count", f"{COMPUTE}=3", "--no-wait", "--timeout", "10")
    assert result.returncode == 0, result.stderr + result.stdout
    player = cloud.player()
    stack = player.play("overcloud", lambda s: s["stack_status"] in
                        ("UPDATE_COMPLETE", "UPDATE_FAILED"), timeout=240)
    assert stack["stack_status"] == "UPDATE_COMPLETE", stack["stack_status_reason"]
    assert len(deployed_server_rows(cloud, "overcloud")) == 6
    removed = [n.metadata_url for n in player.nodes(stack)
               if n.hostname in ("overcloud-novacompute-1", "overcloud-novacompute-2")]
    assert len(removed) == 2

    result = cloud.harness("scale", "--count", f"{COMPUTE}=1", "--no-wait", "--timeout", "10")
    assert result.returncode == 0, result.stderr + result.stdout
    stack = player.play("overcloud", lambda s: s["stack_status"] in
                        ("UPDATE_COMPLETE", "UPDATE_FAILED"), timeout=240)
    assert stack["stack_status"] == "UPDATE_COMPLETE", stack["stack_status_reason"]
    assert len(deployed_server_rows(cloud, "overcloud")) == 4
    group = cloud.openstack("stack", "resource", "show", "overcloud", COMPUTE,
                            "-c", "physical_resource_id", "-f", "value").strip()
    members = json.loads(cloud.openstack("stack", "resource", "list", group, "-f", "json"))
    assert [m["resource_name"] for m in members] == ["0"]
    for url in removed:
        assert requests.get(url, timeout=10).status_code == 404
