"""Resource plugins one by one: DeployedServer with POLL_SERVER_HEAT, HEAT_SIGNAL through the
resource signal API, NO_SIGNAL, structured configs, deployment groups, ResourceGroup attributes,
OS::Heat::None / Value, and the worker thread waking on a Swift write."""
from __future__ import annotations

import json

import pytest

from fakes.keystone.errors import Unauthorized
from test_heat_engine_support import (ENVIRONMENT, FILES, OK, Cloud, cloud, joined,  # noqa: F401
                                      swift_path)

SERVER_WITH = """\
heat_template_version: rocky
parameters:
  transport: {{type: string, default: POLL_SERVER_HEAT}}
  signal: {{type: string, default: HEAT_SIGNAL}}
resources:
  server:
    type: OS::Heat::DeployedServer
    properties:
      software_config_transport: {{get_param: transport}}
  config:
    type: {config_type}
    properties:
      group: {group}
      config: {config}
  deployment:
    type: {deployment_type}
    properties:
      config: {{get_resource: config}}
      server: {{get_resource: server}}
      signal_transport: {{get_param: signal}}
      input_values: {{name: world}}
outputs:
  stdout:
    value: {{get_attr: [deployment, deploy_stdout]}}
"""


def template(config_type="OS::Heat::SoftwareConfig", group="script", config="'echo hi'",
             deployment_type="OS::Heat::SoftwareDeployment") -> str:
    return SERVER_WITH.format(config_type=config_type, group=group, config=config,
                              deployment_type=deployment_type)


def test_poll_server_heat_and_heat_signal(cloud):
    identity = cloud.engine.create_stack(cloud.tenant, "hs", template())
    cloud.engine.step()
    server = cloud.named(identity, "server")[0]
    occ = cloud.metadata(server)["os-collect-config"]
    assert occ["collectors"] == ["heat", "local"]
    heat = occ["heat"]
    assert list(heat) == ["user_id", "password", "auth_url", "project_id", "stack_id",
                          "resource_name", "region_name"]
    assert heat["stack_id"] == "hs/" + identity["stack_id"]
    assert heat["resource_name"] == "server" and heat["auth_url"].endswith("/v3")
    login = {"identity": {"methods": ["password"], "password": {
        "user": {"id": heat["user_id"], "password": heat["password"]}}}}
    assert cloud.keystone.authenticate(login).project_id == cloud.tenant
    entry = cloud.metadata(server)["deployments"][0]
    names = [i["name"] for i in entry["inputs"]]
    assert names[-5:] == ["deploy_auth_url", "deploy_username", "deploy_user_id",
                          "deploy_password", "deploy_project_id"]
    assert names[0] == "name"   # an input value without a declared input
    deployment = cloud.named(identity, "deployment")[0]
    assert cloud.engine.resource_signal(cloud.tenant, identity, "deployment", OK) is None
    cloud.engine.step()
    assert cloud.status(identity) == "CREATE_COMPLETE"
    events = [(e["resource_name"], joined(e), e["resource_status_reason"])
              for e in cloud.events(identity)]
    deployment_id = deployment["physical_resource_id"]
    assert events[-3:] == [
        ("deployment", "SIGNAL_IN_PROGRESS", f"Signal: deployment {deployment_id} succeeded"),
        ("deployment", "CREATE_COMPLETE", "state changed"),
        ("hs", "CREATE_COMPLETE", "Stack CREATE completed successfully")]
    outputs = cloud.stack(identity)["outputs"]
    assert outputs == [{"output_key": "stdout", "description": "No description given",
                        "output_value": "hi world"}]
    cloud.engine.delete_stack(cloud.tenant, identity)
    cloud.engine.step()
    with pytest.raises(Unauthorized):   # the stack user went with the server
        cloud.keystone.authenticate(login)


def test_no_signal_completes_at_once(cloud):
    identity = cloud.engine.create_stack(cloud.tenant, "ns", template(),
                                         {"transport": "POLL_TEMP_URL", "signal": "NO_SIGNAL"})
    cloud.engine.step()
    assert cloud.status(identity) == "CREATE_COMPLETE"
    deployment = cloud.engine.list_software_deployments(cloud.tenant)[0]
    assert (deployment["status"], deployment["status_reason"]) == (
        "COMPLETE", "Not waiting for outputs signal")


def test_structured_deployment_substitutes_get_input(cloud):
    config = "{greeting: {get_input: name}, action: {get_input: deploy_action}}"
    identity = cloud.engine.create_stack(
        cloud.tenant, "sd", template("OS::Heat::StructuredConfig", "os-apply-config", config,
                                     "OS::Heat::StructuredDeployment"),
        {"transport": "POLL_TEMP_URL", "signal": "NO_SIGNAL"})
    cloud.engine.step()
    entry = cloud.metadata(cloud.named(identity, "server")[0])["deployments"][0]
    assert entry["config"] == {"greeting": "world", "action": "CREATE"}
    assert entry["group"] == "os-apply-config"


DEPLOYMENT_GROUP = """\
heat_template_version: rocky
resources:
  a: {type: OS::Heat::DeployedServer}
  b: {type: OS::Heat::DeployedServer}
  config: {type: OS::Heat::SoftwareConfig, properties: {config: 'true'}}
  deploys:
    type: OS::Heat::SoftwareDeploymentGroup
    properties:
      config: {get_resource: config}
      servers: {node-a: {get_resource: a}, node-b: {get_resource: b}}
outputs:
  codes: {value: {get_attr: [deploys, deploy_status_codes]}}
"""


def test_software_deployment_group_one_member_per_server_key(cloud):
    identity = cloud.engine.create_stack(cloud.tenant, "dg", DEPLOYMENT_GROUP)
    cloud.engine.step()
    members = [r for r in cloud.rows(identity) if r.get("parent_resource") == "deploys"]
    assert [m["resource_name"] for m in members] == ["node-a", "node-b"]
    for name in ("a", "b"):
        cloud.put_signal(cloud.named(identity, name)[0], OK)
    assert cloud.status(identity) == "CREATE_COMPLETE"
    outputs = cloud.stack(identity)["outputs"]
    assert outputs[0]["output_value"] == {"node-a": 0, "node-b": 0}


NONE_AND_VALUE = """\
heat_template_version: rocky
resources:
  nothing: {type: OS::TripleO::Whatever, properties: {anything: [1, 2]}}
  value: {type: OS::Heat::Value, properties: {value: {get_resource: nothing}}}
outputs:
  v: {value: {get_attr: [value, value]}}
  n: {value: {get_attr: [nothing, whatever]}}
"""


def test_types_mapped_to_none_and_value(cloud):
    identity = cloud.engine.create_stack(
        cloud.tenant, "nv", NONE_AND_VALUE,
        environment={"resource_registry": {"OS::TripleO::*": "OS::Heat::None"}})
    cloud.engine.step()
    assert cloud.status(identity) == "CREATE_COMPLETE"
    rows = {r["resource_name"]: r for r in cloud.rows(identity)}
    assert rows["nothing"]["resource_type"] == "OS::TripleO::Whatever"
    outputs = {o["output_key"]: o["output_value"] for o in cloud.stack(identity)["outputs"]}
    assert outputs == {"v": rows["nothing"]["physical_resource_id"], "n": None}


def test_group_attributes(cloud):
    identity = cloud.create_group(count=3)
    group = cloud.engine.describe_stack_resource(cloud.tenant, identity, "Compute")
    # resource show: only removed_rsrc_list resolves, as in rg-07-resource-group
    assert group["attributes"] == {"attributes": None, "refs_map": None,
                                   "removed_rsrc_list": [], "refs": None}
    plugin = cloud.engine.stacks[identity["stack_id"]].resources["Compute"].plugin
    assert len(plugin.get_attribute("refs")) == 3
    assert set(plugin.get_attribute("refs_map")) == {"0", "1", "2"}
    assert plugin.get_attribute("resource.1.server_name") == "compute-1"
    assert plugin.get_attribute("attributes", ("server_name",)) == {
        "0": "compute-0", "1": "compute-1", "2": "compute-2"}
    server = cloud.engine.describe_stack_resource(
        cloud.tenant, cloud.named(identity, "server")[0]["stack_identity"], "server")
    assert set(server["attributes"]) == {"name", "os_collect_config"}
    assert "metadata" in server and server["description"] == ""


def test_metadata_is_re_put_when_a_deployment_is_added_through_the_api(cloud):
    identity = cloud.create_group(count=1)
    server = cloud.named(identity, "server")[0]
    url = cloud.metadata(server)["os-collect-config"]["request"]["metadata_url"]
    config = cloud.engine.create_software_config(cloud.tenant, name="aaa-extra",
                                                 group="script", config="true")
    deployment = cloud.engine.create_software_deployment(
        cloud.tenant, server["physical_resource_id"], config["id"], action="CREATE",
        status="IN_PROGRESS")
    published = json.loads(cloud.swift_get(url)[1])
    assert [d["name"] for d in published["deployments"]] == ["aaa-extra", "deploy-hello"]
    listed = cloud.engine.metadata_software_deployments(cloud.tenant,
                                                        server["physical_resource_id"])
    assert listed == published["deployments"]
    cloud.engine.delete_software_deployment(cloud.tenant, deployment["id"])
    assert [d["name"] for d in json.loads(cloud.swift_get(url)[1])["deployments"]] == \
        ["deploy-hello"]


def test_worker_thread_notices_a_signal_written_to_swift():
    world = Cloud()
    world.engine.start()
    try:
        identity = world.create_group(count=1)
        assert world.engine.wait_idle(5)
        server = world.named(identity, "server")[0]
        world.clock.advance(1)
        world.swift.put_object(*swift_path(world.signal_url(server)), json.dumps(OK).encode())
        assert world.engine.wait_idle(5)
        assert world.status(identity) == "CREATE_COMPLETE"
    finally:
        world.engine.stop()


def test_random_string_is_stable_until_its_properties_change(cloud):
    template = """\
heat_template_version: rocky
parameters:
  salt: {type: string, default: a}
resources:
  password:
    type: OS::Heat::RandomString
    properties:
      length: 12
      salt: {get_param: salt}
      character_classes: [{class: digits}]
outputs:
  ref: {value: {get_resource: password}}
  value: {value: {get_attr: [password, value]}}
"""
    identity = cloud.engine.create_stack(cloud.tenant, "rs", template)
    cloud.engine.step()
    outputs = {o["output_key"]: o["output_value"] for o in cloud.stack(identity)["outputs"]}
    assert outputs["ref"] == outputs["value"] and len(outputs["value"]) == 12
    assert outputs["value"].isdigit()
    cloud.engine.update_stack(cloud.tenant, identity, existing=True)
    cloud.engine.step()
    same = {o["output_key"]: o["output_value"] for o in cloud.stack(identity)["outputs"]}
    assert same == outputs
    cloud.engine.update_stack(cloud.tenant, identity, existing=True, params={"salt": "b"})
    cloud.engine.step()
    assert cloud.status(identity) == "UPDATE_COMPLETE"
    changed = {o["output_key"]: o["output_value"] for o in cloud.stack(identity)["outputs"]}
    assert changed["value"] != outputs["value"]


def test_removal_policies_remove_named_members_and_never_reuse_them(cloud):
    template = GROUP_POLICY
    identity = cloud.engine.create_stack(cloud.tenant, "rp", template, {"count": 3}, dict(FILES),
                                         ENVIRONMENT)
    cloud.engine.step()
    members = [r for r in cloud.rows(identity, 1) if r.get("parent_resource") == "Compute"]
    by_name = {m["resource_name"]: m["nested_stack_identity"] for m in members}
    assert sorted(by_name) == ["0", "1", "2"]
    # remove member 1 by its physical id (what `overcloud node delete` passes) and shrink
    policies = [{"resource_list": [members[1]["physical_resource_id"]]}]
    cloud.engine.update_stack(cloud.tenant, identity, existing=True,
                              params={"count": 2, "policies": policies})
    cloud.engine.step()
    remaining = [r["resource_name"] for r in cloud.rows(identity, 1)
                 if r.get("parent_resource") == "Compute"]
    assert remaining == ["0", "2"]
    group = cloud.engine.describe_stack_resource(cloud.tenant, identity, "Compute")
    assert group["attributes"]["removed_rsrc_list"] == ["1"]
    cloud.engine.update_stack(cloud.tenant, identity, existing=True, params={"count": 3})
    cloud.engine.step()
    assert [r["resource_name"] for r in cloud.rows(identity, 1)
            if r.get("parent_resource") == "Compute"] == ["0", "2", "3"]


GROUP_POLICY = """\
heat_template_version: rocky
parameters:
  count: {type: number}
  policies: {type: json, default: []}
resources:
  Compute:
    type: OS::Heat::ResourceGroup
    properties:
      count: {get_param: count}
      removal_policies: {get_param: policies}
      resource_def:
        type: OS::Test::Server
        properties:
          index: '%index%'
          config_transport: POLL_TEMP_URL
          signal_transport: NO_SIGNAL
"""
