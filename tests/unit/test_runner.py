"""The runner without nodes: refusals before anything starts, expectations against outcomes,
node selection, the configure method chosen, and which files the plugin collects."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.plugin import is_scenario_file
from harness.runner import RunOptions, run_scenario
from harness.runner_expect import check_expectations
from harness.runner_state import ScenarioRun, StepFailed
from harness.scenario.actions import ACTIONS, action
from harness.scenario.actions.configure import method_of
from harness.scenario.loader import Step, load_scenario
from harness.scenario.schema import STEPS

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize("name", ["all-or-nothing", "all-or-nothing-nova"])
def test_all_or_nothing_is_refused_before_any_node_starts(name, tmp_path):
    outcome = run_scenario(load_scenario(SCENARIOS / f"{name}.yaml"), RunOptions(state_root=tmp_path))
    assert outcome.passed, outcome.message
    assert "all or nothing" in outcome.message
    # no run (network, nodes, state dir with keys) was made: only the artefacts dir
    assert [p.name for p in (tmp_path / "runs").iterdir()] == [outcome.run_dir.name]


def test_a_refusal_the_scenario_did_not_expect_fails_it(tmp_path):
    scenario = load_scenario(SCENARIOS / "all-or-nothing.yaml")
    scenario.raw["expect"] = {"status": "CREATE_COMPLETE"}
    outcome = run_scenario(scenario, RunOptions(state_root=tmp_path))
    assert not outcome.passed
    assert "refused before any node started" in outcome.message


def test_every_shipped_scenario_loads_and_uses_known_actions():
    files = [p for p in SCENARIOS.glob("*.yaml")]
    assert len(files) >= 9
    for path in files:
        scenario = load_scenario(path)
        assert scenario.name == path.stem
        assert all(step.action in ACTIONS for step in scenario.steps)


def test_every_schema_action_has_a_module():
    assert set(STEPS) == set(ACTIONS)
    for name in ACTIONS:
        assert callable(action(name))


class Diagnosis:
    def __init__(self, text, findings):
        self.text, self.findings = text, findings


def _scenario(expect):
    return SimpleNamespace(name="s", get=lambda key, default=None: {"expect": expect}.get(key, default))


def test_expectations_on_status_and_diagnosis(monkeypatch):
    finding = {"kind": "deployment-failed", "node": "ComputeDeployedServer-0",
               "deployment": "Step1Config", "detail": "exit code 1; stderr: fails on purpose"}
    monkeypatch.setattr("harness.runner_report.diagnose",
                        lambda ctx: Diagnosis("fails on purpose", [finding]))
    expect = {"status": "CREATE_FAILED", "failed_node": "ComputeDeployedServer-0",
              "failed_deployment": "Step1", "exit_code": 1}
    run = SimpleNamespace(status="CREATE_FAILED")
    passed, message = check_expectations(_scenario(expect), run=run, ctx=None)
    assert passed, message
    passed, message = check_expectations(_scenario({**expect, "failed_node": "X-1"}), run=run, ctx=None)
    assert not passed and "names no failed deployment" in message
    run.status = "CREATE_COMPLETE"
    passed, message = check_expectations(_scenario(expect), run=run, ctx=None)
    assert not passed and "stack status CREATE_COMPLETE, expected CREATE_FAILED" in message


def test_a_step_error_fails_unless_expected(monkeypatch):
    monkeypatch.setattr("harness.runner_report.diagnose", lambda ctx: Diagnosis("", []))
    run = SimpleNamespace(status="CREATE_IN_PROGRESS")
    passed, message = check_expectations(_scenario({}), run=run, error="wait: timed out", ctx=None)
    assert not passed and "a step failed: wait: timed out" in message
    passed, _ = check_expectations(_scenario({"error_contains": ["timed out"]}), run=run,
                                   error="wait: timed out", ctx=None)
    assert passed
    passed, message = check_expectations(_scenario({"error_contains": ["timed out"]}), run=run, ctx=None)
    assert not passed and "every step passed" in message


def _run(**members):
    scenario = SimpleNamespace(get=lambda key, default=None: default, path=SCENARIOS / "x.yaml")
    run = ScenarioRun(scenario=scenario, options=RunOptions(), run_dir=Path("/tmp"), roles=[],
                      plan=None, environment_files=[], counts={})
    run.members = {label: SimpleNamespace(name=label) for label in members.get("members", [])}
    run.removed = {label: SimpleNamespace(name=label) for label in members.get("removed", [])}
    return run


def test_select_by_all_role_label_and_removed():
    run = _run(members=["Compute-0", "Compute-1", "Controller-0"], removed=["Compute-2"])
    names = lambda nodes: [n.name for n in nodes]  # noqa: E731
    assert names(run.select("all")) == ["Compute-0", "Compute-1", "Controller-0"]
    assert names(run.select("Compute")) == ["Compute-0", "Compute-1"]
    assert names(run.select(["Compute-2", "Controller-0"])) == ["Compute-2", "Controller-0"]
    assert names(run.select("removed")) == ["Compute-2"]
    with pytest.raises(StepFailed, match="no node 'Storage-0'; the nodes are Compute-0"):
        run.select("Storage-0")


def test_configure_script_option_replaces_the_automatic_path_only(tmp_path):
    run = _run()
    run.options = RunOptions(configure_script=str(tmp_path / "get-occ-config.sh"))
    assert method_of(run, Step("configure", {"method": "automatic"}, 0)) == (
        "script", str(tmp_path / "get-occ-config.sh"))
    assert method_of(run, Step("configure", {"method": "manual"}, 0))[0] == "manual"
    run.options = RunOptions()
    with pytest.raises(StepFailed, match="needs a script"):
        method_of(run, Step("configure", {"method": "script"}, 0))


def test_plugin_collects_scenarios_but_not_their_data(tmp_path):
    assert is_scenario_file(Path("/x/scenarios/deploy-manual.yaml"))
    assert is_scenario_file(Path("/x/scenarios/more/scale.yml"))
    assert not is_scenario_file(Path("/x/scenarios/data/roles.yaml"))
    assert not is_scenario_file(Path("/x/tests/plan.yaml"))
    assert not is_scenario_file(Path("/x/scenarios/README.md"))
    assert not is_scenario_file(Path("/x/tests/data/broken/scenarios/bad.yaml"), root=Path("/x"))
    assert is_scenario_file(Path("/data/work/scenarios/deploy.yaml"), root=Path("/data/work"))


pytest_plugins = ["pytester"]


def test_scenario_files_are_items_and_a_schema_error_is_a_collection_error(pytester):
    folder = pytester.mkdir("scenarios")
    (folder / "good.yaml").write_text("name: good\nmarkers: [fault]\nsteps: [deploy]\n")
    (folder / "bad.yaml").write_text("name: bad\nsteps: [{wait: {status: DONE}}]\n")
    result = pytester.runpytest("--collect-only", "-q", "-p", "no:cacheprovider", "scenarios")
    result.stdout.fnmatch_lines(["*scenarios/good.yaml::good*",
                                 "*bad.yaml: steps[[]0[]]: wait: status: 'DONE' does not match*"])
    result = pytester.runpytest("--collect-only", "-q", "-m", "fault and docker", "-p",
                                "no:cacheprovider", "scenarios/good.yaml")
    result.stdout.fnmatch_lines(["*scenarios/good.yaml::good*"])
