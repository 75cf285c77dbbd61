"""Roles data, environments and plans: the all-or-nothing refusals and errors that name the
file and the key path."""
from __future__ import annotations

import pytest

from harness.overcloud.errors import ALL_OR_NOTHING_RULE, FileError, MixedServersError
from harness.overcloud.plans import load_plan
from harness.overcloud.render import render
from harness.overcloud.roles import load_roles

GUIDE_RULE = ("It's an all or nothing approach when using already deployed servers. Mixing using "
              "deployed servers with servers provisioned with Nova and Ironic is not currently "
              "possible.")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_default_roles_are_the_deployed_server_ones():
    roles = load_roles()
    assert [r.name for r in roles] == ["ControllerDeployedServer", "ComputeDeployedServer"]
    assert [r.count_default for r in roles] == [1, 1]
    assert roles[1].hostname("overcloud", 0) == "overcloud-novacompute-0"


def test_role_without_disable_constraints_is_refused_citing_the_guide(tmp_path):
    path = write(tmp_path, "roles.yaml", "- name: ControllerDeployedServer\n"
                 "  disable_constraints: True\n- name: Compute\n  CountDefault: 1\n")
    with pytest.raises(MixedServersError) as caught:
        load_roles(path)
    message = str(caught.value)
    assert ALL_OR_NOTHING_RULE == GUIDE_RULE
    assert GUIDE_RULE in message
    assert str(path) in message and "[1].disable_constraints" in message
    assert "role Compute" in message


@pytest.mark.parametrize("target", ["OS::Nova::Server", "OS::Ironic::Node",
                                    "../puppet/role-server.yaml"])
def test_env_mapping_a_role_server_away_from_deployed_server_is_refused(tmp_path, target):
    env = write(tmp_path, "nova.yaml", "resource_registry:\n"
                f"  OS::TripleO::ComputeDeployedServerServer: {target}\n")
    with pytest.raises(MixedServersError) as caught:
        render(environment_files=[env])
    message = str(caught.value)
    assert GUIDE_RULE in message
    assert f"{env}: resource_registry.OS::TripleO::ComputeDeployedServerServer" in message


def test_env_mapping_tht_deployed_server_path_is_accepted(tmp_path):
    env = write(tmp_path, "ds.yaml", "resource_registry:\n  OS::TripleO::ComputeDeployedServerServer:"
                " ../deployed-server/deployed-server.yaml\n")
    rendered = render(environment_files=[env])
    assert rendered.environment["resource_registry"][
        "OS::TripleO::ComputeDeployedServerServer"] == "deployed-server/deployed-server.yaml"


@pytest.mark.parametrize("text, path_part, words", [
    ("- name: 1bad\n  disable_constraints: True\n", "[0].name", "letters and digits"),
    ("- name: A\n  disable_constraints: True\n  CountDefault: -1\n", "[0].CountDefault",
     "whole number"),
    ("- name: A\n  disable_constraints: True\n  ServicesDefault: x\n", "[0].ServicesDefault",
     "list of strings"),
    ("- name: A\n  disable_constraints: True\n- name: A\n  disable_constraints: True\n",
     "[1].name", "twice"),
    ("{}", "", "non-empty list"),
])
def test_roles_errors_name_file_and_key_path(tmp_path, text, path_part, words):
    path = write(tmp_path, "roles.yaml", text)
    with pytest.raises(FileError) as caught:
        load_roles(path)
    assert str(caught.value).startswith(f"{path}: {path_part}")
    assert words in str(caught.value)


def test_env_with_unknown_section_names_file_and_section(tmp_path):
    env = write(tmp_path, "env.yaml", "parameter_defualts:\n  X: 1\n")
    with pytest.raises(FileError, match=f"{env}: parameter_defualts: unknown section"):
        render(environment_files=[env])


def test_bad_count_in_env_is_refused_naming_the_file(tmp_path):
    env = write(tmp_path, "env.yaml", "parameter_defaults:\n  ComputeDeployedServerCount: many\n")
    with pytest.raises(Exception, match=f"ComputeDeployedServerCount \\(from {env}\\)"):
        render(environment_files=[env])


@pytest.mark.parametrize("wave, path_part, words", [
    ("{name: S1, group: puppet, scope: all-nodes, config: x}", "waves[0].group", "no hook"),
    ("{name: S1, group: script, scope: everywhere, config: x}", "waves[0].scope", "per-node"),
    ("{name: 'S 1', group: script, scope: all-nodes, config: x}", "waves[0].name", "letters"),
    ("{name: S1, group: script, scope: all-nodes}", "waves[0]", "exactly one of"),
    ("{name: S1, group: hiera, scope: all-nodes, config: text}", "waves[0].config", "mapping"),
    ("{name: S1, group: script, scope: all-nodes, config: x, inputs: {nodes: 1}}",
     "waves[0].inputs.nodes", "harness gives"),
    ("{name: S1, group: script, scope: all-nodes, config: x, colour: red}", "waves[0].colour",
     "unknown key"),
    ("{name: S1, group: json-file, scope: all-nodes, config: {}, fail_on: a}", "waves[0].fail_on",
     "only script"),
    ("{name: S1, group: script, scope: all-nodes, config_file: missing.sh}",
     "waves[0].config_file", "cannot read"),
])
def test_plan_errors_name_file_and_key_path(tmp_path, wave, path_part, words):
    path = write(tmp_path, "plan.yaml", f"waves:\n  - {wave}\n")
    with pytest.raises(FileError) as caught:
        load_plan(path)
    assert str(caught.value).startswith(f"{path}: {path_part}")
    assert words in str(caught.value)


def test_per_node_wave_after_all_nodes_wave_is_refused(tmp_path):
    path = write(tmp_path, "plan.yaml", "waves:\n"
                 "  - {name: A, group: script, scope: all-nodes, config: x}\n"
                 "  - {name: B, group: script, scope: per-node, config: x}\n")
    with pytest.raises(FileError, match=r"waves\[1\]\.scope: per-node wave B"):
        load_plan(path)


def test_default_plan_has_the_realistic_waves_in_order():
    plan = load_plan()
    names = [w.name for w in plan.waves]
    assert names[:4] == ["Bootstrap", "InstanceId", "Network", "RoleData"]
    assert names[4:8] == ["HostsEntry", "AllNodes", "AllNodesValidation", "HostPrep"]
    assert names[8:] == ["Step1", "Step2", "Step3", "Step4", "Step5", "PostConfig"]
    assert {w.group for w in plan.waves} == {"script", "hiera", "json-file", "apply-config"}
    assert [w.inputs["step"] for w in plan.waves if w.name.startswith("Step")] == [1, 2, 3, 4, 5]
    assert len(load_plan("short").waves) == 3
