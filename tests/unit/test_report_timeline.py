"""The timeline from a synthetic journal (exact values), from a real in-process run (every time
is a journal entry's), the SVG drawn from it, and live progress in plain mode."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest

from harness.report import svg, timeline
from harness.report.progress import Progress, signal_target
from harness.report.stackview import Deployment, Server, StackView

META = "/v1/AUTH_p/ov-server-c0/meta-object"
SIGNAL = "/v1/AUTH_p/stack-uuid/overcloud-Controller-abcdefghijkl-0-abcdefghijkl-Step1Deployment-abcdefghijkl"


def entry(method, path, at, version=None, status=200, addr="192.0.2.10"):
    headers = {"X-Timestamp": f"{version:.5f}"} if version is not None else {}
    return {"service": "swift", "method": method, "path": path, "status": status,
            "started_at": at, "response_headers": headers, "remote_addr": addr}


def view_with(deployment: Deployment) -> StackView:
    return StackView(stack={"stack_status": "CREATE_IN_PROGRESS"},
                     servers={"Controller-0": Server("Controller-0", "srv", "st", META)},
                     deployments=[deployment])


def step1(status="COMPLETE", action="CREATE") -> Deployment:
    return Deployment(id="d1", server_id="srv", label="Controller-0", name="Step1",
                      resource="Step1Deployment", config_id="cfg1", action=action, status=status,
                      status_reason="", created=1000.4, updated=None, signal_path=SIGNAL)


SYNTHETIC = [
    entry("HEAD", META, 999.0, version=990.0),
    entry("GET", META, 999.1, version=990.0),         # the version before Step1 existed
    entry("HEAD", META, 1001.0, version=1000.7),      # Step1 written at 1000.7
    entry("GET", META, 1001.1, version=1000.7),       # ... fetched here
    entry("PUT", SIGNAL, 1004.0, status=401),         # a refused attempt does not count
    entry("PUT", SIGNAL, 1004.5, status=201),
    entry("HEAD", META, 1006.0, version=1005.0),      # a later wave's version
    entry("GET", META, 1006.1, version=1005.0),
]


def test_synthetic_journal_gives_exact_times():
    stats = {"Controller-0": {"cfg1": {"json": 1002.0, "notify": 1004.2}}}
    [row] = timeline.build(view_with(step1()), SYNTHETIC, stats)
    assert {k: row[k] for k in timeline.FIELDS} == {
        "available": 1000.7, "fetched": 1001.1, "hook_start": 1002.0, "hook_end": 1004.2,
        "signalled": 1004.5}
    assert [name for name, *_ in timeline.spans(row)] == ["poll wait", "agent", "hook", "signal"]


def test_without_node_data_the_fetch_is_the_last_get_before_the_signal():
    [row] = timeline.build(view_with(step1()), SYNTHETIC, {})
    assert (row["available"], row["fetched"], row["signalled"]) == (1000.7, 1001.1, 1004.5)
    assert row["hook_start"] is None
    assert [name for name, *_ in timeline.spans(row)] == ["poll wait", "agent + hook + signal"]


def test_pending_deployment_is_fetched_by_the_first_get_of_a_version_holding_it():
    [row] = timeline.build(view_with(step1(status="IN_PROGRESS")), SYNTHETIC[:4], {})
    assert (row["available"], row["fetched"], row["signalled"]) == (1000.7, 1001.1, None)


def test_never_fetched_deployment_has_no_times():
    [row] = timeline.build(view_with(step1(status="IN_PROGRESS")), SYNTHETIC[:2], {})
    assert all(row[f] is None for f in timeline.FIELDS)


def test_svg_has_a_row_per_node_bars_legend_and_axis():
    rows = timeline.build(view_with(step1()), SYNTHETIC,
                          {"Controller-0": {"cfg1": {"json": 1002.0, "notify": 1004.2}}})
    rows.append({**rows[0], "node": "Compute-0"})
    root = ET.fromstring(svg.render(rows, origin=998.0, title="demo"))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Controller-0" in texts and "Compute-0" in texts
    assert "seconds since the run started" in texts and "hook" in texts
    fills = [r.get("fill") for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert fills.count(svg.COLOURS["hook"]) == 3      # two bars + the legend's swatch
    assert fills.count(svg.COLOURS["poll wait"]) == 3


def test_signal_targets_of_member_and_group_deployments():
    roles = ["Controller", "ControllerDeployedServer", "ComputeDeployedServer"]
    assert signal_target("overcloud-ControllerDeployedServer-iv3kdkqsjhvr-0-mx7e4ojuallc-"
                         "BootstrapDeployment-dcnppwdjhw7h", "overcloud", roles) == \
        ("ControllerDeployedServer-0", "Bootstrap")
    assert signal_target("overcloud-ComputeDeployedServerHostsEntryDeployment-a3evrijp3alr-1-"
                         "gx5hf3rkuxee", "overcloud", roles) == ("ComputeDeployedServer-1", "HostsEntry")
    assert signal_target("other-Controller-abcdefghijkl-0-abcdefghijkl-X-abcdefghijkl",
                         "overcloud", roles) is None


class Journal:
    def __init__(self, entries):
        self._entries = [dict(e, seq=i + 1) for i, e in enumerate(entries)]

    def entries(self, service=None, since=0, limit=None):
        return [e for e in self._entries if e["seq"] > since]


class Ctx:
    stack_name = "overcloud"
    started = 0.0

    def __init__(self, journal):
        self.undercloud = type("U", (), {"journal": journal})()
        self.nodes = [type("N", (), {"name": "th-c0", "address": "192.0.2.10"})()]

    def label(self, node):
        return "Controller-0"


def test_progress_in_plain_mode_says_each_change_once():
    stream = io.StringIO()
    ctx = Ctx(Journal(SYNTHETIC))
    progress = Progress(ctx, stream=stream, plain=True, interval=60)
    with progress:
        progress.update("step 2: deploy")
        progress.update("2026-11-29 02:25:24Z [overcloud]: CREATE_IN_PROGRESS  Stack CREATE started")
        first = progress.poll()
        assert len(first) == 1 and "Controller-0 signalled Step1 (1 done" in first[0]
        assert progress.poll() == []        # nothing new: nothing said
    lines = stream.getvalue().splitlines()
    assert lines[:2] == ["step 2: deploy",
                         "2026-11-29 02:25:24Z [overcloud]: CREATE_IN_PROGRESS  Stack CREATE started"]
    signalled = [l for l in lines if "signalled" in l]
    assert len(signalled) == 2 and "Controller-0 signalled Step1 (1 done" in signalled[0]
    assert "wave Step1: all 1 nodes signalled" in stream.getvalue()
    assert progress.wave_summary() == "Step1 1/1"
    assert progress.status == "CREATE_IN_PROGRESS"
    assert progress.nodes["Controller-0"].last_poll == 1006.1


def test_progress_table_mode_draws_nodes_and_status():
    stream = io.StringIO()
    progress = Progress(Ctx(Journal(SYNTHETIC)), stream=stream, plain=False, interval=60)
    with progress:
        progress.update("2026-11-29 02:25:24Z [overcloud]: CREATE_COMPLETE  Stack CREATE completed")
        progress.poll()
    text = stream.getvalue()
    assert "Controller-0" in text and "Step1" in text and "overcloud: CREATE_COMPLETE" in text


def test_an_interrupted_run_keeps_its_artefacts(tmp_path):
    ctx = Ctx(Journal(SYNTHETIC))
    ctx.run_dir, ctx.heat, ctx.scenario = tmp_path, None, None
    stream = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        with Progress(ctx, stream=stream, plain=True, interval=60):
            raise KeyboardInterrupt
    summary = (tmp_path / "summary.json").read_text()
    assert "interrupted: KeyboardInterrupt" in summary
    assert (tmp_path / "journal.json").exists()
    assert f"artefacts so far: {tmp_path}" in stream.getvalue()


def test_a_signal_that_came_after_heat_gave_up_is_told_as_such():
    from harness.report.diagnose import analyse
    from harness.report.nodeview import NodeState

    cancelled = step1(status="FAILED")
    cancelled.status_reason = "Deployment cancelled."
    view = view_with(cancelled)
    view.stack = {"stack_status": "CREATE_FAILED", "stack_status_reason": "timed out"}
    ctx = Ctx(Journal([]))
    ctx.undercloud, ctx.started = None, 1000.0
    ctx.node_by_label = lambda label: None
    diagnosis = analyse(ctx, view, SYNTHETIC,
                        {"Controller-0": NodeState(True, "running", "active", {})})
    assert [(f["kind"], f["deployment"]) for f in diagnosis.findings] == [
        ("signalled-not-taken", "Step1")]
    assert "signalled at +4.5s, after Heat had given up on it" in diagnosis.text
    assert "CANCELLED Controller-0: Step1" in diagnosis.text
    assert "fix: the stack's timeout (timeout_mins" in diagnosis.text


def test_group_members_are_named_by_group_and_index():
    from harness.report.stackview import _resource_name

    inputs = {"deploy_resource_name": "0", "deploy_signal_id":
              "http://h:8080/v1/AUTH_p/c/overcloud-ComputeStep1Deployment-abcdefghijkl-0-"
              "mnopqrstuvwx?temp_url_sig=x&temp_url_expires=1"}
    assert _resource_name(inputs, "overcloud") == "ComputeStep1Deployment[0]"
    assert _resource_name({"deploy_resource_name": "HostsEntryDeployment"}, "overcloud") == \
        "HostsEntryDeployment"


def test_a_removed_node_that_still_polls_is_flagged():
    from harness.report.diagnose import analyse

    view = StackView(stack={"stack_status": "UPDATE_COMPLETE", "stack_status_reason": ""},
                     servers={}, deployments=[])
    ctx = Ctx(Journal([]))
    ctx.undercloud, ctx.started = None, 1000.0
    ctx.node_by_label = lambda label: ctx.nodes[0]
    polls = [entry("HEAD", META, 1010.0, status=404), entry("GET", META, 1011.0, status=404)]
    from harness.report.nodeview import NodeState
    diagnosis = analyse(ctx, view, polls, {"Controller-0": NodeState(True, "running")})
    assert [f["kind"] for f in diagnosis.findings] == ["removed-still-running"]
    off = analyse(ctx, view, polls, {"Controller-0": NodeState(False, "exited")})
    assert off.findings == []
    assert "2 answers 404 for its metadata, last at +11.0s" in diagnosis.text
    assert "power it off" in diagnosis.text


def test_progress_keeps_the_journal_live_and_the_artefacts_join_it(tmp_path):
    from harness.report.artefacts import kept_entries

    first, later = SYNTHETIC[:4], SYNTHETIC[4:]
    journal = Journal(first)
    ctx = Ctx(journal)
    ctx.run_dir = tmp_path
    progress = Progress(ctx, stream=io.StringIO(), plain=True, interval=60)
    progress.poll()
    journal._entries = [dict(e, seq=i + 5) for i, e in enumerate(later)]  # the first fell out
    progress.poll()
    kept = kept_entries(tmp_path)
    assert sorted(kept) == list(range(1, len(SYNTHETIC) + 1))
    assert kept[6]["method"] == "PUT" and kept[6]["status"] == 201
