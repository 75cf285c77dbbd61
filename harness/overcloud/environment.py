"""`-e` environment files for the overcloud: loading, merging, the all-or-nothing check, counts
and the DeployedServerPortMap the harness fills from the nodes' addresses.

Environments are merged here, in order, later files winning (what heatclient's
process_multiple_environments_and_files amounts to), and sent to Heat as one environment.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.overcloud.errors import FileError, MixedServersError, OvercloudError
from harness.overcloud.roles import Role, find_role

ENV_SECTIONS = ("parameters", "parameter_defaults", "resource_registry", "event_sinks")
DEPLOYED_SERVER_TEMPLATE = "deployed-server/deployed-server.yaml"
# Resource types that provision servers with Nova or Ironic.
NOVA_IRONIC_TYPES = ("OS::Nova::Server", "OS::Ironic::", "OS::TripleO::Server")


@dataclass
class MergedEnvironment:
    parameters: dict = field(default_factory=dict)
    parameter_defaults: dict = field(default_factory=dict)
    resource_registry: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)   # templates the registry entries point at
    sources: list = field(default_factory=list)


def load_environments(paths: list[str | Path], roles: list[Role]) -> MergedEnvironment:
    merged = MergedEnvironment()
    for path in paths:
        _merge_file(merged, Path(path), roles)
    return merged


def _merge_file(merged: MergedEnvironment, path: Path, roles: list[Role]) -> None:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except OSError as exc:
        raise FileError(str(path), [], f"cannot read the environment file: {exc.strerror}") \
            from None
    except yaml.YAMLError as exc:
        raise FileError(str(path), [], f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise FileError(str(path), [], "an environment file is a mapping with "
                        + ", ".join(ENV_SECTIONS))
    for section, value in data.items():
        if section not in ENV_SECTIONS:
            raise FileError(str(path), [section], "unknown section; an environment has "
                            + ", ".join(ENV_SECTIONS))
        if section != "event_sinks" and not isinstance(value, dict):
            raise FileError(str(path), [section], "this section must be a mapping")
    registry = dict(data.get("resource_registry") or {})
    check_registry(registry, str(path), roles)
    for key, target in registry.items():
        if target.endswith("deployed-server.yaml"):
            registry[key] = DEPLOYED_SERVER_TEMPLATE  # the harness ships its own
        elif target.endswith((".yaml", ".template")):
            merged.files.setdefault(target, _read_template(path, key, target))
    merged.parameters.update(data.get("parameters") or {})
    merged.parameter_defaults.update(data.get("parameter_defaults") or {})
    merged.resource_registry.update(registry)
    merged.sources.append(str(path))


def check_registry(registry: dict, filename: str, roles: list[Role]) -> None:
    """Refuse any mapping that would bring Nova/Ironic servers into a deployed-server overcloud."""
    server_types = {f"OS::TripleO::{role.name}Server" for role in roles} | {"OS::TripleO::Server"}
    for key, target in registry.items():
        where = ["resource_registry", key]
        if not isinstance(target, str):
            raise FileError(filename, where, "a registry entry maps a type to a type name or "
                            "a template file")
        if target.startswith(NOVA_IRONIC_TYPES):
            raise MixedServersError(filename, where, f"{key} is mapped to {target}, a server "
                                    "provisioned by Nova/Ironic")
        if key in server_types and not target.endswith("deployed-server.yaml"):
            raise MixedServersError(filename, where, f"{key} must stay mapped to "
                                    f"{DEPLOYED_SERVER_TEMPLATE}, not {target}")


def _read_template(env_path: Path, key: str, target: str) -> str:
    candidate = (env_path.parent / target)
    try:
        return candidate.read_text()
    except OSError as exc:
        raise FileError(str(env_path), ["resource_registry", key],
                        f"cannot read the template {candidate}: {exc.strerror}") from None


def resolve_counts(roles: list[Role], env: MergedEnvironment,
                   overrides: dict[str, int] | None = None) -> dict[str, int]:
    """Each role's node count, as Heat will see it: --count, else the environments'
    parameters / parameter_defaults `<Role>Count`, else the role's CountDefault."""
    counts = {}
    for role in roles:
        key = f"{role.name}Count"
        value = env.parameters.get(key, env.parameter_defaults.get(key, role.count_default))
        counts[role.name] = _count(value, key, env.sources)
    for name, value in (overrides or {}).items():
        role = find_role(roles, name, "--count")
        counts[role.name] = _count(value, f"--count {name}", [])
    return counts


def _count(value: Any, what: str, sources: list) -> int:
    try:
        count = int(value)
    except (TypeError, ValueError):
        count = -1
    if count < 0 or isinstance(value, bool):
        where = f" (from {', '.join(sources)})" if sources else ""
        raise OvercloudError(f"{what}{where} must be a whole number >= 0, not {value!r}")
    return count


def parse_assignments(items: list[str], what: str) -> dict[str, str]:
    """`NAME=VALUE` command line items as a dict; a malformed one is a clear error."""
    result = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise OvercloudError(f"{what} takes NAME=VALUE, got {item!r}")
        result[name.strip()] = value.strip()
    return result


def port_map(addresses: dict[str, str], prefix: int = 24) -> dict:
    """THT's DeployedServerPortMap for these hostname -> address pairs:
    `{"<hostname>-ctlplane": {"fixed_ips": [{"ip_address": IP}], "subnets": [{"cidr": C}],
    "network": {"tags": [C]}}}` (the shape deployed-neutron-port.yaml reads)."""
    result = {}
    for hostname, address in sorted(addresses.items()):
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            raise OvercloudError(f"address of {hostname}: {address!r} is not an IP address") \
                from None
        cidr = str(ipaddress.ip_network(f"{ip}/{prefix if ip.version == 4 else 64}",
                                        strict=False))
        result[f"{hostname}-ctlplane"] = {"fixed_ips": [{"ip_address": str(ip)}],
                                          "subnets": [{"cidr": cidr}],
                                          "network": {"tags": [cidr]}}
    return result
