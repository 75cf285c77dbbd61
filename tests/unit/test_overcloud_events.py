"""Event lines in the guide's format, checked against what real Heat and the real CLI printed
(recorded in the shared reference: traces rg-24/rg-25 and cli rg-complete-12)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness.overcloud.client import EventLog, stack_of
import time

from harness.overcloud.progress import Snapshot, finished, settle_after, waiting_for_signals

REAL = Path("/work/shared/reference/real-heat")


def _body(name):
    return json.loads((REAL / "traces" / name).read_text())["response"]["body"]


@pytest.mark.skipif(not REAL.exists(), reason="the real-Heat recordings are not on this machine")
def test_event_lines_match_the_real_cli_with_nested_depth():
    events = list(reversed(_body("rg-25-events-nested5-complete.json")["events"]))  # oldest first
    resources = _body("rg-24-resources-nested5-complete.json")["resources"]
    top_name, top_id = stack_of(events[0])
    log = EventLog(top_name, top_id)
    log.learn(resources)
    ours = [log.line(event) for event in events]
    cli = (REAL / "cli" / "rg-complete-12-event-list-n5.txt").read_text().splitlines()
    # The CLI's lines carry the event id after the time; the guide's lines do not.
    expected = [re.sub(r"^(\S+ \S+) [0-9a-f-]{36} ", r"\1 ", line)
                for line in cli if line[:4].isdigit()]
    assert sorted(ours) == sorted(expected)
    assert "2026-11-29 01:04:40Z [rg-heat.Compute.1.server]: CREATE_IN_PROGRESS  state changed" \
        in ours


def _event(stack_name, stack_id, resource, phys, status, reason="state changed"):
    href = f"http://h:8004/v1/t/stacks/{stack_name}/{stack_id}"
    return {"id": f"{resource}-{status}", "event_time": "2017-01-14T13:25:13Z",
            "resource_name": resource, "physical_resource_id": phys,
            "resource_status": status, "resource_status_reason": reason,
            "links": [{"rel": "stack", "href": href}]}


def _row(stack_name, stack_id, name, nested=None):
    links = [{"rel": "stack", "href": f"http://h:8004/v1/t/stacks/{stack_name}/{stack_id}"}]
    if nested:
        links.append({"rel": "nested", "href": f"http://h:8004/v1/t/stacks/{nested[0]}/{nested[1]}"})
    return {"resource_name": name, "links": links}


def test_guide_shaped_line_for_a_member_server_resource():
    log = EventLog("overcloud", "top")
    group, member = ("overcloud-Compute-vllmnqf5d77h", "g1"), ("overcloud-Compute-vllmnqf5d77h-0-k", "m0")
    log.learn([_row("overcloud", "top", "Compute", group),
               _row(group[0], group[1], "0", member)])
    line = log.line(_event(member[0], member[1], "NovaCompute", "", "CREATE_IN_PROGRESS"))
    assert line == ("2017-01-14 13:25:13Z [overcloud.Compute.0.NovaCompute]: "
                    "CREATE_IN_PROGRESS  state changed")
    stack_event = _event("overcloud", "top", "overcloud", "top", "CREATE_COMPLETE",
                         "Stack CREATE completed successfully")
    assert log.line(stack_event).endswith("[overcloud]: CREATE_COMPLETE  Stack CREATE completed "
                                          "successfully")
    assert log.is_top_stack_event(stack_event)


def _snap(status, resources=(), top=(), updated=None):
    return Snapshot({"stack_name": "overcloud", "stack_status": status, "updated_time": updated},
                    list(resources), list(top))


def _res(kind, status):
    return {"resource_name": "r", "resource_type": kind, "resource_status": status,
            "resource_status_reason": ""}


def test_waiting_for_signals_needs_every_server_and_a_waiting_deployment():
    check = waiting_for_signals(2, "CREATE")
    server_ok = _res("OS::Heat::DeployedServer", "CREATE_COMPLETE")
    waiting = _res("OS::Heat::SoftwareDeployment", "CREATE_IN_PROGRESS")
    assert not check(_snap("CREATE_IN_PROGRESS", [server_ok, waiting]))
    assert check(_snap("CREATE_IN_PROGRESS", [server_ok, server_ok, waiting]))
    assert check(_snap("CREATE_FAILED", []))


def test_an_update_is_finished_only_once_the_new_run_says_so():
    check = finished("UPDATE")
    assert not check(_snap("UPDATE_COMPLETE", updated="2017-01-14T13:00:00Z"))
    # updated_time may move before the status does: still the previous run's result
    assert not check(_snap("UPDATE_COMPLETE", top=["UPDATE_IN_PROGRESS"],
                           updated="2017-01-14T13:05:00Z"))
    assert check(_snap("UPDATE_COMPLETE", top=["UPDATE_IN_PROGRESS", "UPDATE_COMPLETE"]))
    # the previous run's last event, recorded late, does not end this run
    assert not check(_snap("UPDATE_COMPLETE", top=["UPDATE_COMPLETE"]))
    assert check(_snap("UPDATE_FAILED", top=["UPDATE_IN_PROGRESS", "UPDATE_FAILED"]))


def test_an_update_waits_for_signals_only_once_it_started():
    check = waiting_for_signals(2, "UPDATE")
    servers = [_res("OS::Heat::DeployedServer", "CREATE_COMPLETE")] * 2
    waiting = _res("OS::Heat::SoftwareDeployment", "UPDATE_IN_PROGRESS")
    assert not check(_snap("UPDATE_IN_PROGRESS", servers + [waiting]))
    assert check(_snap("UPDATE_IN_PROGRESS", servers + [waiting], top=["UPDATE_IN_PROGRESS"]))


def test_failures_list_every_failed_resource_with_its_path_and_reason():
    group = _row("overcloud", "top", "Step1")
    member = _row("overcloud-Step1-abc", "g1", "0")
    snap = _snap("CREATE_FAILED", [
        dict(group, resource_type="OS::Heat::SoftwareDeploymentGroup",
             resource_status="CREATE_FAILED", resource_status_reason="Error: resources[0]: x"),
        dict(member, resource_type="OS::Heat::SoftwareDeployment",
             resource_status="CREATE_FAILED", resource_status_reason="Error: y")])
    snap.paths.update({"top": "overcloud", "g1": "overcloud.Step1"})
    snap.stack["stack_status_reason"] = "Resource CREATE failed: Error: ..."
    lines = snap.failures()
    assert lines[0].startswith("overcloud: CREATE_FAILED: Resource CREATE failed")
    assert lines[1:] == [
        "overcloud.Step1 (OS::Heat::SoftwareDeploymentGroup): CREATE_FAILED: Error: "
        "resources[0]: x",
        "overcloud.Step1.0 (OS::Heat::SoftwareDeployment): CREATE_FAILED: Error: y"]


def test_settle_waits_until_the_undercloud_is_past_the_second_after_the_last_event():
    waited = []
    now = time.time()
    last = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
    assert 0 < settle_after(last, 0.0, waited.append) <= 2.0
    assert len(waited) == 1
    # an undercloud clock 10 s ahead is already past it; one 10 s behind waits at most 2 s
    assert settle_after(last, 10.0, waited.append) == 0.0
    assert settle_after(last, -10.0, waited.append) == 2.0
    assert settle_after(None, 0.0, waited.append) == 0.0
    assert waited[1:] == [2.0]
