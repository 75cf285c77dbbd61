"""The report of a real run on pseudo-nodes: the timeline agrees with the request journal
(every `fetched` is a GET of that node's metadata object from the node's address, every
`signalled` a PUT on that deployment's signal object), hooks run between fetch and signal, and
the artefacts hold each node's agent journal and the timeline picture."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from harness.runner import RunOptions, run_scenario
from harness.runner_session import scenario_from

pytestmark = pytest.mark.docker
CONTROLLER, COMPUTE = "ControllerDeployedServer", "ComputeDeployedServer"


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    scenario = scenario_from({
        "roles": {CONTROLLER: 1, COMPUTE: 1}, "plan": "short",
        "agents": {"configure": "manual"},
        "steps": ["deploy", "configure", {"wait": {"status": "CREATE_COMPLETE", "timeout": 300}}],
        "expect": {"status": "CREATE_COMPLETE"}}, name="report-timeline")
    outcome = run_scenario(scenario, RunOptions(state_root=tmp_path_factory.mktemp("state")))
    assert outcome.passed, outcome.message
    return outcome.run_dir


def test_timeline_times_are_the_journals_requests(finished_run):
    journal = json.loads((finished_run / "journal.json").read_text())
    rows = json.loads((finished_run / "timeline.json").read_text())
    nodes = json.loads((finished_run / "summary.json").read_text())["nodes"]
    assert {row["node"] for row in rows} == {f"{CONTROLLER}-0", f"{COMPUTE}-0"}
    assert len(rows) == 6     # the short plan: 3 waves on each node
    for row in rows:
        address = nodes[row["node"]]["address"]
        gets = {e["started_at"] for e in journal if e["method"] == "GET"
                and e["path"] == row["metadata_path"] and e["remote_addr"] == address}
        puts = {e["started_at"] for e in journal if e["method"] == "PUT"
                and e["path"] == row["signal_path"] and e["remote_addr"] == address}
        assert row["fetched"] in gets, row
        assert row["signalled"] in puts, row
        # the node's own clock (file mtimes) against the undercloud's: same host, same clock
        assert row["available"] <= row["fetched"] <= row["hook_start"] <= row["hook_end"] \
            <= row["signalled"], row


def test_artefacts_hold_agent_journals_notify_files_and_the_picture(finished_run):
    for label in (f"{CONTROLLER}-0", f"{COMPUTE}-0"):
        journal = (finished_run / "nodes" / label / "os-collect-config.journal").read_text()
        assert "os-collect-config" in journal
        assert "temp_url_sig=" not in journal or "temp_url_sig=***" in journal
        assert len(list((finished_run / "nodes" / label / "heat-config").glob("*.notify.json"))) == 3
    root = ET.fromstring((finished_run / "timeline.svg").read_text())
    assert root.tag.endswith("svg")
    summary = json.loads((finished_run / "summary.json").read_text())
    assert summary["passed"] is True and summary["errors"] == []
    assert summary["stack_status"] == "CREATE_COMPLETE"
