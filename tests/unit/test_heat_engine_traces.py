"""The engine replays what the recorded real Heat did (reference/real-heat/traces): the same
group of two deployed-server members with POLL_SERVER_HEAT / HEAT_SIGNAL, signalled, updated
to three members, PATCHed to one, deleted. Events are compared as multisets with generated
parts (short ids, uuids) masked; the order within one instant differs between engines."""
from __future__ import annotations

import collections
import json
import re
from pathlib import Path

import pytest
from test_heat_engine_support import ENVIRONMENT, FILES, GROUP_YAML, cloud, joined  # noqa: F401

TRACES = Path("/work/shared/reference/real-heat/traces")
pytestmark = pytest.mark.skipif(not TRACES.is_dir(), reason="real-heat traces not available")
SIGNAL = {"deploy_status_code": 0, "deploy_stdout": "x", "deploy_stderr": ""}


def masked(name: str, status: str, reason: str) -> tuple:
    return (re.sub(r"[a-z2-7]{12}", "SHORT", re.sub(r"^rg-heat", "STACK", name)), status,
            re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "UUID", reason))


def recorded(trace: str) -> collections.Counter:
    events = json.loads((TRACES / f"{trace}.json").read_text())["response"]["body"]["events"]
    return collections.Counter(masked(e["resource_name"], e["resource_status"],
                                      e["resource_status_reason"]) for e in events)


def ours(cloud, identity) -> collections.Counter:
    return collections.Counter(masked(e["resource_name"], joined(e), e["resource_status_reason"])
                               for e in cloud.engine.list_events(cloud.tenant, identity,
                                                                 nested_depth=5))


def signal_waiting(cloud, identity) -> None:
    for row in cloud.named(identity, "deployment"):
        if joined(row).endswith("IN_PROGRESS"):
            cloud.clock.advance(2)
            cloud.engine.resource_signal(cloud.tenant, row["stack_identity"], "deployment",
                                         SIGNAL)
            cloud.engine.step()


def test_create_update_scale_down_and_delete_match_real_heat(cloud):
    identity = cloud.engine.create_stack(cloud.tenant, "rg-heat", GROUP_YAML, {"count": 2},
                                         dict(FILES), ENVIRONMENT, timeout_mins=60)
    cloud.engine.step()
    signal_waiting(cloud, identity)
    assert cloud.status(identity) == "CREATE_COMPLETE"
    assert ours(cloud, identity) == recorded("rg-25-events-nested5-complete")

    cloud.engine.update_stack(cloud.tenant, identity, GROUP_YAML, {"count": 3}, dict(FILES),
                              ENVIRONMENT)
    cloud.engine.step()
    signal_waiting(cloud, identity)
    assert cloud.status(identity) == "UPDATE_COMPLETE"
    assert ours(cloud, identity) == recorded("rg-35-events-nested5-after-update")

    cloud.engine.update_stack(cloud.tenant, identity, existing=True, params={"count": 1})
    cloud.engine.step()
    assert cloud.status(identity) == "UPDATE_COMPLETE"
    assert ours(cloud, identity) == recorded("rg-37c-events-after-scale-down")

    cloud.engine.delete_stack(cloud.tenant, identity)
    cloud.engine.step()
    shown = cloud.stack(identity)
    assert (shown["stack_status"], shown["stack_status_reason"]) == (
        "COMPLETE", "Stack DELETE completed successfully")
