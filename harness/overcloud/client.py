"""Talking to the undercloud's Heat with openstacksdk: create/patch the overcloud stack, read its
resources and events, and turn events into the lines the guide shows:

    2017-01-14 13:25:13Z [overcloud.Compute.0.NovaCompute]: CREATE_IN_PROGRESS  state changed

The connection comes from the OS_* environment (the undercloud's stackrc), as `openstack` does.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import quote

from harness.overcloud.errors import OvercloudError

REQUIRED_ENV = ("OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME")


def connect():
    """An openstacksdk Connection from the OS_* environment; a clear error when it is missing."""
    missing = [name for name in REQUIRED_ENV if not os.environ.get(name)]
    if missing:
        raise OvercloudError(f"{', '.join(missing)} not set: source the undercloud's stackrc "
                             "first (`harness undercloud` prints one), then run this again")
    import openstack  # imported late: it is slow to import and unit tests never need it

    return openstack.connect()


def heat_error(response, what: str) -> OvercloudError:
    """Heat's fault body (`{"error": {"type", "message"}}`) as an error that says what failed."""
    try:
        error = response.json().get("error") or {}
        detail = f"{error.get('type', '')}: {error.get('message', '')}".strip(": ")
    except ValueError:
        detail = response.text.strip()[:300]
    return OvercloudError(f"{what}: Heat answered {response.status_code}"
                          + (f" ({detail})" if detail else ""))


def server_offset(connection) -> float:
    """Undercloud time minus local time, from the token Keystone just issued (its issued_at is
    the undercloud's clock; a fake undercloud's clock may be moved on purpose)."""
    import time
    try:
        access = connection.session.auth.get_access(connection.session)
        return access.issued.timestamp() - time.time()
    except Exception:  # noqa: BLE001 - no token time: assume the clocks agree
        return 0.0


class HeatClient:
    """The few orchestration calls the harness makes, over openstacksdk's orchestration proxy
    (a keystoneauth adapter: it authenticates, finds the endpoint and follows Heat's 302s)."""

    def __init__(self, connection) -> None:
        self.heat = connection.orchestration

    def _call(self, method: str, path: str, what: str, **kwargs):
        response = self.heat.request(path, method, **kwargs)
        if response.status_code >= 400:
            raise heat_error(response, what)
        return response

    def create(self, body: dict) -> str:
        response = self._call("POST", "/stacks", f"creating stack {body['stack_name']}", json=body)
        return response.json()["stack"]["id"]

    def patch(self, stack: dict, body: dict) -> None:
        """PATCH-style update: the stack keeps its template, environment and other parameters."""
        self._call("PATCH", self.stack_path(stack), f"updating stack {stack['stack_name']}",
                   json=body)

    def find(self, name_or_id: str) -> dict | None:
        response = self.heat.request(f"/stacks/{quote(name_or_id)}", "GET")
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise heat_error(response, f"reading stack {name_or_id}")
        return response.json()["stack"]

    def show(self, name_or_id: str) -> dict:
        stack = self.find(name_or_id)
        if stack is None:
            raise OvercloudError(f"stack {name_or_id} not found on the undercloud; create it "
                                 "with `harness deploy` first")
        return stack

    @staticmethod
    def stack_path(stack: dict) -> str:
        return f"/stacks/{quote(stack['stack_name'])}/{stack['id']}"

    def resources(self, stack: dict, nested_depth: int = 5, **filters) -> list[dict]:
        params = {"nested_depth": nested_depth, **filters}
        return self._call("GET", self.stack_path(stack) + "/resources", "listing resources",
                          params=params).json()["resources"]

    def resource_metadata(self, stack_path: str, resource: str) -> dict:
        return self._call("GET", f"{stack_path}/resources/{quote(resource)}/metadata",
                          f"reading metadata of {resource}").json()["metadata"]

    def resource(self, stack_path: str, resource: str) -> dict:
        return self._call("GET", f"{stack_path}/resources/{quote(resource)}",
                          f"reading resource {resource}").json()["resource"]

    def deployments(self, server_id: str) -> list[dict]:
        """Software deployments to one server (`GET /software_deployments?server_id=`)."""
        return self._call("GET", "/software_deployments", "listing software deployments",
                          params={"server_id": server_id}).json()["software_deployments"]

    def deployment(self, deployment_id: str) -> dict:
        return self._call("GET", f"/software_deployments/{deployment_id}",
                          f"reading software deployment {deployment_id}"
                          ).json()["software_deployment"]

    def events(self, stack: dict, marker: str | None = None, nested_depth: int = 5) -> list:
        params = {"nested_depth": nested_depth, "sort_dir": "asc"}
        if marker:
            params["marker"] = marker
        return self._call("GET", self.stack_path(stack) + "/events", "listing events",
                          params=params).json()["events"]


def link(item: dict, rel: str) -> str | None:
    for entry in item.get("links", []):
        if entry.get("rel") == rel:
            return entry.get("href")
    return None


def stack_of(item: dict) -> tuple[str, str]:
    """(stack name, stack id) from an item's `stack` link (`.../stacks/<name>/<id>`)."""
    href = link(item, "stack") or ""
    parts = href.rstrip("/").split("/")
    return (parts[-2], parts[-1]) if len(parts) >= 2 else ("", "")


@dataclass
class EventLog:
    """Formats events as the guide's lines, naming each resource by its dotted path from the top
    stack (`overcloud.Compute.0.NovaCompute`), learnt from the resources' `nested` links."""
    stack_name: str
    stack_id: str
    paths: dict = field(default_factory=dict)   # stack id -> dotted path
    marker: str | None = None

    def __post_init__(self) -> None:
        self.paths[self.stack_id] = self.stack_name

    def learn(self, resources: list[dict]) -> None:
        pending = [r for r in resources if link(r, "nested")]
        for _ in range(6):   # parents come first in Heat's order; a few passes cover any other
            for row in pending:
                parent = stack_of(row)[1]
                child = link(row, "nested").rstrip("/").split("/")[-1]
                if parent in self.paths and child not in self.paths:
                    self.paths[child] = f"{self.paths[parent]}.{row['resource_name']}"

    def line(self, event: dict) -> str:
        name, stack_id = stack_of(event)
        base = self.paths.get(stack_id, name)
        own = event.get("resource_name")
        is_stack_event = own == name and event.get("physical_resource_id") == stack_id
        path = base if is_stack_event else f"{base}.{own}"
        when = (event.get("event_time") or "").replace("T", " ")
        return (f"{when} [{path}]: {event.get('resource_status', '')}  "
                f"{event.get('resource_status_reason', '')}")

    def is_top_stack_event(self, event: dict) -> bool:
        name, stack_id = stack_of(event)
        return (stack_id == self.stack_id and event.get("resource_name") == name
                and event.get("physical_resource_id") == stack_id)

    def new_events(self, client: HeatClient, stack: dict) -> list[tuple[dict, str]]:
        """Events after the last one seen, each with its line."""
        events = client.events(stack, marker=self.marker)
        if events:
            self.marker = events[-1]["id"]
        return [(event, self.line(event)) for event in events]

    def new_lines(self, client: HeatClient, stack: dict) -> list[str]:
        return [line for _, line in self.new_events(client, stack)]
