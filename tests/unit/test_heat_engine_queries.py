"""Listing and reading: events (order, filters, marker, nested_depth), stacks (nested, sort,
marker), resources (filters at every level), abandon, and re-running a failed stack."""
from __future__ import annotations

import pytest
from test_heat_engine_support import OK, cloud, joined  # noqa: F401

from fakes.heat import errors

FAILED_SIGNAL = {"deploy_status_code": 2}


def test_events_default_newest_first_with_marker_limit_and_filters(cloud):
    identity = cloud.create_group(count=1)
    newest_first = cloud.engine.list_events(cloud.tenant, identity, nested_depth=5)
    times = [(e["event_time"]) for e in newest_first]
    assert times == sorted(times, reverse=True)
    ascending = cloud.engine.list_events(cloud.tenant, identity, nested_depth=5,
                                         sort_dir="asc", limit=3)
    assert [e["id"] for e in ascending] == [e["id"] for e in reversed(newest_first)][:3]
    following = cloud.engine.list_events(cloud.tenant, identity, nested_depth=5,
                                         sort_dir="asc", marker=ascending[-1]["id"])
    assert len(ascending) + len(following) == len(newest_first)
    assert all("root_stack_identity" in e for e in following)
    in_progress = cloud.engine.list_events(cloud.tenant, identity, nested_depth=5,
                                           filters={"resource_status": "IN_PROGRESS"})
    assert in_progress and all(e["resource_status"] == "IN_PROGRESS" for e in in_progress)
    top_only = cloud.engine.list_events(cloud.tenant, identity)
    assert {e["stack_name"] for e in top_only} == {"rg"}
    for_group = cloud.engine.list_events(cloud.tenant, identity, resource_name="Compute")
    assert [joined(e) for e in for_group] == ["CREATE_IN_PROGRESS"]
    shown = cloud.engine.show_event(cloud.tenant, identity, "Compute", for_group[0]["id"])
    assert shown["resource_type"] == "OS::Heat::ResourceGroup"
    with pytest.raises(errors.NotFound) as none:
        cloud.engine.list_events(cloud.tenant, identity, resource_name="nothing")
    assert none.value.message == "No events found for resource nothing"


def test_stack_list_hides_nested_unless_asked(cloud):
    first = cloud.create_group("first", count=1)
    cloud.clock.advance(1)
    second = cloud.create_group("second", count=1)
    names = [s["stack_name"] for s in cloud.engine.list_stacks(cloud.tenant)]
    assert names == ["second", "first"]
    assert [s["stack_name"] for s in cloud.engine.list_stacks(
        cloud.tenant, sort_dir="asc", sort_keys=["stack_name"])] == ["first", "second"]
    assert len(cloud.engine.list_stacks(cloud.tenant, show_nested=True)) == 6
    after = cloud.engine.list_stacks(cloud.tenant, marker=second["stack_id"])
    assert [s["stack_name"] for s in after] == ["first"]
    assert cloud.engine.count_stacks(cloud.tenant, filters={"name": "first"}) == 1
    listed = cloud.engine.list_stacks(cloud.tenant, filters={"status": "CREATE_IN_PROGRESS"})
    assert {s["id"] for s in listed} == {first["stack_id"], second["stack_id"]}


def test_resource_filters_apply_at_every_level(cloud):
    identity = cloud.create_group()
    deployments = cloud.engine.list_stack_resources(
        cloud.tenant, identity, nested_depth=5, filters={"type": "Deployment"})
    assert [r["resource_name"] for r in deployments] == ["deployment", "deployment"]
    done = cloud.engine.list_stack_resources(cloud.tenant, identity, nested_depth=5,
                                             filters={"status": "CREATE_COMPLETE"})
    assert {r["resource_name"] for r in done} == {"server", "config"}
    capped = cloud.engine.list_stack_resources(cloud.tenant, identity, nested_depth=1)
    assert [r["resource_name"] for r in capped] == ["Compute", "0", "1"]
    detailed = cloud.engine.list_stack_resources(cloud.tenant, identity, with_detail=True)
    assert "attributes" in detailed[0] and "nested_stack_identity" in detailed[0]


def test_a_failed_stack_updated_again_reruns_only_what_failed(cloud):
    identity = cloud.create_group(count=1)
    server = cloud.named(identity, "server")[0]
    cloud.put_signal(server, FAILED_SIGNAL)
    assert cloud.status(identity) == "CREATE_FAILED"
    deployment = cloud.named(identity, "deployment")[0]
    assert deployment["resource_status_reason"].endswith("non-zero status code: 2")
    cloud.engine.update_stack(cloud.tenant, identity, existing=True)
    cloud.engine.step()
    assert cloud.status(identity) == "UPDATE_IN_PROGRESS"
    again = cloud.named(identity, "deployment")[0]
    assert joined(again) == "CREATE_IN_PROGRESS"
    assert again["physical_resource_id"] != deployment["physical_resource_id"]
    assert cloud.named(identity, "server")[0]["physical_resource_id"] == \
        server["physical_resource_id"]
    # as in Heat, the replaced deployment goes once its replacement is done
    assert len(cloud.metadata(server)["deployments"]) == 2
    cloud.put_signal(server, OK)
    assert cloud.status(identity) == "UPDATE_COMPLETE"
    entries = cloud.metadata(server)["deployments"]
    assert [e["id"] for e in entries] == [cloud.engine.show_software_deployment(
        cloud.tenant, again["physical_resource_id"])["config_id"]]


def test_abandon_keeps_the_physical_resources(cloud):
    identity = cloud.create_group(count=1)
    server = cloud.named(identity, "server")[0]
    url = cloud.metadata(server)["os-collect-config"]["request"]["metadata_url"]
    for row in cloud.named(identity, "server"):
        cloud.put_signal(row, OK)
    data = cloud.engine.abandon_stack(cloud.tenant, identity)
    assert data["name"] == "rg" and data["resources"]["Compute"]["type"] == \
        "OS::Heat::ResourceGroup"
    member = data["resources"]["Compute"]["resources"]["0"]
    assert member["resources"]["server"]["resource_id"] == server["physical_resource_id"]
    assert cloud.engine.list_stacks(cloud.tenant) == []
    cloud.swift_get(url)   # still there: abandon does not delete
