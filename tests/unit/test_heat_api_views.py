"""The views turn engine-format dicts back into exactly what real Heat answered.

Each test takes a recorded real-Heat response (reference/real-heat/traces), rebuilds the
engine-format dict real Heat's engine would have handed its API (identities, action and status
apart, the keys the API drops), runs the view and compares with the recording — values and
key order.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fakes.heat import views, views_resources
from fakes.heat.api_common import Links

TRACES = Path("/work/shared/reference/real-heat/traces")
LINKS = Links("http://127.0.0.1:8006/v1/")

pytestmark = pytest.mark.skipif(not TRACES.is_dir(), reason="real-heat traces not present")


def trace_body(name: str) -> dict:
    return json.loads((TRACES / f"{name}.json").read_text())["response"]["body"]


def identity_of(href: str) -> dict:
    rest = href[len(LINKS.base):]
    tenant, _, name, stack_id, *path = rest.split("/")
    return {"tenant": tenant, "stack_name": name, "stack_id": stack_id, "path": "/".join(path)}


def link(row: dict, rel: str) -> str | None:
    return next((item["href"] for item in row["links"] if item["rel"] == rel), None)


def engine_resource(row: dict) -> dict:
    """What heat/engine/api.py format_stack_resource returns for an API row."""
    action, status = row["resource_status"].split("_", 1)
    engine = {
        "updated_time": row["updated_time"], "creation_time": row["creation_time"],
        "resource_name": row["resource_name"],
        "physical_resource_id": row["physical_resource_id"],
        "resource_action": action, "resource_status": status,
        "resource_status_reason": row["resource_status_reason"],
        "resource_type": row["resource_type"],
        "resource_identity": identity_of(link(row, "self")),
        "stack_identity": identity_of(link(row, "stack")),
        "stack_name": identity_of(link(row, "stack"))["stack_name"],
        "required_by": row["required_by"],
        "metadata": {"must": "not show"},
        "description": row.get("description", ""),
        "attributes": row.get("attributes", {"hidden": "unless detail"}),
    }
    if link(row, "nested"):
        engine["nested_stack_identity"] = identity_of(link(row, "nested"))
    if "parent_resource" in row:
        engine["parent_resource"] = row["parent_resource"]
    return engine


@pytest.mark.parametrize("trace", ["rg-05-resources", "rg-24-resources-nested5-complete",
                                   "rg-32-resources-nested5-update-waiting"])
def test_resource_list_rows_match_real_heat(trace):
    recorded = trace_body(trace)["resources"]
    rebuilt = views_resources.resource_list(LINKS, [engine_resource(r) for r in recorded],
                                            detail=False)["resources"]
    assert rebuilt == recorded
    assert [list(row) for row in rebuilt] == [list(row) for row in recorded]


def test_resource_list_with_detail_adds_description_and_attributes():
    recorded = trace_body("rg-06b-resources-nested5-with-detail")["resources"]
    rebuilt = views_resources.resource_list(LINKS, [engine_resource(r) for r in recorded],
                                            detail=True)["resources"]
    assert rebuilt == recorded
    assert all("metadata" not in row and "stack_name" not in row for row in rebuilt)


@pytest.mark.parametrize("trace", ["rg-07-resource-group", "rg-13b-server-resource-with-attr",
                                   "rg-15-deployment-resource-waiting"])
def test_resource_show_matches_real_heat(trace):
    recorded = trace_body(trace)["resource"]
    assert views_resources.resource_show(LINKS, engine_resource(recorded)) == {
        "resource": recorded}


def test_resource_without_physical_id_or_update_time():
    row = engine_resource(trace_body("rg-07-resource-group")["resource"])
    row.update(physical_resource_id=None, updated_time=None, resource_action="INIT",
               resource_status="COMPLETE")
    shown = views_resources.resource_view(LINKS, row, detail=False)
    assert shown["physical_resource_id"] == ""
    assert shown["updated_time"] == shown["creation_time"]
    assert shown["resource_status"] == "INIT_COMPLETE"


def test_metadata_is_never_null():
    assert views_resources.resource_metadata(None) == {"metadata": {}}
    assert views_resources.resource_metadata({"deployments": []}) == {
        "metadata": {"deployments": []}}


def engine_event(row: dict, with_root: bool) -> dict:
    action, status = row["resource_status"].split("_", 1)
    stack = identity_of(link(row, "stack"))
    engine = {
        "id": row["id"], "event_identity": identity_of(link(row, "self")),
        "stack_identity": stack, "stack_name": stack["stack_name"],
        "event_time": row["event_time"], "resource_name": row["resource_name"],
        "logical_resource_id": row["resource_name"],
        "physical_resource_id": row["physical_resource_id"],
        "resource_action": action, "resource_status": status,
        "resource_status_reason": row["resource_status_reason"],
        "resource_type": "OS::Heat::Stack", "resource_properties": {},
    }
    if with_root:
        engine["root_stack_identity"] = identity_of(link(row, "root_stack"))
    return engine


@pytest.mark.parametrize("trace,nested", [("rg-25b-events-top-complete", False),
                                          ("rg-17c-resource-events", False),
                                          ("rg-25-events-nested5-complete", True),
                                          ("rg-35-events-nested5-after-update", True)])
def test_event_list_matches_real_heat(trace, nested):
    recorded = trace_body(trace)["events"]
    root = identity_of(link(recorded[0], "root_stack")) if nested else None
    rebuilt = views_resources.event_list(
        LINKS, [engine_event(row, nested) for row in recorded], root)["events"]
    assert rebuilt == recorded
    assert [list(row) for row in rebuilt] == [list(row) for row in recorded]


def test_event_without_nested_depth_has_no_root_stack_link_even_if_engine_sends_one():
    row = trace_body("rg-25-events-nested5-complete")["events"][0]
    shown = views_resources.event_view(LINKS, engine_event(row, with_root=True))
    assert [item["rel"] for item in shown["links"]] == ["self", "resource", "stack"]


def test_event_show_adds_type_and_properties():
    row = trace_body("rg-17c-resource-events")["events"][0]
    shown = views_resources.event_show(LINKS, engine_event(row, False))["event"]
    assert shown["resource_type"] == "OS::Heat::Stack"
    assert shown["resource_properties"] == {}


def engine_stack(body: dict) -> dict:
    action, status = body["stack_status"].split("_", 1)
    engine = {key: value for key, value in body.items() if key not in ("id", "links")}
    engine.update(stack_identity=identity_of(link(body, "self")), stack_action=action,
                  stack_status=status)
    return engine


@pytest.mark.parametrize("trace", ["rg-23-stack-complete", "rg-31-stack-update-in-progress",
                                   "rg-42-get-after-delete-by-id"])
def test_stack_show_matches_real_heat(trace):
    recorded = trace_body(trace)["stack"]
    rebuilt = views.stack_show(LINKS, engine_stack(recorded))["stack"]
    assert rebuilt == recorded
    assert list(rebuilt) == list(recorded)


@pytest.mark.parametrize("trace", ["rg-27-stack-list", "rg-27b-stack-list-nested",
                                   "rg-44-get-after-delete-show-deleted"])
def test_stack_list_matches_real_heat_for_an_admin(trace):
    recorded = trace_body(trace)["stacks"]
    engine_rows = [dict(engine_stack(row), description="full text", parameters={"x": "1"})
                   for row in recorded]
    rebuilt = views.stack_collection(LINKS, engine_rows, True, "http://h/v1/admin/stacks",
                                     [], None)
    assert rebuilt == {"stacks": recorded}
    assert [list(row) for row in rebuilt["stacks"]] == [list(row) for row in recorded]


def test_stack_list_next_link_only_when_page_is_full():
    row = engine_stack(trace_body("rg-27-stack-list")["stacks"][0])
    url = "http://127.0.0.1:8006/v1/admin/stacks"
    full = views.stack_collection(LINKS, [row], False, url, [("limit", "1")], 1)
    assert full["links"] == [{"href": f"{url}?limit=1&marker={row['stack_identity']['stack_id']}",
                              "rel": "next"}]
    assert "project" not in full["stacks"][0]
    short = views.stack_collection(LINKS, [row], False, url, [("limit", "2")], 2, count=1)
    assert "links" not in short and short["count"] == 1


def test_outputs_and_software_views_match_real_heat():
    outputs = trace_body("rg-23-stack-complete")["stack"]["outputs"]
    assert {"outputs": [views.output_summary(o) for o in outputs]} == trace_body(
        "rg-23b-outputs")
    assert views.output_show(outputs[1]) == trace_body("rg-23c-output-server_ids")["output"]
    config = trace_body("rg-19d-software-config-show")["software_config"]
    assert views.software_config(dict(config, project="admin")) == config
    for trace in ("rg-19-software-deployment-show", "rg-22d-deployment-show-after-signal"):
        deployment = trace_body(trace)["software_deployment"]
        assert views.software_deployment(dict(deployment)) == deployment


def test_isotime_forms():
    assert views.isotime(0) == "1970-01-01T00:00:00Z"
    assert views.isotime("2026-11-29T01:04:39.123456") == "2026-11-29T01:04:39Z"
    assert views.isotime(None) is None
