"""Failures, timeouts, updates (PUT and PATCH), scaling and deletion, checked against what the
recorded real Heat did (reference/real-heat/traces rg-30..rg-44) and heat/common/exception.py."""
from __future__ import annotations

import pytest
from test_heat_engine_support import (ENVIRONMENT, FILES, GROUP_YAML, OK, cloud,  # noqa: F401
                                      joined, swift_path)

from fakes.heat import errors

FAILED_SIGNAL = {"deploy_status_code": 1, "deploy_stdout": "", "deploy_stderr": "boom"}
DEPLOY_FAILURE = ("Error: resources.deployment: Deployment to server failed: "
                  "deploy_status_code : Deployment exited with non-zero status code: 1")


def complete_group(cloud, **params):
    identity = cloud.create_group(**params)
    for server in cloud.named(identity, "server"):
        cloud.put_signal(server, OK)
    assert cloud.status(identity) == "CREATE_COMPLETE"
    return identity


def test_failed_deployment_fails_every_level_with_heat_reasons(cloud):
    identity = cloud.create_group()
    first, second = cloud.named(identity, "server")
    cloud.put_signal(first, FAILED_SIGNAL)
    rows = {(r["stack_name"][-16:], r["resource_name"]): r for r in cloud.rows(identity)}
    deployment = cloud.named(identity, "deployment")[0]
    assert joined(deployment) == "CREATE_FAILED"
    assert deployment["resource_status_reason"] == DEPLOY_FAILURE
    member = cloud.rows(identity)[1]
    assert joined(member) == "CREATE_FAILED"
    assert member["resource_status_reason"] == (
        "Error: resources[0].resources.deployment: Deployment to server failed: "
        "deploy_status_code: Deployment exited with non-zero status code: 1")
    group = cloud.rows(identity)[0]
    assert group["resource_status_reason"] == (
        "Error: resources.Compute.resources[0].resources.deployment: Deployment to server "
        "failed: deploy_status_code: Deployment exited with non-zero status code: 1")
    stack = cloud.stack(identity)
    assert (stack["stack_action"], stack["stack_status"]) == ("CREATE", "FAILED")
    assert stack["stack_status_reason"] == "Resource CREATE failed: " + \
        group["resource_status_reason"]
    member_stack = cloud.engine.show_stack(cloud.tenant, first["stack_identity"])
    assert member_stack["stack_status_reason"] == "Resource CREATE failed: " + DEPLOY_FAILURE
    # the other member was cancelled, its deployment too
    other = cloud.rows(identity)[2]
    assert (joined(other), other["resource_status_reason"]) == ("CREATE_FAILED",
                                                                "CREATE aborted")
    waiting = cloud.named(identity, "deployment")[1]
    shown = cloud.engine.show_software_deployment(cloud.tenant, waiting["physical_resource_id"])
    assert (shown["status"], shown["status_reason"]) == ("FAILED", "Deployment cancelled.")
    assert rows  # the rows stay listed


def test_stack_timeout_fails_with_heat_reason_and_cancels_deployments(cloud):
    identity = cloud.create_group()
    cloud.clock.advance(60 * 60 + 1)
    cloud.engine.step()
    stack = cloud.stack(identity)
    assert (stack["stack_status"], stack["stack_status_reason"]) == ("FAILED",
                                                                     "Create timed out")
    for deployment in cloud.named(identity, "deployment"):
        shown = cloud.engine.show_software_deployment(cloud.tenant,
                                                      deployment["physical_resource_id"])
        assert shown["status_reason"] == "Deployment cancelled."
    assert cloud.rows(identity)[0]["resource_status_reason"] == "CREATE aborted"


def test_update_count_three_creates_only_the_new_member(cloud):
    identity = complete_group(cloud)
    before = cloud.named(identity, "deployment")
    configs_before = [cloud.metadata(s)["deployments"][0]["id"]
                      for s in cloud.named(identity, "server")]
    cloud.engine.update_stack(cloud.tenant, identity, GROUP_YAML,
                              {"count": 3, "config_transport": "POLL_TEMP_URL",
                               "signal_transport": "TEMP_URL_SIGNAL"}, dict(FILES),
                              ENVIRONMENT)
    cloud.engine.step()
    assert cloud.status(identity) == "UPDATE_IN_PROGRESS"
    members = cloud.rows(identity)[1:4]
    assert [(m["resource_name"], joined(m)) for m in members] == [
        ("0", "UPDATE_COMPLETE"), ("1", "UPDATE_COMPLETE"), ("2", "CREATE_IN_PROGRESS")]
    after = cloud.named(identity, "deployment")
    assert [joined(d) for d in after[:2]] == ["CREATE_COMPLETE", "CREATE_COMPLETE"]
    assert [d["physical_resource_id"] for d in after[:2]] == \
        [d["physical_resource_id"] for d in before]
    servers = cloud.named(identity, "server")
    assert [cloud.metadata(s)["deployments"][0]["id"] for s in servers[:2]] == configs_before
    cloud.put_signal(servers[2], OK)
    assert cloud.status(identity) == "UPDATE_COMPLETE"
    events = cloud.events(identity, nested_depth=5)
    last_update = events[[i for i, e in enumerate(events)
                          if joined(e) == "UPDATE_IN_PROGRESS"][0]:]
    inner = [e["resource_name"] for e in last_update if e["resource_name"] in
             ("server", "config", "deployment")]
    assert inner == ["server", "server", "config", "config", "deployment", "deployment"]


def test_patch_to_count_one_deletes_highest_members_and_their_swift_objects(cloud):
    identity = complete_group(cloud)
    servers = cloud.named(identity, "server")
    urls = [cloud.metadata(s)["os-collect-config"]["request"]["metadata_url"] for s in servers]
    cloud.engine.update_stack(cloud.tenant, identity, existing=True, params={"count": 1})
    cloud.engine.step()
    assert cloud.status(identity) == "UPDATE_COMPLETE"
    assert cloud.stack(identity)["parameters"]["count"] == "1"
    assert cloud.stack(identity)["parameters"]["config_transport"] == "POLL_TEMP_URL"
    assert [r["resource_name"] for r in cloud.rows(identity, 1)] == ["Compute", "0"]
    cloud.swift_get(urls[0])
    with pytest.raises(Exception) as missing:
        cloud.swift_get(urls[1])
    assert type(missing.value).__name__ == "NotFound"
    events = cloud.events(identity, nested_depth=5)
    deletes = [(e["resource_name"], joined(e)) for e in events if "DELETE" in joined(e)]
    assert deletes == [("1", "DELETE_IN_PROGRESS"), ("1", "DELETE_COMPLETE")]


def test_redeploy_on_changed_input_gets_a_new_derived_config(cloud):
    identity = complete_group(cloud, count=1)
    server = cloud.named(identity, "server")[0]
    first_id = cloud.metadata(server)["deployments"][0]["id"]
    changed = FILES["server.yaml"].replace("greeting: hi", "greeting: hey")
    cloud.engine.update_stack(cloud.tenant, identity, existing=True,
                              files={"server.yaml": changed})
    cloud.engine.step()
    entry = cloud.metadata(server)["deployments"][0]
    assert entry["id"] != first_id
    inputs = {i["name"]: i["value"] for i in entry["inputs"]}
    assert (inputs["greeting"], inputs["deploy_action"]) == ("hey", "UPDATE")
    assert joined(cloud.named(identity, "deployment")[0]) == "UPDATE_IN_PROGRESS"
    cloud.put_signal(server, OK)
    assert cloud.status(identity) == "UPDATE_COMPLETE"


def test_delete_removes_everything_and_keeps_the_record_by_id(cloud):
    identity = complete_group(cloud)
    servers = cloud.named(identity, "server")
    url = cloud.metadata(servers[0])["os-collect-config"]["request"]["metadata_url"]
    cloud.engine.delete_stack(cloud.tenant, identity)
    assert cloud.status(identity) == "DELETE_IN_PROGRESS"
    cloud.engine.step()
    stack = cloud.stack(identity)
    assert (stack["stack_action"], stack["stack_status"]) == ("DELETE", "COMPLETE")
    assert stack["deletion_time"] and "outputs" not in stack
    with pytest.raises(errors.EntityNotFound) as lookup:
        cloud.engine.identify_stack(cloud.tenant, "rg")
    assert lookup.value.message == "The Stack (rg) could not be found."
    assert cloud.engine.identify_stack(cloud.tenant, identity["stack_id"]) == identity
    assert cloud.engine.list_stacks(cloud.tenant) == []
    assert len(cloud.engine.list_stacks(cloud.tenant, show_deleted=True)) == 1
    with pytest.raises(Exception):
        cloud.swift_get(url)
    assert cloud.engine.list_software_deployments(cloud.tenant) == []
    top = [(e["resource_name"], joined(e)) for e in cloud.events(identity)][-4:]
    assert top == [("rg", "DELETE_IN_PROGRESS"), ("Compute", "DELETE_IN_PROGRESS"),
                   ("Compute", "DELETE_COMPLETE"), ("rg", "DELETE_COMPLETE")]


def test_delete_while_creating_cancels_then_deletes(cloud):
    identity = cloud.create_group()
    signal = cloud.signal_url(cloud.named(identity, "server")[0])
    cloud.engine.delete_stack(cloud.tenant, identity)
    cloud.engine.step()
    assert cloud.status(identity) == "DELETE_COMPLETE"
    reasons = [e["resource_status_reason"] for e in cloud.events(identity)
               if e["resource_name"] == "rg"]
    assert reasons == ["Stack CREATE started", "Resource CREATE failed: Operation cancelled",
                       "Stack DELETE started", "Stack DELETE completed successfully"]
    with pytest.raises(Exception):
        cloud.swift_get(signal)   # the signal object went with its deployment
    assert cloud.engine.list_software_deployments(cloud.tenant) == []
    assert cloud.engine.list_stacks(cloud.tenant, show_nested=True) == []


def test_mark_unhealthy_then_healthy_again(cloud):
    identity = complete_group(cloud, count=1)
    cloud.engine.resource_mark_unhealthy(cloud.tenant, identity, "Compute", True, "bad disk")
    row = cloud.rows(identity, 0)[0]
    assert (joined(row), row["resource_status_reason"]) == ("CHECK_FAILED", "bad disk")
    cloud.engine.resource_mark_unhealthy(cloud.tenant, identity, "Compute", False, "fixed")
    assert joined(cloud.rows(identity, 0)[0]) == "CHECK_COMPLETE"
    assert [joined(e) for e in cloud.events(identity, resource_name="Compute")][-2:] == \
        ["CHECK_FAILED", "CHECK_COMPLETE"]


def test_deleting_twice(cloud):
    identity = complete_group(cloud, count=1)
    cloud.engine.delete_stack(cloud.tenant, identity)
    cloud.engine.delete_stack(cloud.tenant, identity)   # still deleting: nothing new
    cloud.engine.step()
    assert cloud.status(identity) == "DELETE_COMPLETE"
    with pytest.raises(errors.EntityNotFound):
        cloud.engine.delete_stack(cloud.tenant, identity)
    assert [e["resource_status_reason"] for e in cloud.events(identity)
            if e["resource_name"] == "rg"][-2:] == ["Stack DELETE started",
                                                    "Stack DELETE completed successfully"]


def test_update_timeout_uses_heats_update_reason(cloud):
    identity = complete_group(cloud, count=1)
    cloud.engine.update_stack(cloud.tenant, identity, existing=True, params={"count": 2},
                              timeout_mins=5)
    cloud.engine.step()
    cloud.clock.advance(5 * 60)
    cloud.engine.step()
    stack = cloud.stack(identity)
    assert (stack["stack_action"], stack["stack_status"], stack["stack_status_reason"]) == (
        "UPDATE", "FAILED", "Timed out")
    assert stack["timeout_mins"] == 5
    new_member = cloud.rows(identity, 1)[2]
    assert (joined(new_member), new_member["resource_status_reason"]) == (
        "CREATE_FAILED", "CREATE aborted")


def test_cancel_without_rollback_stops_an_update(cloud):
    identity = complete_group(cloud, count=1)
    with pytest.raises(errors.NotSupported) as idle:
        cloud.engine.stack_cancel_without_rollback(cloud.tenant, identity)
    assert idle.value.message == ("Cancelling update when stack is CREATE_COMPLETE is not "
                                  "supported.")
    cloud.engine.update_stack(cloud.tenant, identity, existing=True, params={"count": 2})
    cloud.engine.step()
    with pytest.raises(errors.NotSupported):
        cloud.engine.stack_cancel_update(cloud.tenant, identity)
    cloud.engine.stack_cancel_without_rollback(cloud.tenant, identity)
    cloud.engine.step()
    stack = cloud.stack(identity)
    assert (stack["stack_action"], stack["stack_status"], stack["stack_status_reason"]) == (
        "UPDATE", "FAILED", "Operation cancelled")
    waiting = cloud.named(identity, "deployment")[1]
    shown = cloud.engine.show_software_deployment(cloud.tenant,
                                                  waiting["physical_resource_id"])
    assert shown["status_reason"] == "Deployment cancelled."


def test_a_signal_object_that_is_not_json_fails_the_deployment_saying_so(cloud):
    identity = cloud.create_group(count=1)
    server = cloud.named(identity, "server")[0]
    cloud.clock.advance(2)
    cloud.swift.put_object(*swift_path(cloud.signal_url(server)), b"done!")
    cloud.engine.step()
    deployment = cloud.named(identity, "deployment")[0]
    assert joined(deployment) == "CREATE_FAILED"
    assert "Deployment to server failed: the signal object" in \
        deployment["resource_status_reason"]
    assert "is not JSON" in deployment["resource_status_reason"]


def test_an_unhealthy_server_is_replaced_by_the_next_update(cloud):
    identity = complete_group(cloud, count=1)
    server = cloud.named(identity, "server")[0]
    cloud.engine.resource_mark_unhealthy(cloud.tenant, server["stack_identity"], "server",
                                         True, "disk died")
    cloud.engine.update_stack(cloud.tenant, identity, existing=True)
    cloud.engine.step()
    replaced = cloud.named(identity, "server")[0]
    assert replaced["physical_resource_id"] != server["physical_resource_id"]
    assert joined(replaced) == "CREATE_COMPLETE"
    # its deployment cannot move servers in place (server is not update_allowed): replaced
    deployment = cloud.named(identity, "deployment")[0]
    assert joined(deployment) == "CREATE_IN_PROGRESS"
    entry = cloud.metadata(replaced)["deployments"][0]
    assert {i["name"]: i["value"] for i in entry["inputs"]}["deploy_action"] == "CREATE"
    cloud.put_signal(replaced, OK)
    assert cloud.status(identity) == "UPDATE_COMPLETE"
    assert cloud.engine.list_software_deployments(
        cloud.tenant, server_id=server["physical_resource_id"]) == []
