"""Render the overcloud template set from roles data, a plan, counts and node addresses.

The shape follows tripleo-heat-templates so that get-occ-config.sh and the guide's commands work:

    overcloud.yaml                   <Role>: OS::Heat::ResourceGroup of OS::TripleO::<Role>
      puppet/<role>-role.yaml        <Role> (NovaCompute for Compute): OS::TripleO::<Role>Server
                                     + the plan's leading per-node waves (one deployment each)
        deployed-server/deployed-server.yaml   deployed-server: OS::Heat::DeployedServer
    overcloud.yaml also holds the all-nodes waves: per role a deployment group whose `servers`
    map is the role group's `attributes` of the members' server ids, each wave depending on the
    previous wave of every role (THT's post-deploy steps are built the same way).

Role counts are the `<Role>Count` parameters (defaults CountDefault), as in TripleO.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from harness.overcloud import waves as W
from harness.overcloud.environment import (DEPLOYED_SERVER_TEMPLATE, MergedEnvironment,
                                           load_environments, port_map, resolve_counts)
from harness.overcloud.errors import OvercloudError
from harness.overcloud.plans import Plan, load_plan
from harness.overcloud.roles import Role, load_roles

HOT_VERSION = "rocky"
DEPLOYED_SERVER_YAML = (Path(__file__).parent / "templates" / "deployed-server.yaml").read_text()
NODE_STANDARD = ["wave", "role", "hostname", "node_index", "services", "port_map",
                 "stack_name", "fail_on"]
TOP_STANDARD = ["wave", "role", "nodes", "services", "port_map", "stack_name", "fail_on"]


@dataclass
class Rendered:
    """What `POST /stacks` needs, plus what the harness knows about the nodes to come."""
    stack_name: str
    template: dict
    files: dict
    environment: dict
    parameters: dict
    counts: dict
    hostnames: dict = field(default_factory=dict)   # role -> [hostname by index]

    def stack_body(self, timeout_mins: int | None = None) -> dict:
        body = {"stack_name": self.stack_name, "template": self.template, "files": self.files,
                "environment": self.environment, "parameters": self.parameters,
                "disable_rollback": True}
        if timeout_mins:
            body["timeout_mins"] = timeout_mins
        return body


def role_template_name(role: Role) -> str:
    return f"puppet/{role.name.lower()}-role.yaml"


def render(roles: list[Role] | str | Path | None = None, plan: Plan | str | Path | None = None,
           *, stack_name: str = "overcloud", counts: dict[str, int] | None = None,
           addresses: dict[str, str] | None = None,
           environment_files: list[str | Path] = ()) -> Rendered:
    """The template set, environment and parameters for an overcloud stack.

    `roles`/`plan` are loaded from files when given as paths (None: the defaults); `counts`
    override the environments' `<Role>Count`; `addresses` (hostname -> IP) fill
    DeployedServerPortMap."""
    roles = roles if isinstance(roles, list) else load_roles(roles)
    plan = plan if isinstance(plan, Plan) else load_plan(plan)
    env = load_environments(list(environment_files), roles)
    resolved = resolve_counts(roles, env, counts)
    hostnames = {r.name: [r.hostname(stack_name, i) for i in range(resolved[r.name])]
                 for r in roles}
    parameters = dict(env.parameters)
    parameters.update({f"{name}Count": n for name, n in (counts or {}).items()})
    if addresses:
        parameters["DeployedServerPortMap"] = _port_map(env, addresses, hostnames)
    files = {role_template_name(r): _dump(role_template(r, plan)) for r in roles}
    files[DEPLOYED_SERVER_TEMPLATE] = DEPLOYED_SERVER_YAML
    files.update(env.files)
    return Rendered(stack_name=stack_name, template=overcloud_template(roles, plan),
                    files=files, environment=_environment(roles, env), parameters=parameters,
                    counts=resolved, hostnames=hostnames)


def _port_map(env: MergedEnvironment, addresses: dict, hostnames: dict) -> dict:
    known = {h for names in hostnames.values() for h in names}
    unknown = sorted(set(addresses) - known)
    if unknown:
        raise OvercloudError(f"addresses given for {', '.join(unknown)}, which is not a node "
                             f"of this overcloud; the nodes are {', '.join(sorted(known))}")
    merged = dict(env.parameters.get("DeployedServerPortMap")
                  or env.parameter_defaults.get("DeployedServerPortMap") or {})
    merged.update(port_map(addresses))
    return merged


def _environment(roles: list[Role], env: MergedEnvironment) -> dict:
    registry = {"OS::TripleO::DeployedServer::Bootstrap": "OS::Heat::None"}
    for role in roles:
        registry[f"OS::TripleO::{role.name}"] = role_template_name(role)
        registry[f"OS::TripleO::{role.name}Server"] = DEPLOYED_SERVER_TEMPLATE
    registry.update(env.resource_registry)
    return {"parameter_defaults": dict(env.parameter_defaults), "resource_registry": registry}


def _dump(template: dict) -> str:
    return yaml.safe_dump(template, sort_keys=False, default_flow_style=False, width=100)


def _common_parameters(plan: Plan, waves) -> dict:
    params = {
        "DeployedServerPortMap": {"type": "json", "default": {},
                                  "description": "<hostname>-ctlplane -> fixed_ips, as THT"},
        "SoftwareConfigTransport": {"type": "string", "default": "POLL_TEMP_URL"},
        "DeploymentSignalTransport": {"type": "string", "default": "TEMP_URL_SIGNAL"},
    }
    for wave in waves:
        if wave.group == "script":
            params[f"{wave.name}FailOn"] = {
                "type": "string", "default": wave.fail_on,
                "description": f"hostname or <role>-<index> where wave {wave.name} fails"}
    return params


def overcloud_template(roles: list[Role], plan: Plan) -> dict:
    params = {}
    for role in roles:
        params[f"{role.name}Count"] = {"type": "number", "default": role.count_default}
        params[f"{role.name}HostnameFormat"] = {"type": "string",
                                                 "default": role.hostname_format}
        params[f"{role.name}Services"] = {"type": "json", "default": list(role.services)}
    params.update(_common_parameters(plan, plan.waves))
    resources = {role.name: _role_group(role, plan) for role in roles}
    previous = [role.name for role in roles]
    for wave in plan.top_waves():
        config_name = f"{wave.name}Config"
        resources[config_name] = W.config_resource(wave, TOP_STANDARD)
        current = []
        for role in roles:
            name = f"{role.name}{wave.name}Deployment"
            props = W.deployment_properties(wave, config_name, _top_inputs(wave, role, roles))
            props["servers"] = {"get_attr": [role.name, "attributes", "server_id"]}
            resources[name] = {"type": W.deployment_type(wave, group=True),
                               "depends_on": list(previous), "properties": props}
            current.append(name)
        previous = current
    outputs = {f"{role.name}Nodes": {"value": {"get_attr": [role.name, "attributes", "node"]}}
               for role in roles}
    return {"heat_template_version": HOT_VERSION,
            "description": f"Overcloud on already deployed servers (plan {plan.name})",
            "parameters": params, "resources": resources, "outputs": outputs}


def _role_group(role: Role, plan: Plan) -> dict:
    member = {"NodeIndex": "%index%",
              "HostnameFormat": {"get_param": f"{role.name}HostnameFormat"},
              "StackName": {"get_param": "OS::stack_name"},
              "Services": {"get_param": f"{role.name}Services"}}
    for name in ("DeployedServerPortMap", "SoftwareConfigTransport", "DeploymentSignalTransport"):
        member[name] = {"get_param": name}
    for wave in plan.node_waves():
        if wave.group == "script":
            member[f"{wave.name}FailOn"] = {"get_param": f"{wave.name}FailOn"}
    return {"type": "OS::Heat::ResourceGroup",
            "properties": {"count": {"get_param": f"{role.name}Count"},
                           "resource_def": {"type": f"OS::TripleO::{role.name}",
                                            "properties": member}}}


def _top_inputs(wave, role: Role, roles: list[Role]) -> dict:
    return {"wave": wave.name, "role": role.name,
            "nodes": [{"get_attr": [r.name, "attributes", "node"]} for r in roles],
            "services": {"get_param": f"{role.name}Services"},
            "port_map": {"get_param": "DeployedServerPortMap"},
            "stack_name": {"get_param": "OS::stack_name"},
            "fail_on": {"get_param": f"{wave.name}FailOn"}}


def role_template(role: Role, plan: Plan) -> dict:
    """The member template of a role's group: the server and the per-node waves."""
    params = {"NodeIndex": {"type": "string", "default": "0"},
              "HostnameFormat": {"type": "string", "default": role.hostname_format},
              "StackName": {"type": "string", "default": "overcloud"},
              "Services": {"type": "json", "default": list(role.services)}}
    params.update(_common_parameters(plan, plan.node_waves()))
    hostname = {"str_replace": {"template": {"get_param": "HostnameFormat"},
                                "params": {"%stackname%": {"get_param": "StackName"},
                                           "%index%": {"get_param": "NodeIndex"}}}}
    server = role.server_resource
    server_id = {"get_attr": [server, "server_id"]}
    resources = {server: {"type": f"OS::TripleO::{role.name}Server",
                          "properties": {"name": hostname, "software_config_transport":
                                         {"get_param": "SoftwareConfigTransport"}}}}
    previous = server
    for wave in plan.node_waves():
        config_name, name = f"{wave.name}Config", f"{wave.name}Deployment"
        resources[config_name] = W.config_resource(wave, NODE_STANDARD)
        props = W.deployment_properties(wave, config_name, {
            "wave": wave.name, "role": role.name, "hostname": hostname,
            "node_index": {"get_param": "NodeIndex"}, "services": {"get_param": "Services"},
            "port_map": {"get_param": "DeployedServerPortMap"},
            "stack_name": {"get_param": "StackName"},
            "fail_on": {"get_param": f"{wave.name}FailOn"}})
        props["server"] = server_id
        resources[name] = {"type": W.deployment_type(wave, group=False),
                           "depends_on": [previous], "properties": props}
        previous = name
    node = {"server_id": server_id, "hostname": hostname, "role": role.name,
            "index": {"get_param": "NodeIndex"}}
    return {"heat_template_version": HOT_VERSION,
            "description": f"One {role.name} node: the deployed server and its per-node waves",
            "parameters": params, "resources": resources,
            "outputs": {"server_id": {"value": server_id}, "hostname": {"value": hostname},
                        "node": {"value": node}}}
