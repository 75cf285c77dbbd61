"""Rendering the overcloud template set: shape, counts, port map, and that the fake Heat's
template loader accepts every template."""
from __future__ import annotations

import textwrap

import pytest
import yaml

from harness.overcloud.errors import OvercloudError
from harness.overcloud.plans import load_plan
from harness.overcloud.render import render, role_template_name
from harness.overcloud.roles import parse_roles

template_mod = pytest.importorskip("fakes.heat.template")

CONTROLLER, COMPUTE = "ControllerDeployedServer", "ComputeDeployedServer"


def test_every_rendered_template_loads_in_the_fake_heat():
    rendered = render()
    template_mod.Template.load(rendered.template, rendered.files)
    for name, text in rendered.files.items():
        template_mod.Template.load(text, rendered.files)
    env = template_mod.Environment.load(rendered.environment, rendered.files)
    assert env.resolve_type(f"OS::TripleO::{COMPUTE}Server") == "deployed-server/deployed-server.yaml"
    assert env.resolve_type("OS::TripleO::DeployedServer::Bootstrap") == "OS::Heat::None"


def test_top_level_has_a_resource_group_per_role_with_tripleo_member_types():
    rendered = render()
    resources = rendered.template["resources"]
    for role in (CONTROLLER, COMPUTE):
        group = resources[role]
        assert group["type"] == "OS::Heat::ResourceGroup"
        assert group["properties"]["count"] == {"get_param": f"{role}Count"}
        assert group["properties"]["resource_def"]["type"] == f"OS::TripleO::{role}"
        assert rendered.environment["resource_registry"][f"OS::TripleO::{role}"] == \
            role_template_name(role_obj(role))
    assert rendered.template["parameters"][f"{CONTROLLER}Count"]["default"] == 1


def role_obj(name):
    from harness.overcloud.roles import load_roles
    return next(r for r in load_roles() if r.name == name)


def test_member_holds_server_named_after_role_and_deployed_server_nested():
    rendered = render()
    member = yaml.safe_load(rendered.files[role_template_name(role_obj(CONTROLLER))])
    server = member["resources"][CONTROLLER]
    assert server["type"] == f"OS::TripleO::{CONTROLLER}Server"
    nested = yaml.safe_load(rendered.files["deployed-server/deployed-server.yaml"])
    assert nested["resources"]["deployed-server"]["type"] == "OS::Heat::DeployedServer"
    assert nested["parameters"]["software_config_transport"]["default"] == "POLL_TEMP_URL"


def test_role_compute_gets_a_novacompute_server_resource_like_tht():
    roles = parse_roles([{"name": "Compute", "disable_constraints": True, "CountDefault": 1,
                          "HostnameFormatDefault": "%stackname%-novacompute-%index%"}], "r.yaml")
    rendered = render(roles)
    member = yaml.safe_load(rendered.files["puppet/compute-role.yaml"])
    assert member["resources"]["NovaCompute"]["type"] == "OS::TripleO::ComputeServer"
    assert rendered.hostnames == {"Compute": ["overcloud-novacompute-0"]}


def test_per_node_waves_chain_in_the_member_and_all_nodes_waves_wait_for_every_role():
    plan = load_plan()
    rendered = render(plan=plan)
    member = yaml.safe_load(rendered.files[role_template_name(role_obj(COMPUTE))])
    node_waves = [w.name for w in plan.node_waves()]
    previous = COMPUTE
    for name in node_waves:
        deployment = member["resources"][f"{name}Deployment"]
        assert deployment["depends_on"] == [previous]
        previous = f"{name}Deployment"
    resources = rendered.template["resources"]
    step2 = resources[f"{COMPUTE}Step2Deployment"]
    assert step2["type"] == "OS::Heat::SoftwareDeploymentGroup"
    assert sorted(step2["depends_on"]) == sorted([f"{CONTROLLER}Step1Deployment",
                                                  f"{COMPUTE}Step1Deployment"])
    assert step2["properties"]["servers"] == {"get_attr": [COMPUTE, "attributes", "server_id"]}
    assert step2["properties"]["input_values"]["step"] == 2
    first_top = plan.top_waves()[0].name
    assert sorted(resources[f"{CONTROLLER}{first_top}Deployment"]["depends_on"]) == \
        sorted([CONTROLLER, COMPUTE])
    all_nodes = resources[f"{CONTROLLER}AllNodesDeployment"]
    assert all_nodes["type"] == "OS::Heat::StructuredDeploymentGroup"


def test_script_waves_carry_the_wave_library_and_a_fail_on_parameter():
    rendered = render(plan="short")
    config = rendered.template["resources"]["Step1Config"]["properties"]
    assert config["group"] == "script"
    assert config["config"].startswith("#!/bin/bash\n")
    assert "fails on purpose" in config["config"]
    assert rendered.template["parameters"]["Step1FailOn"]["default"] == ""
    # String, not Number: the script hook would crash on an int in the environment
    assert {"name": "step", "type": "String"} in config["inputs"]


def test_counts_come_from_env_parameter_defaults_and_count_overrides(tmp_path):
    env = tmp_path / "counts.yaml"
    env.write_text(f"parameter_defaults:\n  {COMPUTE}Count: 2\n  {CONTROLLER}Count: 3\n")
    rendered = render(environment_files=[env])
    assert rendered.counts == {CONTROLLER: 3, COMPUTE: 2}
    assert rendered.environment["parameter_defaults"][f"{COMPUTE}Count"] == 2
    rendered = render(environment_files=[env], counts={COMPUTE: 5})
    assert rendered.counts == {CONTROLLER: 3, COMPUTE: 5}
    assert rendered.parameters[f"{COMPUTE}Count"] == 5
    assert rendered.hostnames[COMPUTE][-1] == "overcloud-novacompute-4"


def test_unknown_role_in_counts_is_refused_with_the_known_roles():
    with pytest.raises(OvercloudError, match=f"no role named 'Nope'.*{CONTROLLER}"):
        render(counts={"Nope": 1})


def test_addresses_fill_deployed_server_port_map_in_tht_shape():
    rendered = render(stack_name="oc", addresses={"oc-controller-0": "172.20.0.5"})
    assert rendered.parameters["DeployedServerPortMap"] == {
        "oc-controller-0-ctlplane": {"fixed_ips": [{"ip_address": "172.20.0.5"}],
                                     "subnets": [{"cidr": "172.20.0.0/24"}],
                                     "network": {"tags": ["172.20.0.0/24"]}}}


def test_addresses_for_hosts_that_are_not_nodes_are_refused():
    with pytest.raises(OvercloudError, match="overcloud-controller-7.*not a node"):
        render(addresses={"overcloud-controller-7": "172.20.0.5"})


def test_bad_address_is_refused():
    with pytest.raises(OvercloudError, match="not an IP address"):
        render(addresses={"overcloud-controller-0": "nowhere"})


def test_stack_body_is_what_post_stacks_takes():
    body = render().stack_body(timeout_mins=30)
    assert set(body) == {"stack_name", "template", "files", "environment", "parameters",
                         "disable_rollback", "timeout_mins"}
    assert all(isinstance(text, str) for text in body["files"].values())


def test_env_registry_template_is_shipped_in_files(tmp_path):
    (tmp_path / "extra.yaml").write_text(textwrap.dedent("""\
        heat_template_version: rocky
        resources: {}
    """))
    env = tmp_path / "env.yaml"
    env.write_text("resource_registry:\n  OS::TripleO::Extra: extra.yaml\n")
    rendered = render(environment_files=[env])
    assert "heat_template_version" in rendered.files["extra.yaml"]
    assert rendered.environment["resource_registry"]["OS::TripleO::Extra"] == "extra.yaml"


def test_every_declared_input_of_every_wave_gets_a_value():
    """55-heat-config reads `value` of every String input: none may be left without one."""
    rendered = render()
    templates = [rendered.template] + [yaml.safe_load(text) for name, text in
                                       rendered.files.items() if name.startswith("puppet/")]
    checked = 0
    for template in templates:
        resources = template["resources"]
        for resource in resources.values():
            if "Deployment" not in resource["type"]:
                continue
            props = resource["properties"]
            config = resources[props["config"]["get_resource"]]["properties"]
            declared = {item["name"] for item in config["inputs"]}
            assert declared <= set(props["input_values"]), props["name"]
            checked += 1
    assert checked == 4 * 2 + 10 * 2   # per-node waves in two role templates, top waves x roles
