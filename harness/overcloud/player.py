"""The agent player: plays the node agents' part over HTTP, for tests and benchmarks.

It does what os-collect-config + heat-config + heat-config-notify do on a real node, minus
running the configs: GET the node's metadata URL (the DeployedServer's temp URL), and for every
deployment entry with a new derived config id, PUT the signal JSON to its `deploy_signal_id`.
Deployments appear in the metadata as Heat opens each wave, so playing in rounds until the stack
finishes walks the whole plan. A wave's `fail_on` input is honoured like the wave library does
(exit status 1 and a message on stderr for the named node), and `outcome` can fail anything else.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable

import requests

from harness.overcloud.client import HeatClient, stack_of
from harness.overcloud.errors import OvercloudError
from harness.overcloud.progress import DEPLOYED_SERVER

# outcome(node, deployment entry) -> (deploy_status_code, deploy_stdout, deploy_stderr) or None
Outcome = Callable[["Node", dict], "tuple[int, str, str] | None"]


@dataclass
class Node:
    hostname: str
    server_id: str
    server_stack: str          # the deployed-server.yaml nested stack's name
    metadata_url: str


@dataclass
class AgentPlayer:
    client: HeatClient
    outcome: Outcome | None = None
    session: requests.Session = field(default_factory=requests.Session)
    signalled: set = field(default_factory=set)       # derived config ids already answered
    signals: list = field(default_factory=list)       # (hostname, deployment name, code) sent
    known: dict = field(default_factory=dict)         # server id -> Node, found once

    def nodes(self, stack: dict) -> list[Node]:
        """Every deployed server of the stack, with its metadata URL (as the guide finds it)."""
        found = []
        for row in self.client.resources(stack, nested_depth=5, type=DEPLOYED_SERVER):
            if row["physical_resource_id"] in self.known:
                found.append(self.known[row["physical_resource_id"]])
                continue
            name, stack_id = stack_of(row)
            path = f"/stacks/{name}/{stack_id}"
            metadata = self.client.resource_metadata(path, row["resource_name"])
            url = ((metadata.get("os-collect-config") or {}).get("request") or {}) \
                .get("metadata_url")
            if not url:
                continue   # not created yet: no metadata URL to poll
            attributes = self.client.resource(path, row["resource_name"]).get("attributes") or {}
            node = Node(hostname=attributes.get("name") or name,
                        server_id=row["physical_resource_id"], server_stack=name,
                        metadata_url=url)
            self.known[node.server_id] = node
            found.append(node)
        return found

    def play_round(self, nodes: list[Node]) -> int:
        """One poll of every node: signal each deployment Heat waits for and that was not
        answered yet. Returns how many signals went out."""
        sent = 0
        for node in nodes:
            response = self.session.get(node.metadata_url, timeout=10)
            if response.status_code != 200:
                continue   # a removed node's object is gone (404): nothing to do
            # Like heat-config's "deployed" markers, but it also lets a fresh player join a
            # stack half-way: only deployments Heat still waits for are answered.
            waiting = {d["config_id"] for d in self.client.deployments(node.server_id)
                       if d.get("status") == "IN_PROGRESS"}
            for entry in response.json().get("deployments") or []:
                if entry.get("id") in self.signalled or entry.get("id") not in waiting:
                    continue
                inputs = {i.get("name"): i.get("value") for i in entry.get("inputs") or []}
                if inputs.get("deploy_signal_id"):
                    self._signal(node, entry, inputs)
                    sent += 1
                self.signalled.add(entry.get("id"))
        return sent

    def _signal(self, node: Node, entry: dict, inputs: dict) -> None:
        code, stdout, stderr = (self.outcome and self.outcome(node, entry)) \
            or fail_on_outcome(node, entry, inputs)
        body = {"deploy_status_code": code, "deploy_stdout": stdout, "deploy_stderr": stderr}
        verb = inputs.get("deploy_signal_verb") or "PUT"
        response = self.session.request(verb, inputs["deploy_signal_id"], data=json.dumps(body),
                                        headers={"Content-Type": "application/json"}, timeout=10)
        if response.status_code >= 400:
            raise OvercloudError(f"signal of {entry.get('name')} on {node.hostname} answered "
                                 f"{response.status_code}: {response.text[:200]}")
        self.signals.append((node.hostname, entry.get("name"), code))

    def play(self, stack_name: str, done: Callable[[dict], bool], timeout: float = 60.0,
             pause: float = 0.2) -> dict:
        """Play rounds until `done(stack)` (e.g. CREATE_COMPLETE or FAILED) or the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            stack = self.client.show(stack_name)
            if done(stack):
                return stack
            if time.monotonic() > deadline:
                raise OvercloudError(
                    f"timed out after {timeout:.0f}s playing the agents of {stack_name}: it is "
                    f"{stack['stack_status']} ({stack.get('stack_status_reason', '')}); "
                    f"{len(self.signals)} signals sent")
            if not self.play_round(self.nodes(stack)):
                time.sleep(pause)


def fail_on_outcome(node: Node, entry: dict, inputs: dict) -> tuple[int, str, str]:
    """What the wave library would answer: status 1 where the wave's fail_on names this node
    (its hostname or <role>-<index>), success elsewhere."""
    fail_on = inputs.get("fail_on") or ""
    hostname, role, index = node.hostname, inputs.get("role"), inputs.get("node_index")
    for group in inputs.get("nodes") or []:
        for member in (group.values() if isinstance(group, dict) else group):
            if member.get("server_id") == node.server_id:
                hostname, index = member.get("hostname", hostname), member.get("index")
    wave = inputs.get("wave") or entry.get("name")
    if fail_on and fail_on in (hostname, f"{role}-{index}"):
        return 1, "", (f"tripleo-harness: wave {wave} fails on purpose on {hostname} "
                       f"(fail_on={fail_on})\n")
    return 0, f"{wave} done on {hostname}\n", ""


def stack_finished(action: str) -> Callable[[dict], bool]:
    return lambda stack: stack["stack_status"] in (f"{action}_COMPLETE", f"{action}_FAILED")
