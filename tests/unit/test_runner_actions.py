"""Actions whose logic stands without nodes: verify_reruns on recorded heat-config state and a
journal, effects on /etc/hosts and the validation log, and the fault action's clear refusal."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from harness.nodes.base import ExecResult
from harness.runner_state import NotSupported, StepFailed
from harness.scenario.actions import reruns
from harness.scenario.actions.fault import run as fault
from harness.scenario.loader import Step

SIGNAL = "http://192.0.2.1:8080/v1/AUTH_p/c/{name}?temp_url_sig=x"


class FakeNode:
    """heat-config's deployed directory: `<id>.json` -> (mtime, inputs)."""
    def __init__(self, name):
        self.name, self.deployed = name, {}

    def run(self, config_id, mtime, action, signal):
        self.deployed[f"{config_id}.json"] = (mtime, {"deploy_action": action,
                                                      "deploy_signal_id": SIGNAL.format(name=signal)})

    def exec(self, command, user="root"):
        lines = [f"{name} {mtime}" for name, (mtime, _) in self.deployed.items()]
        return ExecResult(0, "\n".join(lines), "")

    def get_file(self, path):
        inputs = self.deployed[path.rsplit("/", 1)[-1]][1]
        return json.dumps({"inputs": [{"name": k, "value": v} for k, v in inputs.items()]}).encode()


class FakeJournal:
    def __init__(self):
        self.items = []

    def put(self, signal):
        self.items.append({"seq": len(self.items) + 1, "service": "swift", "method": "PUT",
                           "path": f"/v1/AUTH_p/c/{signal}"})

    def entries(self, service=None, since=0, limit=None):
        selected = [e for e in self.items if e["seq"] > since]
        return selected[-limit:] if limit else selected


def make_run():
    node = FakeNode("n0")
    node.run("a", "1.0", "CREATE", "hosts")
    node.run("b", "1.0", "CREATE", "step1")
    run = SimpleNamespace(members={"Compute-0": node}, removed={}, configured={"Compute-0"},
                          snapshots={}, undercloud=SimpleNamespace(journal=FakeJournal()),
                          echo=lambda line: None)
    run.all_nodes = run.members
    run.label_of = lambda n: "Compute-0"
    run.select = lambda selector: [node]
    return run, node


def test_changed_inputs_rerun_as_update_and_unchanged_ones_not_at_all():
    run, node = make_run()
    reruns.run_snapshot(run, Step("snapshot", {"name": "before"}, 0))
    node.run("a2", "2.0", "UPDATE", "hosts")          # hosts entries changed: a new derived config
    run.undercloud.journal.put("hosts")
    reruns.run_verify_reruns(run, Step("verify_reruns", {"since": "before", "expect_updates": True}, 1))


def test_an_unchanged_deployment_that_runs_again_is_flagged():
    run, node = make_run()
    reruns.run_snapshot(run, Step("snapshot", {"name": "before"}, 0))
    node.run("b", "3.0", "CREATE", "step1")           # same config id, run again
    run.undercloud.journal.put("step1")
    with pytest.raises(StepFailed, match=r"b.json ran again.*\n.*1 signal\(s\) to step1 for 0 new run"):
        reruns.run_verify_reruns(run, Step("verify_reruns", {"since": "before"}, 1))


def test_a_rerun_that_is_not_an_update_and_a_missing_snapshot_are_flagged():
    run, node = make_run()
    with pytest.raises(StepFailed, match="no snapshot 'before'"):
        reruns.run_verify_reruns(run, Step("verify_reruns", {"since": "before"}, 1))
    reruns.run_snapshot(run, Step("snapshot", {"name": "before"}, 0))
    node.run("c", "2.0", "CREATE", "hosts")
    run.undercloud.journal.put("hosts")
    with pytest.raises(StepFailed, match="new run c.json is CREATE, expected UPDATE"):
        reruns.run_verify_reruns(run, Step("verify_reruns", {"since": "before"}, 1))


def test_expecting_updates_when_none_ran_fails():
    run, _ = make_run()
    reruns.run_snapshot(run, Step("snapshot", {}, 0))
    with pytest.raises(StepFailed, match="no deployment ran again as UPDATE"):
        reruns.run_verify_reruns(run, Step("verify_reruns", {"expect_updates": True}, 1))


def test_fault_says_it_is_not_yet_supported_until_the_fault_helper_lands():
    try:
        import harness.faults  # noqa: F401
    except ModuleNotFoundError:
        with pytest.raises(NotSupported, match="not yet supported"):
            fault(SimpleNamespace(), Step("fault", {"kind": "swift-503"}, 0))
    else:
        pytest.skip("harness.faults has landed: the fault scenarios test it")
