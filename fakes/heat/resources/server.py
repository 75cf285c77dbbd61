"""OS::Heat::DeployedServer (heat/engine/resources/openstack/heat/deployed_server.py and
server_base.py; protocol.md section 2).

Its metadata is what os-collect-config on the node polls: `deployments` (the derived configs of
every deployment bound to this server) and `os-collect-config` (collectors plus the section of
the transport). POLL_TEMP_URL publishes the whole metadata as a Swift object whose GET temp URL
is the `request` collector's metadata_url, and re-PUTs it whenever the deployments change.
POLL_SERVER_HEAT creates a stack user in Keystone that the `heat` collector logs in with.
"""
from __future__ import annotations

import json
import logging
import secrets

from fakes.heat import errors, identifiers
from fakes.heat.resources.base import ResourcePlugin

LOG = logging.getLogger(__name__)
HEAT_TRANSPORTS = ("POLL_SERVER_CFN", "POLL_SERVER_HEAT", "POLL_TEMP_URL", "ZAQAR_MESSAGE")
SUPPORTED_TRANSPORTS = ("POLL_SERVER_HEAT", "POLL_TEMP_URL")
DEFAULT_TRANSPORT = "POLL_TEMP_URL"   # this fake's default, as TripleO deployed servers used
COLLECTOR = {"POLL_TEMP_URL": "request", "POLL_SERVER_HEAT": "heat"}
OCC_SECTIONS = ("heat", "zaqar", "cfn", "request")


def check_choice(value, allowed, supported, where: str, what: str) -> None:
    if value is None:
        return
    if value not in allowed:
        raise errors.StackValidationFailed(
            f'Property error: {where}: "{value}" is not an allowed value '
            f"[{', '.join(allowed)}]")
    if value not in supported:
        raise errors.StackValidationFailed(
            f'{where}: {what} "{value}" is not supported by the fake Heat; use one of '
            f"{', '.join(supported)}")


class DeployedServer(ResourcePlugin):
    type_name = "OS::Heat::DeployedServer"
    name_limit = identifiers.MAX_SERVER_NAME_LENGTH
    attribute_names = ("name", "os_collect_config")

    @classmethod
    def validate_properties(cls, props: dict, resource_name: str) -> None:
        check_choice(props.get("software_config_transport"), HEAT_TRANSPORTS,
                     SUPPORTED_TRANSPORTS,
                     f"resources.{resource_name}.properties.software_config_transport",
                     "software_config_transport")

    @property
    def transport(self) -> str:
        return self.props.get("software_config_transport") or DEFAULT_TRANSPORT

    @property
    def account(self) -> str:
        return f"AUTH_{self.stack.tenant}"

    # -- lifecycle ------------------------------------------------------------------------
    def handle_create(self) -> None:
        self.resource.resource_id = self.resource.uuid
        self.resource.metadata = {"deployments": [], "os-collect-config": {}}
        self._setup_transport()
        self.engine.servers[self.resource.resource_id] = self
        self.publish()

    def handle_update(self, old_props: dict) -> None:
        old_transport = (old_props or {}).get("software_config_transport") or DEFAULT_TRANSPORT
        old_swift = (old_props or {}).get("deployment_swift_data") or {}
        if old_transport != self.transport or old_swift != \
                (self.props.get("deployment_swift_data") or {}):
            self._teardown_transport()
            self._setup_transport()
        self.publish()

    def handle_delete(self) -> None:
        self.engine.servers.pop(self.resource.resource_id, None)
        self._teardown_transport()

    # -- transports -----------------------------------------------------------------------
    def _setup_transport(self) -> None:
        occ = self.resource.metadata.setdefault("os-collect-config", {})
        occ["collectors"] = [COLLECTOR[self.transport], "local"]
        for key in OCC_SECTIONS:  # override what an earlier transport configured
            if isinstance(occ.get(key), dict):
                occ[key] = {k: None for k in occ[key]}
        if self.transport == "POLL_TEMP_URL":
            occ["request"] = {"metadata_url": self._create_temp_url()}
        else:
            occ["heat"] = self._create_stack_user()

    def _create_temp_url(self) -> str:
        swift_data = self.props.get("deployment_swift_data") or {}
        data = self.resource.data
        data["container"] = swift_data.get("container") or self.resource.physical_name
        data["object"] = (swift_data.get("object") or data.get("object")
                          or identifiers.new_uuid())
        swift = self.engine.swift
        swift.put_container(self.account, data["container"])
        root = self.engine.endpoints.swift_root
        data["metadata_put_url"] = root + swift.temp_url("PUT", self.account,
                                                         data["container"], data["object"])
        return root + swift.temp_url("GET", self.account, data["container"], data["object"])

    def _create_stack_user(self) -> dict:
        data = self.resource.data
        data["password"] = secrets.token_urlsafe(24)
        data["user_id"] = self.engine.keystone.create_user(
            self.resource.physical_name, data["password"], self.stack.tenant)
        return {"user_id": data["user_id"], "password": data["password"],
                "auth_url": self.engine.endpoints.identity_url,
                "project_id": self.stack.tenant, "stack_id": self.stack.path,
                "resource_name": self.name, "region_name": None}

    def _teardown_transport(self) -> None:
        data = self.resource.data
        if data.get("container") and data.get("object"):
            self.engine.delete_swift_object(self.account, data["container"], data["object"])
            data.pop("metadata_put_url", None)
        if data.get("user_id"):
            self.engine.keystone.delete_user(data.pop("user_id"))

    # -- metadata -------------------------------------------------------------------------
    def publish(self) -> None:
        """Store the server's deployments and PUT the whole metadata (POLL_TEMP_URL)."""
        metadata = self.resource.metadata
        metadata["deployments"] = self.engine.software.server_deployments(
            self.resource.resource_id)
        self.resource.metadata = {"deployments": metadata["deployments"],
                                  "os-collect-config": metadata.get("os-collect-config", {})}
        data = self.resource.data
        if self.transport == "POLL_TEMP_URL" and data.get("metadata_put_url"):
            body = json.dumps(self.resource.metadata).encode()
            try:
                self.engine.swift.put_object(self.account, data["container"], data["object"],
                                             body)
            except Exception as exc:  # noqa: BLE001 - Heat only logs a failed metadata PUT
                LOG.warning("metadata PUT for server %s failed: %s", self.name, exc)

    def attribute(self, name: str):
        if name == "name":
            return self.props.get("name") or self.resource.physical_name
        if name == "os_collect_config":
            return self.resource.metadata.get("os-collect-config")
        return super().attribute(name)
