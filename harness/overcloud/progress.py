"""Waiting on the overcloud stack with deadlines, printing the event lines as they come.

Two waits: until the stack waits for the nodes' signals (every DeployedServer resource
COMPLETE and a deployment IN_PROGRESS: the moment the guide tells operators to configure the
agents), and until the stack operation finishes (COMPLETE or FAILED, with Heat's reasons).
"""
from __future__ import annotations

import calendar
import time
from dataclasses import dataclass, field
from typing import Callable

from harness.overcloud.client import EventLog, HeatClient, stack_of
from harness.overcloud.errors import OvercloudError

DEPLOYED_SERVER = "OS::Heat::DeployedServer"
DEPLOYMENT_TYPES = ("OS::Heat::SoftwareDeployment", "OS::Heat::StructuredDeployment")
POLL_SECONDS = 0.5


@dataclass
class Snapshot:
    stack: dict
    resources: list
    top_statuses: list   # statuses of the top stack's own events since the watch began
    paths: dict = field(default_factory=dict)   # stack id -> dotted path (EventLog.paths)

    @property
    def status(self) -> str:
        return self.stack["stack_status"]

    def servers_ready(self) -> int:
        return sum(1 for r in self.resources if r["resource_type"] == DEPLOYED_SERVER
                   and r["resource_status"].endswith("_COMPLETE"))

    def deployments_waiting(self) -> int:
        return sum(1 for r in self.resources if r["resource_type"] in DEPLOYMENT_TYPES
                   and r["resource_status"].endswith("_IN_PROGRESS"))

    def failures(self) -> list[str]:
        """Every FAILED resource with its reason, innermost last (Heat nests the reasons)."""
        lines = [f"{self.stack['stack_name']}: {self.status}: "
                 f"{self.stack.get('stack_status_reason', '')}"]
        for row in self.resources:
            if row["resource_status"].endswith("_FAILED"):
                name, stack_id = stack_of(row)
                where = f"{self.paths.get(stack_id, name)}.{row['resource_name']}" \
                    if stack_id else row["resource_name"]
                lines.append(f"{where} ({row['resource_type']}): "
                             f"{row['resource_status']}: {row['resource_status_reason']}")
        return lines


def failed_outputs(client: HeatClient, snap: Snapshot) -> list[str]:
    """What each failed deployment's node reported on stderr (the agent's signal), so the
    error says which node failed and why, not only that one did."""
    lines = []
    for row in snap.resources:
        if row["resource_type"] in DEPLOYMENT_TYPES and row["resource_status"].endswith(
                "_FAILED") and row.get("physical_resource_id"):
            deployment = client.deployment(row["physical_resource_id"])
            outputs = deployment.get("output_values") or {}
            stderr = (outputs.get("deploy_stderr") or "").strip().splitlines()[-5:]
            lines.append(f"server {deployment.get('server_id')}: deploy_status_code "
                         f"{outputs.get('deploy_status_code')}"
                         + "".join(f"\n    {line}" for line in stderr))
    return lines


class StackWatcher:
    """Polls one stack, echoing new event lines, until a condition holds or the deadline."""

    def __init__(self, client: HeatClient, stack: dict, echo: Callable[[str], None],
                 timeout: float) -> None:
        self.client = client
        self.stack = stack
        self.echo = echo
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        self.log = EventLog(stack["stack_name"], stack["id"])
        self.top_statuses: list[str] = []
        self._last_summary = ""

    def skip_past_events(self) -> str | None:
        """Start the event lines after what already happened (for an update); returns the
        time of the last event so far."""
        self.log.learn(self.client.resources(self.stack))
        past = self.log.new_events(self.client, self.stack)
        self.top_statuses.clear()
        return past[-1][0].get("event_time") if past else None

    def snapshot(self) -> Snapshot:
        stack = self.client.show(self.stack["id"])
        resources = self.client.resources(stack)
        self.log.learn(resources)
        for event, line in self.log.new_events(self.client, stack):
            if self.log.is_top_stack_event(event):
                self.top_statuses.append(event.get("resource_status", ""))
            self.echo(line)
        return Snapshot(stack, resources, list(self.top_statuses), dict(self.log.paths))

    def until(self, done: Callable[[Snapshot], bool], awaited: str) -> Snapshot:
        while True:
            snap = self.snapshot()
            self._summarise(snap)
            if done(snap):
                return snap
            if time.monotonic() > self.deadline:
                raise OvercloudError(
                    f"timed out after {self.timeout:.0f}s waiting for {awaited}; the stack is "
                    f"{snap.status}, {snap.servers_ready()} deployed servers ready, "
                    f"{snap.deployments_waiting()} deployments in progress")
            time.sleep(POLL_SECONDS)


    def _summarise(self, snap: Snapshot) -> None:
        """A progress line whenever the picture changes (between the event lines)."""
        summary = (f"-- {snap.stack['stack_name']}: {snap.status}, {snap.servers_ready()} "
                   f"deployed servers ready, {snap.deployments_waiting()} deployments waiting "
                   "for signals")
        if summary != self._last_summary:
            self._last_summary = summary
            self.echo(summary)


def settle_after(last_event_time: str | None, server_offset: float,
                 sleep: Callable[[float], None] = time.sleep) -> float:
    """Wait until the undercloud's clock is past the second after the stack's last event.

    Swift's Last-Modified is whole seconds rounded up and Heat takes a signal object newer than
    a deployment's update for a new signal: an update started within that second would re-read
    the previous run's signals and complete without the nodes running anything (real Heat does
    the same; operators are never that quick). `server_offset` is undercloud time minus local
    time. Returns the seconds waited (at most 2)."""
    if not last_event_time:
        return 0.0
    last = calendar.timegm(time.strptime(last_event_time, "%Y-%m-%dT%H:%M:%SZ"))
    wait = min(2.0, last + 2 - (time.time() + server_offset))
    if wait > 0:
        sleep(wait)
    return max(wait, 0.0)


def finished(action: str) -> Callable[[Snapshot], bool]:
    """The stack's `action` is over. For an update the stack may still show the previous run's
    result for a moment (`updated_time` may move first, and the previous run's last event may
    be recorded late), so it counts only once this run's own top-stack events say
    `UPDATE_IN_PROGRESS` and then `UPDATE_COMPLETE`/`UPDATE_FAILED`."""
    ends = (f"{action}_COMPLETE", f"{action}_FAILED")

    def check(snap: Snapshot) -> bool:
        if snap.status not in ends:
            return False
        if action != "UPDATE":
            return True
        started = f"{action}_IN_PROGRESS"
        if started not in snap.top_statuses:
            return False
        return any(s in ends for s in snap.top_statuses[snap.top_statuses.index(started):])
    return check


def waiting_for_signals(nodes: int, action: str) -> Callable[[Snapshot], bool]:
    """Every node's DeployedServer is COMPLETE and a deployment waits for its signal, or the
    operation already ended (a scale-down may have nothing to wait for)."""
    done = finished(action)

    def check(snap: Snapshot) -> bool:
        if done(snap):
            return True
        started = action != "UPDATE" or f"{action}_IN_PROGRESS" in snap.top_statuses
        return (started and snap.status == f"{action}_IN_PROGRESS"
                and snap.servers_ready() >= nodes and snap.deployments_waiting() > 0)
    return check
