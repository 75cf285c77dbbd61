"""Fault injection: every fired fault is named in the request journal, seeded faults replay, and
the scenario `fault` step maps onto the undercloud's registry, temp-URL key and clock."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from werkzeug.test import Client

from fakes.swift.tempurl import DEFAULT_EXPIRES
from fakes.undercloud import Undercloud
from harness.faults import KINDS, apply
from harness.runner_state import StepFailed


@pytest.fixture
def undercloud():
    cloud = Undercloud(password="pw")
    yield cloud
    cloud.stop()


@pytest.fixture
def account(undercloud):
    account = f"AUTH_{undercloud.keystone.admin_project_id}"
    undercloud.swift.put_container(account, "c")
    undercloud.swift.put_object(account, "c", "o", b'{"deployments": []}')
    return account


def _fault_ids(entry) -> set[str]:
    return set(entry["response_headers"].get("X-Harness-Fault", "").split(",")) - {""}


@pytest.mark.parametrize("spec", [
    {"action": "fail", "status": 502},
    {"action": "latency", "latency": 0.01},
    {"action": "corrupt_body"},
    {"action": "stale_last_modified"},
    {"action": "same_second_last_modified"},
])
def test_every_fired_fault_is_named_in_the_journal(undercloud, account, spec):
    client = Client(undercloud.wsgi_app("swift"))
    fault_id = undercloud.faults.add({**spec, "service": "swift", "path": "/c/o$", "count": 1}).id
    url = undercloud.swift.temp_url("GET", account, "c", "o")
    client.get(url)
    client.get(url)  # the count is used up: this one is served untouched
    hit, clean = undercloud.journal.entries(service="swift")[-2:]
    assert _fault_ids(hit) == {str(fault_id)} and _fault_ids(clean) == set()


def test_a_dropped_request_is_journaled_with_status_0_and_its_fault(undercloud):
    fault_id = undercloud.faults.add({"action": "drop", "service": "swift", "count": 1}).id
    with pytest.raises(Exception, match="dropped by fault"):
        list(Client(undercloud.wsgi_app("swift")).get("/info").response)
    entry = undercloud.journal.entries(service="swift")[-1]
    assert entry["status"] == 0 and _fault_ids(entry) == {str(fault_id)}


def test_a_lost_signal_is_journaled_as_accepted_with_its_fault(undercloud, account):
    fault_id = undercloud.faults.add({"action": "lose_signal", "method": "PUT", "count": 1}).id
    url = undercloud.swift.temp_url("PUT", account, "c", "o")
    assert Client(undercloud.wsgi_app("swift")).put(url, data=b"{}").status_code == 201
    entry = undercloud.journal.entries(service="swift")[-1]
    assert entry["status"] == 201 and _fault_ids(entry) == {str(fault_id)}


def _hits(seed: int) -> list[int]:
    cloud = Undercloud(password="pw")
    try:
        cloud.faults.add({"action": "fail", "probability": 0.3, "seed": seed, "service": "swift"})
        client = Client(cloud.wsgi_app("swift"))
        return [client.get("/info").status_code for _ in range(60)]
    finally:
        cloud.stop()


def test_a_seeded_probability_replays_the_same_failures():
    first, again, other = _hits(7), _hits(7), _hits(8)
    assert first == again and 503 in first and 200 in first
    assert first != other


# -- the scenario step -----------------------------------------------------------------------
def _run(undercloud, members=None):
    logged = []
    run = SimpleNamespace(undercloud=undercloud, snapshots={}, echo=logged.append,
                          members=members or {}, logged=logged)
    run.select = lambda selector: [run.members[s] for s in ([selector] if isinstance(selector, str) else selector)]
    run.label_of = lambda node: next(k for k, v in run.members.items() if v is node)
    return run


def _step(**args):
    return SimpleNamespace(args=args)


def test_a_fail_step_becomes_a_registry_fault_on_the_route(undercloud):
    run = _run(undercloud)
    apply(run, _step(kind="fail", service="swift", route="-metadata$",
                     params={"method": "GET", "status": 503, "count": 5}))
    [fault] = undercloud.faults.list()
    assert (fault["action"], fault["service"], fault["path"], fault["method"], fault["count"],
            fault["status"]) == ("fail", "swift", "-metadata$", "GET", 5, 503)
    assert run.snapshots["faults"][0]["id"] == fault["id"] and "injected fault" in run.logged[0]


def test_verify_fired_counts_hits_in_the_journal(undercloud):
    run = _run(undercloud)
    apply(run, _step(kind="fail", service="swift", params={"count": 2, "status": 500}))
    client = Client(undercloud.wsgi_app("swift"))
    assert [client.get("/info").status_code for _ in range(3)] == [500, 500, 200]
    apply(run, _step(kind="verify_fired", params={"min": 2, "status": 500}))
    with pytest.raises(StepFailed, match="shows 2 request.*expected at least 3"):
        apply(run, _step(kind="verify_fired", params={"min": 3}))


@pytest.mark.parametrize("args, message", [
    ({"kind": "explode"}, "fault kind 'explode' is unknown; the kinds are: clear, corrupt_body"),
    ({"kind": "fail", "params": {"status": 42}}, "'status' must be a number from 100 to 599"),
    ({"kind": "latency", "params": {"colour": 1}}, "unknown fault field"),
    ({"kind": "kill_agent"}, "name the nodes"),
    ({"kind": "verify_fired"}, "no fault was injected"),
])
def test_bad_fault_steps_are_explained(undercloud, args, message):
    with pytest.raises(StepFailed, match=message.replace("(", r"\(")):
        apply(_run(undercloud), _step(**args))


def test_clear_removes_every_fault(undercloud):
    run = _run(undercloud)
    apply(run, _step(kind="latency", params={"latency": 1}))
    apply(run, _step(kind="fail"))
    apply(run, _step(kind="clear"))
    assert undercloud.faults.list() == []


def test_a_rotated_key_makes_the_nodes_temp_urls_answer_401(undercloud, account):
    url = undercloud.swift.temp_url("GET", account, "c", "o")
    client = Client(undercloud.wsgi_app("swift"))
    assert client.get(url).status_code == 200
    apply(_run(undercloud), _step(kind="rotate_temp_url_key"))
    assert client.get(url).status_code == 401


def test_expired_temp_urls_answer_401(undercloud, account):
    url = undercloud.swift.temp_url("GET", account, "c", "o")
    client = Client(undercloud.wsgi_app("swift"))
    apply(_run(undercloud), _step(kind="expire_temp_urls", params={"margin": 60}))
    assert undercloud.swift.clock.now() > DEFAULT_EXPIRES > undercloud.clock.now()
    assert client.get(url).status_code == 401


def test_every_kind_is_documented_in_the_contracts():
    contracts = open("docs/contracts.md", encoding="utf-8").read()
    missing = [kind for kind in KINDS if f"`{kind}`" not in contracts]
    assert not missing, f"docs/contracts.md 'Faults' does not name {missing}"


class FakeNode:
    """Answers the few commands the node faults run; records what was done to it."""

    def __init__(self, deployed_after: int = 0, avail: int = 10_000):
        self.done, self.polls, self.deployed_after, self.avail = [], 0, deployed_after, avail

    def exec(self, command, user="root"):
        self.done.append(command)
        line = command if isinstance(command, str) else " ".join(command)
        ok, out = True, ""
        if "deployed" in line and "test" in line:
            self.polls += 1
            ok = self.polls > self.deployed_after
        elif line.startswith("systemctl show"):
            out = "4242\n"
        elif line.startswith("df"):
            out = f"Avail\n{self.avail}\n"
        return SimpleNamespace(ok=ok, exit_code=0 if ok else 1, stdout=out, stderr="")

    def __getattr__(self, name):  # reboot, power_off, partition, heal ...
        if name in ("reboot", "power_off", "power_on", "partition", "heal"):
            return lambda: self.done.append(name)
        raise AttributeError(name)


def test_kill_agent_waits_for_the_moment_then_sigkills_the_main_pid(undercloud):
    node = FakeNode(deployed_after=2)
    run = _run(undercloud, {"Compute-0": node})
    apply(run, _step(kind="kill_agent", nodes="Compute-0", params={"when": {"deployed": 1}}))
    assert node.polls == 3 and node.done[-1] == ["kill", "-KILL", "4242"]


def test_a_moment_that_never_comes_is_a_step_failure(undercloud):
    run = _run(undercloud, {"Compute-0": FakeNode(deployed_after=10**9)})
    with pytest.raises(StepFailed, match="Compute-0: waited 0s for 1 deployment"):
        apply(run, _step(kind="reboot", nodes="Compute-0",
                         params={"when": {"deployed": 1}, "timeout": 0.2}))


def test_partition_heals_itself_after_heal_after(undercloud):
    node = FakeNode()
    run = _run(undercloud, {"Compute-0": node})
    apply(run, _step(kind="partition", nodes="Compute-0", params={"heal_after": 0.01}))
    run.snapshots["heal_timers"][0].join(5)
    assert node.done == ["partition", "heal"]


def test_fill_disk_is_bounded_and_undone(undercloud):
    node = FakeNode(avail=5000)
    run = _run(undercloud, {"Compute-0": node})
    apply(run, _step(kind="fill_disk", nodes="Compute-0", params={"leave_bytes": 1000}))
    assert ["fallocate", "-l", "4000", "/var/lib/os-collect-config/.harness-fault-filler"] in node.done
    apply(run, _step(kind="free_disk", nodes="Compute-0"))
    assert node.done[-1] == ["rm", "-f", "/var/lib/os-collect-config/.harness-fault-filler"]
    big = FakeNode(avail=10 << 30)
    with pytest.raises(StepFailed, match="filling it would take more than max_bytes"):
        apply(_run(undercloud, {"Compute-0": big}), _step(kind="fill_disk", nodes="Compute-0"))


def test_every_fault_scenario_is_valid_marked_fault_and_expects_an_outcome():
    from pathlib import Path

    from harness.scenario.loader import load_scenario
    files = sorted(Path("scenarios/faults").glob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        scenario = load_scenario(path)
        assert "fault" in scenario.get("markers", []), f"{path} is not marked fault"
        assert scenario.get("expect", {}).get("status"), f"{path} asserts no outcome"
        kinds = [s.args["kind"] for s in scenario.steps if s.action == "fault"]
        assert kinds and set(kinds) <= set(KINDS), f"{path}: fault kinds {kinds}"
