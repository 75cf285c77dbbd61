"""Resources, events, software configs/deployments and the CFN signal through the API with the
real engine behind it, checked against what real Heat answered."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from test_heat_api_stacks import ISO, ORIGIN, HeatApi, recorded
from test_heat_engine_support import ENVIRONMENT, FILES, GROUP_YAML, OK
from werkzeug.test import Client

from fakes.heat.api import make_cfn_app


@pytest.fixture
def heat() -> HeatApi:
    api = HeatApi()
    api.create_group()
    return api


def test_nested_rows_have_real_heat_keys_and_links(heat):
    rows = heat.rows()
    real_rows = recorded("rg-06-resources-nested5")["body"]["resources"]
    # within one stack, rows come in DB order in real Heat: compare per name
    assert sorted(r["resource_name"] for r in rows) == sorted(r["resource_name"]
                                                              for r in real_rows)
    real_by_name = {r["resource_name"]: r for r in real_rows}
    for row in rows:
        real = real_by_name[row["resource_name"]]
        assert list(row) == list(real)
        assert [link["rel"] for link in row["links"]] == [link["rel"] for link in real["links"]]
        assert re.fullmatch(ISO, row["updated_time"])
    group = rows[0]
    nested = group["links"][2]["href"]
    assert nested == f"{ORIGIN}{heat.base}/stacks/{nested.split('/')[-2]}/" \
                     f"{group['physical_resource_id']}"
    assert "parent_resource" not in group
    assert {r["parent_resource"] for r in rows[1:3]} == {"Compute"}


def test_rows_before_creation_are_init_complete_with_empty_physical_id():
    api = HeatApi()
    api.call("POST", "/stacks", json={"stack_name": "rg", "template": GROUP_YAML,
                                      "environment": ENVIRONMENT, "files": dict(FILES)})
    (row,) = api.rows(query="")
    assert (row["resource_status"], row["physical_resource_id"]) == ("INIT_COMPLETE", "")
    assert row["updated_time"] == row["creation_time"]


def test_with_detail_adds_description_and_attributes_and_filters_apply(heat):
    detailed = heat.rows(query="nested_depth=5&with_detail=true")
    assert all("description" in r and "attributes" in r for r in detailed)
    servers = heat.rows(query="nested_depth=5&type=DeployedServer")
    assert [r["resource_type"] for r in servers] == ["OS::Heat::DeployedServer"] * 2
    named = heat.rows(query="nested_depth=5&name=config&name=server")
    assert sorted(r["resource_name"] for r in named) == ["config", "config", "server", "server"]


def member_stack(heat, index: str = "0") -> str:
    row = next(r for r in heat.rows() if r["resource_name"] == index)
    return next(link["href"] for link in row["links"] if link["rel"] == "nested")


def test_resource_show_has_attributes_and_never_metadata(heat):
    member = member_stack(heat)
    shown = heat.call("GET", member + "/resources/server?with_attr=os_collect_config").json
    real = recorded("rg-13b-server-resource-with-attr")["body"]["resource"]
    assert list(shown["resource"]) == list(real)
    assert set(shown["resource"]["attributes"]) == {"name", "os_collect_config"}
    assert "metadata" not in shown["resource"]
    missing = heat.call("GET", member + "/resources/nope")
    assert missing.status_code == 404
    assert missing.json["error"]["message"].startswith("The Resource (nope) could not be found")


def test_metadata_is_a_dict_with_deployments_and_collector_config(heat):
    member = member_stack(heat)
    metadata = heat.call("GET", member + "/resources/server/metadata").json["metadata"]
    assert list(metadata) == ["deployments", "os-collect-config"]
    assert heat.call("GET", member + "/resources/config/metadata").json == {"metadata": {}}


def test_signal_answers_null_and_completes_the_stack(heat):
    heat.signal_deployments()
    assert heat.stack()["stack_status"] == "CREATE_COMPLETE"
    member = member_stack(heat)
    refused = heat.call("POST", member + "/resources/config/signal", json={})
    assert refused.status_code == 400
    assert refused.json["error"]["type"] == "ResourceActionNotSupported"


def test_events_newest_first_with_root_stack_link_only_for_nested_depth(heat):
    heat.signal_deployments()
    stack_id = heat.stack()["id"]
    nested = heat.call("GET", f"/stacks/rg/{stack_id}/events?nested_depth=5").json["events"]
    real = recorded("rg-25-events-nested5-complete")["body"]["events"]
    assert list(nested[0]) == list(real[0])
    assert [link["rel"] for link in nested[0]["links"]] == [
        "self", "resource", "stack", "root_stack"]
    assert (nested[0]["resource_name"], nested[0]["resource_status"]) == (
        "rg", "CREATE_COMPLETE")
    signals = [e for e in nested if e["resource_status"] == "SIGNAL_IN_PROGRESS"]
    assert len(signals) == 2
    assert all(e["resource_status_reason"].startswith("Signal: deployment ") for e in signals)
    top = heat.call("GET", f"/stacks/rg/{stack_id}/events?sort_dir=asc").json["events"]
    assert [link["rel"] for link in top[0]["links"]] == ["self", "resource", "stack"]
    assert top[0]["resource_status_reason"] == "Stack CREATE started"


def test_resource_events_one_event_and_404_when_none(heat):
    member = member_stack(heat)
    events = heat.call("GET", member + "/resources/deployment/events").json["events"]
    assert [e["resource_status"] for e in events] == ["CREATE_IN_PROGRESS"]
    one = heat.call("GET", events[0]["links"][0]["href"]).json["event"]
    assert one["id"] == events[0]["id"] and "resource_properties" in one
    none = heat.call("GET", member + "/resources/nothing/events")
    assert none.status_code == 404


def test_software_deployment_routes_match_real_heat(heat):
    listed = heat.call("GET", "/software_deployments").json["software_deployments"]
    assert len(listed) == 2
    real = recorded("rg-19-software-deployment-show")["body"]["software_deployment"]
    shown = heat.call("GET", f"/software_deployments/{listed[0]['id']}").json
    assert list(shown["software_deployment"]) == list(real)
    server_id = listed[0]["server_id"]
    by_server = heat.call("GET", f"/software_deployments?server_id={server_id}").json
    assert [d["server_id"] for d in by_server["software_deployments"]] == [server_id]
    metadata = heat.call("GET", f"/software_deployments/metadata/{server_id}").json
    assert [c["name"] for c in metadata["metadata"]] == ["deploy-hello"]
    config = heat.call("GET", f"/software_configs/{listed[0]['config_id']}").json
    assert list(config["software_config"]) == list(
        recorded("rg-19d-software-config-show")["body"]["software_config"])


def test_software_config_and_deployment_create_update_delete(heat):
    created = heat.call("POST", "/software_configs", json={"name": "c", "group": "script",
                                                           "config": "#!/bin/sh\n"})
    assert created.status_code == 200
    config = created.json["software_config"]
    assert (config["inputs"], config["outputs"], config["options"]) == ([], [], {})
    listed = heat.call("GET", "/software_configs").json["software_configs"]
    assert config["id"] in [c["id"] for c in listed]
    assert all(set(c) <= {"id", "name", "group", "creation_time", "project"} for c in listed)
    server_id = heat.call("GET", "/software_deployments").json[
        "software_deployments"][0]["server_id"]
    deployment = heat.call("POST", "/software_deployments", json={
        "config_id": config["id"], "server_id": server_id, "action": "CREATE",
        "status": "IN_PROGRESS"})
    assert deployment.status_code == 200
    deployment_id = deployment.json["software_deployment"]["id"]
    updated = heat.call("PUT", f"/software_deployments/{deployment_id}",
                        json={"status": "COMPLETE", "output_values": OK})
    assert updated.status_code == 200
    assert updated.json["software_deployment"]["status"] == "COMPLETE"
    assert "updated_time" in updated.json["software_deployment"]
    assert heat.call("DELETE", f"/software_deployments/{deployment_id}").status_code == 204
    assert heat.call("DELETE", f"/software_configs/{config['id']}").status_code == 204
    assert heat.call("GET", f"/software_configs/{config['id']}").status_code == 404


def test_cfn_signal_by_arn_completes_a_deployment(heat):
    cfn = Client(make_cfn_app(heat.engine, heat.keystone))
    member = member_stack(heat)
    name, stack_id = member.rsplit("/", 2)[-2:]
    arn = f"arn:openstack:heat::{heat.tenant}:stacks/{name}/{stack_id}/resources/deployment"
    query = "Timestamp=2026-11-29T01%3A00%3A00Z&SignatureMethod=HmacSHA256" \
            "&AWSAccessKeyId=abc&SignatureVersion=2&Signature=sig"
    response = cfn.post(f"/v1/signal/{quote(arn, safe='')}?{query}", json=OK)
    assert (response.status_code, response.data) == (200, b"null")
    heat.engine.step()
    row = next(r for r in heat.rows() if r["links"][1]["href"] == member
               and r["resource_name"] == "deployment")
    assert row["resource_status"] == "CREATE_COMPLETE"


def test_a_stack_user_may_only_look_up_read_metadata_and_signal(heat):
    """What a deployed server's agents log in as (POLL_SERVER_HEAT / HEAT_SIGNAL users)."""
    member = member_stack(heat)
    user_id = heat.keystone.create_user("agent", "pw", heat.tenant)
    heat.token = heat.keystone.authenticate({"identity": {"methods": ["password"], "password": {
        "user": {"id": user_id, "password": "pw"}}}})
    assert heat.call("GET", "/stacks/rg").status_code == 302
    metadata = heat.call("GET", member + "/resources/server/metadata")
    assert metadata.status_code == 200 and "deployments" in metadata.json["metadata"]
    assert heat.call("POST", member + "/resources/deployment/signal", json=OK).status_code == 200
    for path, action in ((member + "/resources", "resource:index"), ("/stacks", "stacks:index"),
                         ("/software_deployments", "software_deployments:index"),
                         (member + "/template", "stacks:template")):
        refused = heat.call("GET", path)
        assert refused.status_code == 403
        assert refused.json == {
            "code": 403, "title": "Forbidden", "explanation": "Access was denied to this resource.",
            "error": {"type": "Forbidden", "traceback": None,
                      "message": f"You are not authorized to use {action}."}}
