"""The engine creating the real-heat ResourceGroup of deployed-server members with POLL_TEMP_URL
and TEMP_URL_SIGNAL: rows, naming, published metadata, signals, events, outputs."""
from __future__ import annotations

import json
import re

from test_heat_engine_support import OK, cloud, joined  # noqa: F401 - fixture

from fakes.heat import identifiers

SHORT = "[a-z2-7]{12}"


def test_first_rows_are_init_complete_with_empty_physical_id(cloud):
    identity = cloud.engine.create_stack(cloud.tenant, "rg", open_group(), {}, files(), env())
    rows = cloud.engine.list_stack_resources(cloud.tenant, identity)
    assert [(r["resource_name"], joined(r), r["physical_resource_id"]) for r in rows] == \
        [("Compute", "INIT_COMPLETE", "")]
    assert cloud.status(identity) == "CREATE_IN_PROGRESS"
    assert cloud.stack(identity)["stack_status_reason"] == "Stack CREATE started"


def test_nested_stacks_are_named_and_listed_like_heat(cloud):
    identity = cloud.create_group()
    rows = cloud.rows(identity)
    group, members = rows[0], rows[1:3]
    group_stack = group["nested_stack_identity"]["stack_name"]
    assert re.fullmatch(f"rg-Compute-{SHORT}", group_stack)
    assert group["physical_resource_id"] == group["nested_stack_identity"]["stack_id"]
    assert [m["resource_name"] for m in members] == ["0", "1"]
    for index, member in enumerate(members):
        assert member["parent_resource"] == "Compute"
        assert member["resource_type"] == "OS::Test::Server"
        child = member["nested_stack_identity"]["stack_name"]
        assert re.fullmatch(f"{group_stack}-{index}-{SHORT}", child)
    # own rows first, then each member stack's rows, depth first, each stack in Heat's
    # storage order (reversed dependencies), as recorded in rg-06-resources-nested5
    assert [r["resource_name"] for r in rows] == [
        "Compute", "0", "1", "deployment", "server", "config", "deployment", "server", "config"]
    servers = cloud.named(identity, "server")
    assert all(joined(s) == "CREATE_COMPLETE" for s in servers)
    assert servers[0]["required_by"] == ["deployment"]
    deployments = cloud.named(identity, "deployment")
    assert all(joined(d) == "CREATE_IN_PROGRESS" for d in deployments)


def test_short_ids_follow_heat():
    # the vectors of heat/tests/test_short_id.py
    assert identifiers.short_id("11111111-1111-4111-bfff-ffffffffffff") == "ceirceirceir"
    assert identifiers.short_id("ffffffff-ffff-4fff-8000-000000000000") == "777777777777"
    assert identifiers.short_id("00000000-0000-4000-bfff-ffffffffffff") == "aaaaaaaaaaaa"


def test_long_server_names_are_reduced_like_heat():
    name = ("overcloud-Controller-pgeu4nxsuq6r-0-5uin56wp3ign-Controller-5wkislg4kiv5-"
            "deployed-server-yc4lx2d43dmb")
    assert identifiers.reduce_name(name, 53) == \
        "ov-ntroller-5wkislg4kiv5-deployed-server-yc4lx2d43dmb"


def test_server_metadata_is_published_in_swift_with_the_deployment(cloud):
    identity = cloud.create_group()
    server = cloud.named(identity, "server")[0]
    metadata = cloud.metadata(server)
    assert list(metadata) == ["deployments", "os-collect-config"]
    occ = metadata["os-collect-config"]
    assert occ["collectors"] == ["request", "local"]
    url = occ["request"]["metadata_url"]
    container = url.split("/")[5]
    assert len(container) <= 53 and container.endswith("-server-" + container[-12:])
    info, body = cloud.swift_get(url)
    assert json.loads(body) == metadata
    entry = metadata["deployments"][0]
    assert entry["name"] == "deploy-hello" and entry["group"] == "script"
    names = [i["name"] for i in entry["inputs"]]
    assert names == ["greeting", "deploy_server_id", "deploy_action", "deploy_stack_id",
                     "deploy_resource_name", "deploy_signal_transport", "deploy_signal_id",
                     "deploy_signal_verb"]
    inputs = {i["name"]: i for i in entry["inputs"]}
    assert inputs["greeting"] == {"name": "greeting", "description": "", "type": "String",
                                  "default": "hello", "value": "hi"}
    assert inputs["deploy_server_id"]["value"] == server["physical_resource_id"]
    assert inputs["deploy_stack_id"]["value"] == "{stack_name}/{stack_id}".format(
        **server["stack_identity"])
    signal = inputs["deploy_signal_id"]["value"]
    assert signal.split("?")[0].split("/")[-2] == server["stack_identity"]["stack_id"]
    deployment = cloud.named(identity, "deployment")[0]
    assert signal.split("?")[0].endswith("-deployment-" + signal.split("?")[0][-12:])
    assert cloud.swift_get(signal)[1] == b""   # the empty placeholder Heat creates
    shown = cloud.engine.show_software_deployment(cloud.tenant,
                                                  deployment["physical_resource_id"])
    assert (shown["status"], shown["status_reason"]) == ("IN_PROGRESS", "Deploy data available")
    assert shown["config_id"] == entry["id"]


def test_signals_complete_every_level_with_heat_events(cloud):
    identity = cloud.create_group()
    first, second = cloud.named(identity, "server")
    cloud.put_signal(first, OK)
    assert cloud.status(identity) == "CREATE_IN_PROGRESS"
    cloud.put_signal(second, OK)
    assert cloud.status(identity) == "CREATE_COMPLETE"
    assert cloud.stack(identity)["stack_status_reason"] == "Stack CREATE completed successfully"
    events = cloud.events(identity, nested_depth=5)
    top = [(e["resource_name"], joined(e)) for e in events if e["stack_name"] == "rg"]
    assert top == [("rg", "CREATE_IN_PROGRESS"), ("Compute", "CREATE_IN_PROGRESS"),
                   ("Compute", "CREATE_COMPLETE"), ("rg", "CREATE_COMPLETE")]
    stack_events = [e for e in events if e["resource_type"] == "OS::Heat::Stack"]
    assert all(e["physical_resource_id"] == e["stack_identity"]["stack_id"]
               for e in stack_events)
    member = [e for e in events if e["stack_identity"] == first["stack_identity"]]
    assert [(e["resource_name"], joined(e)) for e in member] == [
        (first["stack_identity"]["stack_name"], "CREATE_IN_PROGRESS"),
        ("server", "CREATE_IN_PROGRESS"), ("server", "CREATE_COMPLETE"),
        ("config", "CREATE_IN_PROGRESS"), ("config", "CREATE_COMPLETE"),
        ("deployment", "CREATE_IN_PROGRESS"), ("deployment", "CREATE_COMPLETE"),
        (first["stack_identity"]["stack_name"], "CREATE_COMPLETE")]
    starting = member[1]
    assert starting["physical_resource_id"].startswith("rg-") and \
        len(starting["physical_resource_id"]) <= 53   # in progress: the physical name
    deployment = cloud.named(identity, "deployment")[0]
    shown = cloud.engine.show_software_deployment(cloud.tenant,
                                                  deployment["physical_resource_id"])
    assert (shown["status"], shown["status_reason"]) == ("COMPLETE", "Outputs received")
    assert shown["output_values"] == {"deploy_stdout": "hi world", "deploy_stderr": "",
                                      "deploy_status_code": 0}


def test_outputs_resolve_through_the_group(cloud):
    identity = cloud.create_group()
    outputs = {o["output_key"]: o["output_value"] for o in cloud.stack(identity)["outputs"]}
    servers = cloud.named(identity, "server")
    assert outputs["server_ids"] == [s["physical_resource_id"] for s in servers]
    assert outputs["server_names"] == ["compute-0", "compute-1"]
    members = cloud.rows(identity)[1:3]
    assert outputs["refs_map"] == {
        m["resource_name"]: "arn:openstack:heat::{tenant}:stacks/{stack_name}/{stack_id}".format(
            **m["nested_stack_identity"]) for m in members}
    assert [o["output_key"] for o in cloud.engine.list_outputs(cloud.tenant, identity)] == \
        ["refs_map", "server_ids", "server_names"]


def test_lookup_by_name_and_id_and_conflicting_name(cloud):
    identity = cloud.create_group()
    assert cloud.engine.identify_stack(cloud.tenant, "rg") == identity
    assert cloud.engine.identify_stack(cloud.tenant, identity["stack_id"]) == identity
    member = cloud.rows(identity)[1]["nested_stack_identity"]
    assert cloud.engine.identify_stack(cloud.tenant, member["stack_name"]) == member
    try:
        cloud.engine.create_stack(cloud.tenant, "rg", open_group(), {}, files(), env())
    except Exception as exc:
        assert (exc.status, exc.error_type) == (409, "StackExists")
        assert exc.message == "The Stack (rg) already exists."
    else:
        raise AssertionError("a second stack named rg was accepted")


def open_group() -> str:
    from test_heat_engine_support import GROUP_YAML
    return GROUP_YAML


def files() -> dict:
    from test_heat_engine_support import FILES
    return dict(FILES)


def env() -> dict:
    from test_heat_engine_support import ENVIRONMENT
    return ENVIRONMENT
