"""What Heat holds for the deployed servers, and which of them is a given host.

The lookup follows the guide's manual path with openstacksdk: list the stack's resources
with nested_depth=5, keep the `OS::Heat::DeployedServer` ones, read each one's metadata
(`os-collect-config.request.metadata_url`). A host is matched to its server by host name
(the resource's `name` attribute: its name property, the host name in TripleO), by address (the stack's DeployedServerPortMap
parameter: `<hostname>-ctlplane` -> fixed_ips) and, failing those, by the metadata URL it has set.
"""
from __future__ import annotations

import dataclasses
import json
import urllib.parse

from harness.conformance.settings import Credentials

DEPLOYED_SERVER_TYPE = "OS::Heat::DeployedServer"


@dataclasses.dataclass(frozen=True)
class DeployedServer:
    stack_name: str  # the nested stack holding the resource (the guide's last column)
    stack_id: str
    resource_name: str
    metadata_url: str | None
    hostname: str | None  # the resource's `name` attribute (the server's name property)


@dataclasses.dataclass(frozen=True)
class HeatView:
    stack: str
    servers: tuple[DeployedServer, ...]
    port_map: dict  # DeployedServerPortMap: "<hostname>-ctlplane" -> {"fixed_ips": [...]}


def connect(credentials: Credentials):
    import openstack  # heavy: imported only when credentials are given

    return openstack.connect(
        auth_url=credentials.auth_url, username=credentials.username, password=credentials.password,
        project_name=credentials.project_name, user_domain_name=credentials.user_domain_name,
        project_domain_name=credentials.project_domain_name, region_name=credentials.region_name,
        cacert=credentials.cacert, load_envvars=False, load_yaml_config=False)


def _stack_link(resource: dict) -> tuple[str, str]:
    """(stack name, stack id) from a resource's `stack` link, as heatclient derives them."""
    for link in resource.get("links", []):
        if link.get("rel") == "stack":
            parts = urllib.parse.urlsplit(link["href"]).path.rstrip("/").split("/")
            return urllib.parse.unquote(parts[-2]), parts[-1]
    raise ValueError(f"resource {resource.get('resource_name')!r} has no stack link")


def _json_parameter(value) -> dict:
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value) if value else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def metadata_url_of(metadata: dict) -> str | None:
    request = (metadata.get("os-collect-config") or {}).get("request") or {}
    return request.get("metadata_url")


def load(connection, stack: str) -> HeatView:
    """Read every deployed server of `stack` (one listing, then two GETs per server)."""
    api = connection.orchestration
    top = api.find_stack(stack, ignore_missing=False)
    listing = api.get(f"/stacks/{top.name}/{top.id}/resources", params={"nested_depth": 5})
    listing.raise_for_status()
    servers = []
    for resource in listing.json()["resources"]:
        if resource.get("resource_type") != DEPLOYED_SERVER_TYPE:
            continue
        stack_name, stack_id = _stack_link(resource)
        base = f"/stacks/{stack_name}/{stack_id}"
        metadata = api.get(f"{base}/resources/{resource['resource_name']}/metadata")
        metadata.raise_for_status()
        shown = api.get(f"{base}/resources/{resource['resource_name']}")  # attributes.name: the server name
        shown.raise_for_status()
        attributes = shown.json()["resource"].get("attributes") or {}
        servers.append(DeployedServer(stack_name, stack_id, resource["resource_name"],
                                      metadata_url_of(metadata.json().get("metadata") or {}),
                                      attributes.get("name")))
    port_map = _json_parameter((top.parameters or {}).get("DeployedServerPortMap"))
    return HeatView(stack, tuple(servers), port_map)


def hostnames_for_addresses(port_map: dict, addresses: set[str]) -> set[str]:
    """Host names whose `<hostname>-ctlplane` entry carries one of `addresses`."""
    names = set()
    for key, port in port_map.items():
        ips = {fixed.get("ip_address") for fixed in (port or {}).get("fixed_ips", [])}
        if ips & addresses:
            names.add(key.removesuffix("-ctlplane"))
    return names


def match_server(view: HeatView, hostnames: set[str], addresses: set[str],
                 configured_url: str | None) -> tuple[DeployedServer | None, str]:
    """This host's deployed server and how it was recognised ("" when not found)."""
    short_names = {name.split(".")[0] for name in hostnames} | hostnames
    by_name = [server for server in view.servers if server.hostname and server.hostname in short_names]
    if len(by_name) == 1:
        return by_name[0], f"host name {by_name[0].hostname}"
    mapped = hostnames_for_addresses(view.port_map, addresses)
    by_port = [server for server in view.servers if server.hostname and server.hostname in mapped]
    if len(by_port) == 1:
        return by_port[0], f"DeployedServerPortMap address of {by_port[0].hostname}"
    by_url = [server for server in view.servers if configured_url and server.metadata_url == configured_url]
    if len(by_url) == 1:
        return by_url[0], "the metadata URL set on the host"
    return None, ""


def holds_host(view: HeatView, hostnames: set[str], addresses: set[str], configured_url: str | None) -> str:
    """Why the stack still counts this host as one of its servers ("" when it does not)."""
    server, how = match_server(view, hostnames, addresses, configured_url)
    if server is not None:
        return f"{server.stack_name}/{server.resource_name} (recognised by {how})"
    mapped = hostnames_for_addresses(view.port_map, addresses)
    if mapped:
        return f"DeployedServerPortMap lists {', '.join(sorted(mapped))} with this host's address"
    return ""
