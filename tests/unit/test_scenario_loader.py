import pytest

from harness.scenario import ScenarioError, load_scenario
from harness.scenario.loader import key_path

GOOD = """
name: deploy-small
roles: {ControllerDeployedServer: 1, ComputeDeployedServer: 1}
agents: {configure: manual, polling_interval: 1}
steps:
  - check: {stage: pre-deploy}
  - deploy
  - configure: {nodes: all}
  - wait: {status: CREATE_COMPLETE, timeout: 300}
expect: {status: CREATE_COMPLETE}
"""


def write(tmp_path, text, name="scenario.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_good_scenario_loads_with_its_steps_in_order(tmp_path):
    scenario = load_scenario(write(tmp_path, GOOD))
    assert scenario.name == "deploy-small"
    assert [step.action for step in scenario.steps] == ["check", "deploy", "configure", "wait"]
    assert scenario.steps[3].args == {"status": "CREATE_COMPLETE", "timeout": 300}
    assert scenario.steps[1].args == {}


@pytest.mark.parametrize("text, expected", [
    ("name: x\nsteps: [{wait: {status: DONE}}]\n", "steps[0]: wait: status: 'DONE' does not match"),
    ("name: x\nsteps: [{bogus: 1}]\n", "steps[0]: unknown action 'bogus'"),
    ("name: x\nsteps: [wait]\n", "steps[0]: wait needs arguments: status"),
    ("name: x\nsteps: [deploy]\nfoo: 1\n", "(top level): Additional properties are not allowed ('foo' was unexpected)"),
    ("name: x\nroles: {Compute: -1}\nsteps: [deploy]\n", "roles.Compute: -1 is less than the minimum of 0"),
    ("name: x\n", "(top level): 'steps' is a required property"),
    ("name: Bad Name\nsteps: [deploy]\n", "name: 'Bad Name' does not match"),
    ("name: x\nsteps: [{configure: {method: telepathy}}]\n", "steps[0]: configure: method: 'telepathy' is not one of"),
])
def test_each_error_names_the_file_and_the_key_path(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert f"{path}: {expected}" in str(error.value)


def test_yaml_syntax_errors_give_the_line(tmp_path):
    path = write(tmp_path, "name: x\nsteps: [deploy\n")
    with pytest.raises(ScenarioError, match=r"not valid YAML at line \d+, column \d+"):
        load_scenario(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ScenarioError, match="nothing.yaml: cannot read the scenario file"):
        load_scenario(tmp_path / "nothing.yaml")


def test_key_path_renders_indexes_and_keys():
    assert key_path(["steps", 2, "wait", "timeout"]) == "steps[2].wait.timeout"
    assert key_path([]) == "(top level)"


SCALE_AND_VERIFY = """
name: scale-small
roles: {ComputeDeployedServer: 2}
parameters: {Step1FailOn: ComputeDeployedServer-0}
steps:
  - deploy
  - snapshot: {name: before}
  - scale: {counts: {ComputeDeployedServer: 1}}
  - power_off: {nodes: removed}
  - verify_removed: {nodes: [ComputeDeployedServer-1], powered_off: true}
  - scale: {counts: {ComputeDeployedServer: 2}, reuse: [ComputeDeployedServer-1]}
  - verify_reruns: {since: before}
  - verify_effects
expect: {error_contains: [reprovisioned], waiting_node: ComputeDeployedServer-1, refused: false}
"""


def test_scale_verify_steps_and_expectations_load(tmp_path):
    scenario = load_scenario(write(tmp_path, SCALE_AND_VERIFY))
    assert [s.action for s in scenario.steps][-3:] == ["scale", "verify_reruns", "verify_effects"]
    assert scenario.steps[5].args["reuse"] == ["ComputeDeployedServer-1"]
    assert scenario.get("parameters") == {"Step1FailOn": "ComputeDeployedServer-0"}


@pytest.mark.parametrize("text, expected", [
    ("name: x\nsteps: [{verify_removed: {powered: true}}]\n",
     "steps[0]: verify_removed: Additional properties are not allowed ('powered' was unexpected); "
     "allowed keys: nodes, powered_off"),
    ("name: x\nsteps: [{power_off: {nodes: 'Compute 1'}}]\n", "steps[0]: power_off: nodes: 'Compute 1' is not valid"),
    ("name: x\nsteps: [deploy]\nexpect: {refused: maybe}\n", "expect.refused: 'maybe' is not of type 'boolean'"),
])
def test_errors_in_the_new_steps_name_the_key_path(tmp_path, text, expected):
    with pytest.raises(ScenarioError) as error:
        load_scenario(write(tmp_path, text))
    assert expected in str(error.value)
