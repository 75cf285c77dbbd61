"""The default plan's waves run by the real heat-config hooks in pseudo-node containers.

The fake undercloud is served in-process; the agent player relays: for each deployment Heat
opens, the entry Heat derived (minus its signal URL) is handed to the node's real
55-heat-config, and the hook's own signal data (`<id>.notify.json`) is what the player PUTs
back. So every script, hiera, json-file and apply-config wave runs for real, with real
addresses (the validation pings the other container), and the stack completes only if they all
exit 0. Containers carry `tripleo-harness.run=overcloud-waves-<pid>` and are removed in a
`finally`.
"""
from __future__ import annotations

import base64
import json
import os
import re

import pytest
import responses

pytestmark = pytest.mark.docker
pytest.importorskip("fakes.heat.engine")

RUN_ID = f"overcloud-waves-{os.getpid()}"
LABELS = {"tripleo-harness.run": RUN_ID}
HOSTS = ("overcloud-controller-0", "overcloud-novacompute-0")
HEAT_CONFIG = "/usr/libexec/os-refresh-config/configure.d/55-heat-config"


@pytest.fixture(scope="module")
def containers():
    from harness.image.build import build_image, docker_client
    from harness.image.errors import DockerUnavailable, ImageBuildError
    try:
        client = docker_client()
        image = build_image(client=client).tag
    except (DockerUnavailable, ImageBuildError) as error:
        pytest.skip(f"no pseudo-node image here: {error}")
    network = client.networks.create(f"th-{RUN_ID}", labels=LABELS)
    started = []
    try:
        for host in HOSTS:
            container = client.containers.run(
                image, entrypoint=["sleep", "infinity"], detach=True, labels=LABELS,
                name=f"th-{RUN_ID}-{host}", hostname=host, network=network.name)
            started.append(container)
        for container in started:
            container.reload()
        yield {host: c for host, c in zip(HOSTS, started)}
    finally:
        for container in started:
            container.remove(force=True)
        network.remove()


def address(container) -> str:
    return next(iter(container.attrs["NetworkSettings"]["Networks"].values()))["IPAddress"]


def sh(container, command: str) -> tuple[int, str]:
    result = container.exec_run(["bash", "-c", command])
    return result.exit_code, result.output.decode(errors="replace")


def run_with_real_hooks(container, entry: dict) -> tuple[int, str, str]:
    """55-heat-config on the node with this one deployment; its notify data is the signal."""
    entry = dict(entry, inputs=[i for i in entry["inputs"]
                                if i["name"] not in ("deploy_signal_id", "deploy_signal_verb")])
    payload = base64.b64encode(json.dumps([entry]).encode()).decode()
    code, output = sh(container, f"echo {payload} | base64 -d > /tmp/heat-config.json && "
                                 f"HEAT_SHELL_CONFIG=/tmp/heat-config.json {HEAT_CONFIG}")
    assert code == 0, f"55-heat-config failed on the node: {output}"
    code, notify = sh(container, f"cat /var/lib/heat-config/deployed/{entry['id']}.notify.json")
    assert code == 0, f"no signal data for {entry['name']}: {notify}"
    data = json.loads(notify)
    return (int(data.get("deploy_status_code") or 0), data.get("deploy_stdout", ""),
            data.get("deploy_stderr", ""))


@pytest.fixture(scope="module")
def deployed(containers, monkeypatch_module):
    from fakes.undercloud import Undercloud
    from harness.overcloud.client import HeatClient, connect
    from harness.overcloud.player import AgentPlayer, stack_finished
    from harness.overcloud.render import render

    undercloud = Undercloud(password="pw")
    for line in undercloud.stackrc_text().splitlines():
        match = re.match(r"^export (OS_\w+)=(.*)$", line)
        if match:
            monkeypatch_module.setenv(match.group(1), match.group(2).strip("'"))
    addresses = {host: address(c) for host, c in containers.items()}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        undercloud.mount_responses(rsps)
        rsps.add_passthru(re.compile(r"http\+docker://"))   # the Docker SDK's own requests
        client = HeatClient(connect())
        client.create(render(addresses=addresses).stack_body())
        by_host = {h: c for h, c in containers.items()}
        player = AgentPlayer(client, outcome=lambda node, entry: run_with_real_hooks(
            by_host[node.hostname], entry))
        stack = player.play("overcloud", stack_finished("CREATE"), timeout=600)
    undercloud.stop()
    return stack, player, addresses


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_default_plan_completes_with_every_wave_run_by_the_real_hooks(deployed):
    stack, player, _ = deployed
    assert stack["stack_status"] == "CREATE_COMPLETE", stack["stack_status_reason"]
    assert len(player.signals) == 14 * 2
    assert all(code == 0 for _, _, code in player.signals)


def test_the_nodes_keep_the_waves_effects(deployed, containers):
    _, _, addresses = deployed
    node = containers["overcloud-novacompute-0"]
    code, hosts = sh(node, "cat /etc/hosts")
    assert f"{addresses['overcloud-controller-0']} overcloud-controller-0" in hosts
    assert "# HEAT_HOSTS_START" in hosts
    code, log = sh(node, "cat /var/lib/tripleo-harness/validation/ping.log")
    assert log.strip() == f"overcloud-controller-0 {addresses['overcloud-controller-0']} ok"
    code, summary = sh(node, "cat /var/lib/tripleo-harness/post-config.json")
    summary = json.loads(summary)
    assert summary["steps"] == [f"step{i}" for i in range(1, 6)]
    assert summary["role"] == "ComputeDeployedServer"
    code, step = sh(node, "cat /var/lib/tripleo-harness/steps/step3.json")
    assert json.loads(step)["inputs"] == {"step": "3"}
    code, hiera = sh(node, "cat /etc/puppet/hieradata/tripleo_harness_role.json")
    assert json.loads(hiera)["tripleo::hostname"] == "overcloud-novacompute-0"
    code, all_nodes = sh(node, "cat /var/lib/tripleo-harness/all-nodes.json")
    assert f"{addresses['overcloud-controller-0']}" in all_nodes
