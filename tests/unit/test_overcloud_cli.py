"""`harness deploy` / `harness scale` and the agent player against the fake undercloud served
in-process (responses; no sockets): event lines, refusals before anything starts, failures with
Heat's reasons, scaling up and down."""
from __future__ import annotations

import re
import threading

import pytest
from click.testing import CliRunner

pytest.importorskip("fakes.heat.engine")

from fakes.undercloud import Undercloud  # noqa: E402
from harness.overcloud.cli import deploy, scale  # noqa: E402
from harness.overcloud.client import HeatClient, connect  # noqa: E402
from harness.overcloud.errors import ALL_OR_NOTHING_RULE  # noqa: E402
from harness.overcloud.player import AgentPlayer, stack_finished  # noqa: E402

CONTROLLER, COMPUTE = "ControllerDeployedServer", "ComputeDeployedServer"


def player() -> AgentPlayer:
    return AgentPlayer(HeatClient(connect()))


def in_background(target, *args):
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def test_deploy_no_wait_prints_guide_event_lines_then_the_player_completes_it(cloud):
    result = CliRunner().invoke(deploy, ["--plan", "short", "--count", f"{CONTROLLER}=2",
                                         "--no-wait", "--timeout", "2"])
    assert result.exit_code == 0, result.output
    assert re.search(rf"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ \[overcloud\.{CONTROLLER}\.1\."
                     rf"{CONTROLLER}\]: CREATE_IN_PROGRESS  state changed$", result.output, re.M)
    assert "waiting for signals: 3 deployed servers ready" in result.output
    agents = player()
    stack = agents.play("overcloud", stack_finished("CREATE"), timeout=60)
    assert stack["stack_status"] == "CREATE_COMPLETE", stack["stack_status_reason"]
    assert sorted(h for h, wave, _ in agents.signals if wave == "Bootstrap") == [
        "overcloud-controller-0", "overcloud-controller-1", "overcloud-novacompute-0"]
    assert [w for _, w, _ in agents.signals][-3:] == ["Step1"] * 3


def test_mixing_with_nova_servers_is_refused_before_anything_starts(cloud, tmp_path):
    env = tmp_path / "nova.yaml"
    env.write_text(f"resource_registry:\n  OS::TripleO::{COMPUTE}Server: OS::Nova::Server\n")
    result = CliRunner().invoke(deploy, ["-e", str(env)])
    assert result.exit_code == 1
    assert ALL_OR_NOTHING_RULE in result.output and str(env) in result.output
    assert cloud.journal.entries() == []   # not one request reached the undercloud


def test_missing_stackrc_is_a_clear_error(monkeypatch):
    for name in ("OS_AUTH_URL", "OS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(deploy, ["--plan", "short"])
    assert result.exit_code == 1
    assert "OS_AUTH_URL" in result.output and "stackrc" in result.output


def test_blocking_deploy_fails_with_heats_reasons_when_a_node_fails(cloud, tmp_path):
    env = tmp_path / "fail.yaml"
    env.write_text("parameter_defaults:\n  HostsEntryFailOn: ComputeDeployedServer-0\n")
    agents = player()

    def play():
        while agents.client.find("overcloud") is None:
            pass
        agents.play("overcloud", stack_finished("CREATE"), timeout=60)
    thread = in_background(play)
    result = CliRunner().invoke(deploy, ["--plan", "short", "-e", str(env), "--timeout", "2"])
    thread.join(timeout=60)
    assert result.exit_code == 1
    assert "overcloud CREATE_FAILED" in result.output
    assert "Deployment exited with non-zero status code: 1" in result.output
    # and what the node said on stderr, naming it
    assert ("wave HostsEntry fails on purpose on overcloud-novacompute-0 "
            "(fail_on=ComputeDeployedServer-0)") in result.output
    assert ("overcloud-novacompute-0", "HostsEntry", 1) in agents.signals


def test_scale_up_then_down_keeps_everything_else_and_drops_the_highest(cloud):
    assert CliRunner().invoke(deploy, ["--plan", "short", "--no-wait"]).exit_code == 0
    agents = player()
    agents.play("overcloud", stack_finished("CREATE"), timeout=60)
    result = CliRunner().invoke(scale, ["--count", f"{COMPUTE}=3", "--no-wait",
                                        "--address", "overcloud-novacompute-2=192.0.2.12"])
    assert result.exit_code == 0, result.output
    stack = agents.play("overcloud", stack_finished("UPDATE"), timeout=60)
    assert stack["stack_status"] == "UPDATE_COMPLETE", stack["stack_status_reason"]
    assert stack["parameters"][f"{COMPUTE}Count"] == "3"
    assert "192.0.2.12" in stack["parameters"]["DeployedServerPortMap"]
    computes = sorted(n.hostname for n in agents.nodes(stack) if "novacompute" in n.hostname)
    assert computes == [f"overcloud-novacompute-{i}" for i in range(3)]

    # Straight after the last signals: `harness scale` itself waits past their second, or the
    # update would take the old signal objects (whole-second Last-Modified) for new ones.
    before = len(agents.signals)
    stop = threading.Event()
    down = in_background(lambda: agents.play("overcloud", lambda _: stop.is_set(), timeout=60))
    result = CliRunner().invoke(scale, ["--count", f"{COMPUTE}=1", "--timeout", "2"])
    stop.set()
    down.join(timeout=60)
    assert result.exit_code == 0, result.output
    # The nodes that stay re-run the all-nodes waves: their `nodes` input changed.
    assert sorted(agents.signals[before:]) == [
        ("overcloud-controller-0", "HostsEntry", 0), ("overcloud-controller-0", "Step1", 0),
        ("overcloud-novacompute-0", "HostsEntry", 0), ("overcloud-novacompute-0", "Step1", 0)], \
        result.output
    assert "overcloud: UPDATE_COMPLETE" in result.output
    stack = agents.client.show("overcloud")
    assert [n.hostname for n in agents.nodes(stack) if "novacompute" in n.hostname] == \
        ["overcloud-novacompute-0"]
    assert stack["parameters"][f"{CONTROLLER}Count"] == "1"

