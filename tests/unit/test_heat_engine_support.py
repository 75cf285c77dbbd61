"""Shared set-up for the Heat engine tests: the real Keystone and Swift models, a ManualClock,
an engine without its worker thread (tests drive it with step()), and the templates real Heat was
recorded with (reference/real-heat/templates: group.yaml of server.yaml members; same
content, parameters written in flow style)."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from fakes.clock import ManualClock
from fakes.endpoints import Endpoints
from fakes.heat.engine import HeatEngine
from fakes.keystone.model import KeystoneModel
from fakes.swift.model import SwiftModel

GROUP_YAML = """\
heat_template_version: wallaby
description: ResourceGroup of nested deployed-server templates (TripleO-like)
parameters:
  count: {type: number, default: 2}
  config_transport: {type: string, default: POLL_SERVER_HEAT}
  signal_transport: {type: string, default: HEAT_SIGNAL}
resources:
  Compute:
    type: OS::Heat::ResourceGroup
    properties:
      count: {get_param: count}
      resource_def:
        type: OS::Test::Server
        properties:
          index: '%index%'
          server_name: compute
          config_transport: {get_param: config_transport}
          signal_transport: {get_param: signal_transport}
outputs:
  server_ids:
    value: {get_attr: [Compute, server_id]}
  server_names:
    value: {get_attr: [Compute, server_name]}
  refs_map:
    value: {get_attr: [Compute, refs_map]}
"""

SERVER_YAML = """\
heat_template_version: wallaby
description: One deployed server plus a software config and a deployment bound to it
parameters:
  index: {type: number, default: 0}
  server_name: {type: string, default: overcloud-node}
  config_transport: {type: string, default: POLL_SERVER_HEAT}
  signal_transport: {type: string, default: HEAT_SIGNAL}
resources:
  server:
    type: OS::Heat::DeployedServer
    properties:
      name:
        str_replace:
          template: NAME-IDX
          params:
            NAME: {get_param: server_name}
            IDX: {get_param: index}
      software_config_transport: {get_param: config_transport}
  config:
    type: OS::Heat::SoftwareConfig
    properties:
      group: script
      inputs:
        - name: greeting
          default: hello
      outputs:
        - name: result
      config: |
        #!/bin/sh
        echo "${greeting} world" > ${heat_outputs_path}.result
  deployment:
    type: OS::Heat::SoftwareDeployment
    properties:
      name: deploy-hello
      config: {get_resource: config}
      server: {get_resource: server}
      signal_transport: {get_param: signal_transport}
      actions: ['CREATE', 'UPDATE']
      input_values:
        greeting: hi
outputs:
  server_id:
    value: {get_resource: server}
  server_name:
    value: {get_attr: [server, name]}
  os_collect_config:
    value: {get_attr: [server, os_collect_config]}
  deploy_stdout:
    value: {get_attr: [deployment, deploy_stdout]}
  deploy_status_code:
    value: {get_attr: [deployment, deploy_status_code]}
"""
FILES = {"server.yaml": SERVER_YAML}
ENVIRONMENT = {"resource_registry": {"OS::Test::Server": "server.yaml"}}
OK = {"deploy_status_code": 0, "deploy_stdout": "hi world", "deploy_stderr": ""}


class Cloud:
    def __init__(self) -> None:
        self.clock = ManualClock(1_800_000_000.0)
        self.endpoints = Endpoints()
        self.keystone = KeystoneModel(self.clock, self.endpoints, password="secret")
        self.swift = SwiftModel(self.clock)
        self.engine = HeatEngine(self.clock, self.keystone, self.swift, self.endpoints,
                                 background=False)
        self.tenant = self.keystone.admin_project_id

    def create_group(self, name: str = "rg", **params):
        params.setdefault("config_transport", "POLL_TEMP_URL")
        params.setdefault("signal_transport", "TEMP_URL_SIGNAL")
        identity = self.engine.create_stack(self.tenant, name, GROUP_YAML, params, dict(FILES),
                                            ENVIRONMENT, timeout_mins=60)
        self.engine.step()
        return identity

    def stack(self, identity) -> dict:
        return self.engine.show_stack(self.tenant, identity)

    def status(self, identity) -> str:
        stack = self.stack(identity)
        return f"{stack['stack_action']}_{stack['stack_status']}"

    def rows(self, identity, depth: int = 5) -> list[dict]:
        return self.engine.list_stack_resources(self.tenant, identity, nested_depth=depth)

    def named(self, identity, name: str) -> list[dict]:
        return [r for r in self.rows(identity) if r["resource_name"] == name]

    def metadata(self, server_row: dict) -> dict:
        return self.engine.resource_metadata(self.tenant, server_row["stack_identity"],
                                             server_row["resource_name"])

    def swift_get(self, url: str):
        return self.swift.get_object(*swift_path(url))

    def signal_url(self, server_row: dict) -> str:
        entry = self.metadata(server_row)["deployments"][-1]
        return next(i["value"] for i in entry["inputs"] if i["name"] == "deploy_signal_id")

    def put_signal(self, server_row: dict, payload: dict, advance: float = 2.0) -> None:
        """What heat-config-notify does for TEMP_URL_SIGNAL: PUT JSON at deploy_signal_id."""
        self.clock.advance(advance)
        self.swift.put_object(*swift_path(self.signal_url(server_row)),
                              json.dumps(payload).encode())
        self.engine.step()

    def events(self, identity, **kwargs) -> list[dict]:
        """Oldest first, as the CLI prints them."""
        return list(reversed(self.engine.list_events(self.tenant, identity, **kwargs)))


def swift_path(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url).path.split("/")
    return parts[2], parts[3], "/".join(parts[4:])


def joined(row: dict, prefix: str = "resource") -> str:
    return f"{row[prefix + '_action']}_{row[prefix + '_status']}"


@pytest.fixture
def cloud() -> Cloud:
    return Cloud()
