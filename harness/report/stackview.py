"""What Heat says about the stack, read through its public API (the same calls the `openstack`
CLI makes): the deployed servers with their metadata objects, every software deployment with
its config's name and signal object, and the failed resources with their reasons.

Temp URLs carry signatures: only their paths (no query) are kept here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

from harness.agents import member_of
from harness.overcloud.client import stack_of

DEPLOYED_SERVER = "OS::Heat::DeployedServer"


@dataclass
class Server:
    label: str              # "<Role>-<index>"
    server_id: str          # the DeployedServer's physical id (deployments' server_id)
    server_stack: str       # the nested stack holding the deployed-server resource
    metadata_path: str      # Swift object path of its metadata (the temp URL without query)


@dataclass
class Deployment:
    id: str
    server_id: str
    label: str              # the node's "<Role>-<index>", or the server id if unknown
    name: str               # the derived config's name: the wave (e.g. "Step1")
    resource: str           # deploy_resource_name (e.g. "Step1Deployment")
    config_id: str          # the derived config id: /var/lib/heat-config/deployed/<id>.json
    action: str
    status: str
    status_reason: str
    created: float | None   # epoch seconds (Heat gives whole seconds)
    updated: float | None
    outputs: dict = field(default_factory=dict)
    signal_path: str | None = None   # Swift object path the node PUTs its signal to


@dataclass
class StackView:
    stack: dict | None = None
    servers: dict = field(default_factory=dict)        # label -> Server
    deployments: list = field(default_factory=list)    # Deployment, oldest first
    failed_resources: list = field(default_factory=list)
    errors: list = field(default_factory=list)         # what could not be read, and why

    @property
    def status(self) -> str:
        return (self.stack or {}).get("stack_status", "")

    def label_of_server(self, server_id: str) -> str:
        return next((s.label for s in self.servers.values() if s.server_id == server_id),
                    server_id)


def epoch(stamp: str | None) -> float | None:
    """Heat's `2026-11-29T02:25:24Z` (or with fractions / an offset) as epoch seconds."""
    if not stamp:
        return None
    text = stamp.replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def url_path(url: str | None) -> str | None:
    return urlsplit(url).path if url else None


def gather(heat, stack_name: str) -> StackView:
    """Everything the report needs from Heat; a failing call is noted, never raised."""
    view = StackView()
    if heat is None:
        view.errors.append("no Heat client: the undercloud never started")
        return view
    try:
        view.stack = heat.find(stack_name)
        if view.stack is None:
            return view
        resources = heat.resources(view.stack, nested_depth=5)
        view.servers = _servers(heat, stack_name, resources)
        view.failed_resources = [r for r in resources
                                 if r.get("resource_status", "").endswith("_FAILED")]
        view.deployments = _deployments(heat, view)
    except Exception as error:  # report what was read so far: a diagnosis must not crash
        view.errors.append(f"reading the stack from Heat: {type(error).__name__}: {error}")
    return view


def _servers(heat, stack_name: str, resources: list[dict]) -> dict:
    servers = {}
    for row in resources:
        if row.get("resource_type") != DEPLOYED_SERVER or not row.get("physical_resource_id"):
            continue
        name, stack_id = stack_of(row)
        member = member_of(name, stack_name)
        if member is None:
            continue
        metadata = heat.resource_metadata(f"/stacks/{name}/{stack_id}", row["resource_name"])
        url = ((metadata.get("os-collect-config") or {}).get("request") or {}).get("metadata_url")
        label = f"{member[0]}-{member[1]}"
        servers[label] = Server(label, row["physical_resource_id"], name, url_path(url) or "")
    return servers


def _deployments(heat, view: StackView) -> list[Deployment]:
    server_ids = {s.server_id for s in view.servers.values()}
    response = heat.heat.request("/software_deployments", "GET")
    if response.status_code >= 400:
        view.errors.append(f"listing software deployments: Heat answered {response.status_code}")
        return []
    configs: dict = {}
    found = []
    for item in response.json().get("software_deployments", []):
        if server_ids and item.get("server_id") not in server_ids:
            continue
        config = configs.get(item["config_id"])
        if config is None:
            config = configs[item["config_id"]] = _config(heat, item["config_id"])
        inputs = {i.get("name"): i.get("value") for i in config.get("inputs") or []}
        found.append(Deployment(
            id=item["id"], server_id=item["server_id"],
            label=view.label_of_server(item["server_id"]),
            name=config.get("name") or item["config_id"],
            resource=_resource_name(inputs, view.stack["stack_name"]),
            config_id=item["config_id"], action=item.get("action", ""),
            status=item.get("status", ""), status_reason=item.get("status_reason", ""),
            created=epoch(item.get("creation_time")), updated=epoch(item.get("updated_time")),
            outputs=item.get("output_values") or {},
            signal_path=url_path(inputs.get("deploy_signal_id"))))
    found.sort(key=lambda d: (d.created or 0, d.label))
    return found


def _resource_name(inputs: dict, stack_name: str) -> str:
    """The deployment resource's name; a deployment group's member is named by its index
    only, so it is shown as `<group>[<index>]`, the group read from its signal object's name
    (`<stack>-<group>-<12>-<index>-<12>`)."""
    name = inputs.get("deploy_resource_name") or ""
    signal = url_path(inputs.get("deploy_signal_id")) or ""
    member = re.fullmatch(rf"{re.escape(stack_name)}-(\w+)-[a-z0-9]{{12}}-\d+-[a-z0-9]{{12}}",
                          signal.rsplit("/", 1)[-1])
    return f"{member[1]}[{name}]" if name.isdigit() and member else name


def _config(heat, config_id: str) -> dict:
    response = heat.heat.request(f"/software_configs/{config_id}", "GET")
    if response.status_code >= 400:
        return {}
    return response.json().get("software_config", {})
