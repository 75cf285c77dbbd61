"""harness.report against the fake undercloud served in-process (responses; no sockets): a real
stack and request journal made by `harness deploy` and the agent player, with fake nodes that
answer what a pseudo-node would (heat-config state, agent status, journal)."""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field

import pytest
import requests
from click.testing import CliRunner

pytest.importorskip("fakes.heat.engine")

from fakes.undercloud import Undercloud  # noqa: E402
from harness.agents import deployed_servers  # noqa: E402
from harness.nodes.base import ExecResult  # noqa: E402
from harness.overcloud.cli import deploy  # noqa: E402
from harness.overcloud.client import HeatClient, connect  # noqa: E402
from harness.overcloud.player import AgentPlayer, stack_finished  # noqa: E402
from harness.report import RunContext, diagnose  # noqa: E402
from harness.report.stackview import gather  # noqa: E402

CONTROLLER, COMPUTE = "ControllerDeployedServer", "ComputeDeployedServer"
PASSWORD = "s3cret-Passw0rd-for-report"


@dataclass
class FakeNode:
    """Answers like a pseudo-node: `deployed` is config id -> {json, notify, notify_text}."""
    name: str
    address: str
    status_text: str = "running"
    agent: str = "active"
    deployed: dict = field(default_factory=dict)
    journal_text: str = "-- No entries --"
    connects: bool = True          # can it open a connection to the undercloud


    def status(self) -> str:
        return self.status_text

    def exec(self, command, user="root") -> ExecResult:
        if command[0] == "python3" and "socket" in command[2]:
            return ExecResult(0 if self.connects else 1, "", "" if self.connects else "timed out")
        if command[0] == "python3":
            return ExecResult(0, json.dumps(self.deployed), "")
        if command[:2] == ["systemctl", "is-active"]:
            return ExecResult(0 if self.agent == "active" else 3, self.agent + "\n", "")
        raise AssertionError(f"unexpected command {command}")

    def journal(self, unit: str) -> str:
        return self.journal_text


@pytest.fixture
def undercloud_password():
    return PASSWORD


def deploy_short(*extra: str) -> None:
    result = CliRunner().invoke(deploy, ["--plan", "short", "--no-wait",
                                         "--count", f"{CONTROLLER}=2", *extra])
    assert result.exit_code == 0, result.output


LABELS = [f"{CONTROLLER}-0", f"{CONTROLLER}-1", f"{COMPUTE}-0"]


def make_ctx(undercloud, tmp_path, **overrides) -> RunContext:
    nodes = {label: overrides.get(label) or FakeNode(f"th-t-{label.lower()}", f"192.0.2.{i + 10}")
             for i, label in enumerate(LABELS)}
    return RunContext(scenario=None, run_dir=tmp_path, undercloud=undercloud,
                      heat=HeatClient(connect()), stack_name="overcloud",
                      nodes=list(nodes.values()),
                      node_names={node.name: label for label, node in nodes.items()},
                      started=0.0)


def player_nodes(player: AgentPlayer, labels: list[str]):
    """The player's nodes for some labels (its hostnames are overcloud-<role>-<index>)."""
    stack = player.client.show("overcloud")
    wanted = {"overcloud-controller-0": f"{CONTROLLER}-0",
              "overcloud-controller-1": f"{CONTROLLER}-1",
              "overcloud-novacompute-0": f"{COMPUTE}-0"}
    return [n for n in player.nodes(stack) if wanted.get(n.hostname) in labels]


def test_failed_deployment_names_node_deployment_exit_code_and_stderr(cloud, tmp_path):
    env = tmp_path / "fail.yaml"
    env.write_text(f"parameter_defaults:\n  HostsEntryFailOn: {COMPUTE}-0\n")
    deploy_short("-e", str(env))
    player = AgentPlayer(HeatClient(connect()))
    stack = player.play("overcloud", stack_finished("CREATE"), timeout=60)
    assert stack["stack_status"] == "CREATE_FAILED"
    diagnosis = diagnose(make_ctx(cloud, tmp_path))
    failed = [f for f in diagnosis.findings if f["kind"] == "deployment-failed"]
    assert [(f["node"], f["deployment"]) for f in failed] == [(f"{COMPUTE}-0", "HostsEntry")]
    assert "exit code 1" in failed[0]["detail"] and "fails on purpose" in failed[0]["detail"]
    assert f"FAILED  {COMPUTE}-0 (th-t-{COMPUTE.lower()}-0, 192.0.2.12): deployment HostsEntry" \
        in diagnosis.text
    assert "fail_on=ComputeDeployedServer-0" in diagnosis.text   # the stderr tail
    assert f"artefacts: {tmp_path}" in diagnosis.text


def test_unconfigured_node_is_named_with_the_deployments_waiting_for_it(cloud, tmp_path):
    deploy_short()
    player = AgentPlayer(HeatClient(connect()))
    player.play_round(player_nodes(player, LABELS[:2]))
    silent = FakeNode(f"th-t-{COMPUTE.lower()}-0", "192.0.2.12", agent="inactive")
    diagnosis = diagnose(make_ctx(cloud, tmp_path, **{f"{COMPUTE}-0": silent}))
    assert diagnosis.findings == [{
        "kind": "metadata-never-fetched", "node": f"{COMPUTE}-0", "deployment": "Bootstrap",
        "detail": diagnosis.findings[0]["detail"]}]
    assert "os-collect-config is inactive" in diagnosis.text
    assert f"WAITING {COMPUTE}-0 (th-t-{COMPUTE.lower()}-0, 192.0.2.12): Bootstrap" in diagnosis.text


def test_partitioned_node_is_told_from_an_unconfigured_one(cloud, tmp_path):
    deploy_short()
    player = AgentPlayer(HeatClient(connect()))
    player.play_round(player_nodes(player, LABELS[:2]))
    cut = FakeNode(f"th-t-{COMPUTE.lower()}-0", "192.0.2.12", connects=False)
    diagnosis = diagnose(make_ctx(cloud, tmp_path, **{f"{COMPUTE}-0": cut}))
    assert [f["kind"] for f in diagnosis.findings] == ["metadata-never-fetched"]
    assert "cannot connect to 127.0.0.1:8080 (partitioned or firewalled)" in diagnosis.text


def test_powered_off_node_is_reported_as_down(cloud, tmp_path):
    deploy_short()
    off = FakeNode(f"th-t-{COMPUTE.lower()}-0", "192.0.2.12", status_text="exited")
    diagnosis = diagnose(make_ctx(cloud, tmp_path, **{f"{COMPUTE}-0": off}))
    kinds = {f["node"]: f["kind"] for f in diagnosis.findings}
    assert kinds[f"{COMPUTE}-0"] == "node-down"
    assert "the node is exited" in diagnosis.text and "power the node on" in diagnosis.text


def test_fetched_then_ran_or_not_and_rejected_signals_are_told_apart(cloud, tmp_path):
    deploy_short()
    heat = HeatClient(connect())
    view = gather(heat, "overcloud")
    refs = deployed_servers(heat, "overcloud")
    for ref in refs.values():   # every agent fetches its metadata, none signals
        assert requests.get(ref.metadata_url, timeout=5).status_code == 200
    by_label = {d.label: d for d in view.deployments}
    ran = by_label[f"{CONTROLLER}-0"]
    config = heat.heat.request(f"/software_configs/{by_label[f'{COMPUTE}-0'].config_id}",
                               "GET").json()["software_config"]
    signal_url = next(i["value"] for i in config["inputs"] if i["name"] == "deploy_signal_id")
    forged = re.sub(r"temp_url_sig=\w+", "temp_url_sig=" + "0" * 40, signal_url)
    assert requests.put(forged, data=b"{}", timeout=5).status_code == 401
    nodes = {f"{CONTROLLER}-0": FakeNode("th-t-c0", "192.0.2.10", deployed={
        ran.config_id: {"json": 1.0, "notify": 2.0,
                        "notify_text": '{"deploy_status_code": 0}'}})}
    diagnosis = diagnose(make_ctx(cloud, tmp_path, **nodes))
    kinds = {f["node"]: f["kind"] for f in diagnosis.findings}
    assert kinds == {f"{CONTROLLER}-0": "ran-not-signalled",
                     f"{CONTROLLER}-1": "fetched-not-run", f"{COMPUTE}-0": "signal-rejected"}
    assert "401: Temp URL invalid: expired or wrong key" in diagnosis.text
    assert 'would have signalled: {"deploy_status_code": 0}' in diagnosis.text


def test_completed_stack_has_nothing_to_report(cloud, tmp_path):
    deploy_short()
    AgentPlayer(HeatClient(connect())).play("overcloud", stack_finished("CREATE"), timeout=60)
    diagnosis = diagnose(make_ctx(cloud, tmp_path))
    assert diagnosis.findings == []
    assert diagnosis.text.startswith("overcloud: CREATE_COMPLETE")
    assert "nothing wrong found" in diagnosis.text


def test_artefacts_are_written_and_no_secret_survives_in_any_of_them(cloud, tmp_path):
    deploy_short()
    heat = HeatClient(connect())
    AgentPlayer(heat).play("overcloud", stack_finished("CREATE"), timeout=60)
    token = heat.heat.get_token()
    url = deployed_servers(heat, "overcloud")[(COMPUTE, 0)].metadata_url
    signature = re.search(r"temp_url_sig=(\w+)", url)[1]
    leaky = FakeNode(f"th-t-{COMPUTE.lower()}-0", "192.0.2.12", journal_text=(
        f"2026-11-29T02:25:24+0000 os-collect-config[1]: metadata_url={url}\n"
        f"os-collect-config[1]: X-Auth-Token: {token} password {PASSWORD}\n"),
        deployed={"cfg": {"json": 1.0, "notify": 2.0,
                          "notify_text": f'{{"deploy_stdout": "{PASSWORD} curl -X PUT {url}"}}'}})
    ctx = make_ctx(cloud, tmp_path / "run", **{f"{COMPUTE}-0": leaky})
    outcome = {"scenario": "demo", "passed": False, "status": "CREATE_COMPLETE",
               "error": f"OS_PASSWORD={PASSWORD} token {token}", "seconds": 3.2,
               "steps": [{"action": "deploy", "args": {}, "seconds": 1.5, "error": None}]}
    from harness.report import Progress, write_artefacts
    (tmp_path / "run").mkdir()
    Progress(ctx, stream=io.StringIO(), plain=True).poll()   # the live copy: journal.jsonl
    summary_path = write_artefacts(ctx, outcome)
    summary = json.loads(summary_path.read_text())
    assert summary["errors"] == [] and summary["stack_status"] == "CREATE_COMPLETE"
    written = sorted(p.relative_to(tmp_path / "run").as_posix()
                     for p in (tmp_path / "run").rglob("*") if p.is_file())
    for name in ("summary.json", "journal.json", "journal.jsonl", "events.json", "events.txt", "timeline.json",
                 "timeline.svg", "diagnosis.txt",
                 f"nodes/{COMPUTE}-0/os-collect-config.journal",
                 f"nodes/{COMPUTE}-0/heat-config/cfg.notify.json"):
        assert name in written
    assert not [name for name in written if "/." in name or name.startswith(".")]  # no temp left
    for path in (tmp_path / "run").rglob("*"):
        if path.is_file():
            text = path.read_text()
            for secret in (PASSWORD, token, signature):
                assert secret not in text, f"{secret[:6]}... in {path}"
    assert "CREATE_IN_PROGRESS  state changed" in (tmp_path / "run/events.txt").read_text()
    assert summary["steps"][0]["seconds"] == 1.5


def test_timeline_times_are_journal_entries_of_each_nodes_objects(cloud, tmp_path):
    deploy_short()
    heat = HeatClient(connect())
    AgentPlayer(heat).play("overcloud", stack_finished("CREATE"), timeout=60)
    from harness.report import timeline
    view = gather(heat, "overcloud")
    entries = cloud.journal.entries(service="swift")
    rows = timeline.build(view, entries, {})
    assert len(rows) == len(view.deployments) == 9     # 3 nodes x 3 waves of the short plan
    for row in rows:
        server = view.servers[row["node"]]
        deployment = next(d for d in view.deployments
                          if d.label == row["node"] and d.config_id == row["config_id"])
        gets = {e["started_at"] for e in entries
                if e["path"] == server.metadata_path and e["method"] == "GET"}
        puts = {e["started_at"] for e in entries
                if e["path"] == deployment.signal_path and e["method"] == "PUT"}
        assert row["fetched"] in gets and row["signalled"] in puts
        assert row["available"] <= row["fetched"] <= row["signalled"]
