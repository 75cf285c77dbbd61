"""Scenarios on real pseudo-nodes: the plugin's fixtures for scenarios written in Python, and the
clean-up that every run does however it ends."""
from __future__ import annotations

from pathlib import Path

import docker
import pytest

from harness.nodes.cleanup import LABEL_RUN
from harness.runner import RunOptions, run_scenario
from harness.runner_session import scenario_from
from harness.scenario.loader import load_scenario

pytestmark = pytest.mark.docker
CONTROLLER, COMPUTE = "ControllerDeployedServer", "ComputeDeployedServer"


def labelled(run_id: str) -> list[str]:
    client = docker.from_env()
    label = f"{LABEL_RUN}={run_id}"
    return ([c.name for c in client.containers.list(all=True, filters={"label": label})]
            + [n.name for n in client.networks.list(filters={"label": label})])


@pytest.mark.overcloud(roles={CONTROLLER: 1, COMPUTE: 1}, plan="short")
def test_a_scenario_written_with_the_fixtures(overcloud, undercloud, nodes):
    assert sorted(nodes) == [f"{COMPUTE}-0", f"{CONTROLLER}-0"]
    assert undercloud.endpoints.host == overcloud.run.backend.gateway
    overcloud.step("deploy")
    overcloud.step("configure", method="manual")
    overcloud.step("wait", status="CREATE_COMPLETE", timeout=300)
    polled = {entry["remote_addr"] for entry in undercloud.journal.entries(service="swift")}
    assert {node.address for node in nodes.values()} <= polled
    for node in nodes.values():
        # re-rendered by os-apply-config from merged metadata (its `key = value` style), and the
        # harness's polling interval is still there: it came from local-data
        conf = node.exec(["cat", "/etc/os-collect-config.conf"]).stdout
        assert "collectors = request" in conf and "polling_interval = 1" in conf, conf


def test_nothing_labelled_is_left_after_a_failing_scenario(tmp_path, monkeypatch):
    run_ids = []
    original = __import__("harness.runner", fromlist=["start_infrastructure"]).start_infrastructure

    def remember(run):
        try:
            original(run)
        finally:
            if run.run is not None:
                run_ids.append(run.run.run_id)
    monkeypatch.setattr("harness.runner.start_infrastructure", remember)
    scenario = scenario_from({"roles": {CONTROLLER: 1, COMPUTE: 0}, "plan": "short",
                              "steps": ["deploy", {"wait": {"status": "CREATE_COMPLETE", "timeout": 3}}],
                              "expect": {"status": "CREATE_COMPLETE"}}, name="never-configured")
    outcome = run_scenario(scenario, RunOptions(state_root=tmp_path))
    assert not outcome.passed
    assert "timed out" in outcome.message
    assert run_ids and labelled(run_ids[0]) == []


SHIPPED = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario(path):
    """`make test` runs every shipped scenario too (as `pytest scenarios/` does)."""
    outcome = run_scenario(load_scenario(path), RunOptions())
    assert outcome.passed, f"{outcome.message}\nartefacts: {outcome.run_dir}"
