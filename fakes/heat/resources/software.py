"""OS::Heat::SoftwareConfig / StructuredConfig and SoftwareDeployment / StructuredDeployment
(heat/engine/resources/openstack/heat/software_config.py, structured_config.py,
software_deployment.py; protocol.md section 3).

A deployment creates a *derived config* per action (new id each time, which is what makes the
agent run it again) whose inputs are: the source's declared inputs, extra input_values, then
the deploy_* inputs of Heat. It then waits for the signal: TEMP_URL_SIGNAL (the agent PUTs
JSON to a Swift temp URL that the engine reads), HEAT_SIGNAL (the agent calls the resource
signal API as a stack user) or NO_SIGNAL (complete at once).
"""
from __future__ import annotations

import secrets

from fakes.heat import errors
from fakes.heat.deployments import COMPLETE, FAILED, IN_PROGRESS, STATUS_CODE, STDERR, STDOUT
from fakes.heat.resources.base import ResourcePlugin, required
from fakes.heat.resources.server import check_choice

HEAT_SIGNAL_TRANSPORTS = ("CFN_SIGNAL", "TEMP_URL_SIGNAL", "HEAT_SIGNAL", "NO_SIGNAL",
                          "ZAQAR_SIGNAL")
SUPPORTED_SIGNAL_TRANSPORTS = ("TEMP_URL_SIGNAL", "HEAT_SIGNAL", "NO_SIGNAL")
DEFAULT_SIGNAL_TRANSPORT = "TEMP_URL_SIGNAL"  # this fake's default (TripleO deployed servers)
DEFAULT_ACTIONS = ("CREATE", "UPDATE")
ALL_ACTIONS = ("CREATE", "UPDATE", "DELETE", "SUSPEND", "RESUME")
DESCRIPTIONS = {
    "deploy_server_id": "ID of the server being deployed to",
    "deploy_action": "Name of the current action being deployed",
    "deploy_stack_id": "ID of the stack this deployment belongs to",
    "deploy_resource_name": "Name of this deployment resource in the stack",
    "deploy_signal_transport": "How the server should signal to heat with the deployment "
                               "output values.",
    "deploy_signal_id": "ID of signal to use for signaling output values",
    "deploy_signal_verb": "HTTP verb to use for signaling output values",
    "deploy_auth_url": "URL for API authentication",
    "deploy_username": "Username for API authentication",
    "deploy_user_id": "User ID for API authentication",
    "deploy_password": "Password for API authentication",
    "deploy_project_id": "ID of project for API authentication",
}
EMPTY_CONFIG = {"group": "Heat::Ungrouped", "config": "", "inputs": [], "outputs": [],
                "options": {}, "name": None}


class SoftwareConfig(ResourcePlugin):
    type_name = "OS::Heat::SoftwareConfig"
    attribute_names = ("config",)
    update_replace = True   # Heat allows no property updates: a new config replaces it

    def handle_create(self) -> None:
        props = self.props
        io = [{**item, "description": item.get("description") or ""}
              for item in props.get("inputs") or []]
        outs = [{**item, "description": item.get("description") or ""}
                for item in props.get("outputs") or []]
        config = self.engine.software.create_config(
            self.stack.tenant, self.resource.physical_name, props.get("group") or
            "Heat::Ungrouped", self.config_value(), io, outs, props.get("options") or {})
        self.resource.resource_id = config["id"]

    def config_value(self):
        return self.props.get("config") or ""

    def handle_delete(self) -> None:
        configs = self.engine.software.configs
        if self.resource.resource_id in configs:
            del configs[self.resource.resource_id]

    def attribute(self, name: str):
        if name == "config":
            row = self.engine.software.configs.get(self.resource.resource_id)
            return row["config"] if row else None
        return super().attribute(name)


class StructuredConfig(SoftwareConfig):
    type_name = "OS::Heat::StructuredConfig"

    def config_value(self):
        return self.props.get("config") or {}


class SoftwareDeployment(ResourcePlugin):
    type_name = "OS::Heat::SoftwareDeployment"
    attribute_names = (STDOUT, STDERR, STATUS_CODE)
    supports_signal = True

    @classmethod
    def validate_properties(cls, props: dict, resource_name: str) -> None:
        where = f"resources.{resource_name}.properties"
        check_choice(props.get("signal_transport"), HEAT_SIGNAL_TRANSPORTS,
                     SUPPORTED_SIGNAL_TRANSPORTS, f"{where}.signal_transport",
                     "signal_transport")
        for action in props.get("actions") or []:
            if action not in ALL_ACTIONS:
                raise errors.StackValidationFailed(
                    f'Property error: {where}.actions: "{action}" is not an allowed value '
                    f"[{', '.join(ALL_ACTIONS)}]")

    @property
    def transport(self) -> str:
        return self.props.get("signal_transport") or DEFAULT_SIGNAL_TRANSPORT

    @property
    def actions(self) -> list:
        actions = self.props.get("actions")
        return list(DEFAULT_ACTIONS if actions is None else actions)

    # -- lifecycle ------------------------------------------------------------------------
    def handle_create(self) -> None:
        required(self.props, "server", self.name)
        self._setup_signal()
        self._handle_action("CREATE")

    def check_create_complete(self) -> bool:
        return self._check_complete()

    def needs_replace(self, new_props: dict, old_props: dict) -> bool:
        """`server` and `signal_transport` cannot change in place (no update_allowed), nor
        an input declared replace_on_change."""
        if any(new_props.get(k) != old_props.get(k) for k in ("server", "signal_transport")):
            return True
        new_values = new_props.get("input_values") or {}
        old_values = old_props.get("input_values") or {}
        return any(i.get("replace_on_change") and
                   new_values.get(i["name"]) != old_values.get(i["name"])
                   for i in self._source_config().get("inputs") or [])

    def handle_update(self, old_props: dict) -> None:
        self._handle_action("UPDATE")

    def check_update_complete(self) -> bool:
        return self._check_complete()

    def handle_delete(self) -> None:
        if self.resource.resource_id and "DELETE" in self.actions:
            self._handle_action("DELETE")
        else:
            self.resource.data["waiting"] = False

    def check_delete_complete(self) -> bool:
        if not self._check_complete():
            return False
        self._cleanup()
        return True

    def handle_cancel(self) -> None:
        row = self.engine.software.deployments.get(self.resource.resource_id or "")
        if row is not None and row["status"] == IN_PROGRESS:
            self.engine.software.update_deployment(row["id"], status=FAILED,
                                                   status_reason="Deployment cancelled.")

    def signal(self, details) -> str | None:
        if not self.resource.resource_id:
            return None
        return self.engine.software.signal(self.resource.resource_id, details,
                                           self.engine.clock.now())

    # -- the deployment -------------------------------------------------------------------
    def _source_config(self) -> dict:
        config_id = self.props.get("config")
        return self.engine.software.config_row(config_id) if config_id else EMPTY_CONFIG

    def _handle_action(self, action: str) -> None:
        source = self._source_config()
        self.resource.data["waiting"] = False
        if action not in self.actions:
            return
        inputs = self._derived_inputs(action, source)
        derived = self.engine.software.create_config(
            self.stack.tenant, self.props.get("name") or source.get("name")
            or self.resource.physical_name, source.get("group") or "Heat::Ungrouped",
            self.derived_config(source, inputs), inputs, source.get("outputs"),
            source.get("options") or {})
        no_signal = self.transport == "NO_SIGNAL"
        status = COMPLETE if no_signal else IN_PROGRESS
        reason = "Not waiting for outputs signal" if no_signal else "Deploy data available"
        software = self.engine.software
        if self.resource.resource_id is None:
            self.resource.resource_id = self.resource.uuid
            software.create_deployment(
                self.stack.tenant, self.props["server"], derived["id"],
                self.props.get("input_values") or {}, action, status, reason,
                self.stack.tenant, deployment_id=self.resource.resource_id)
        else:
            previous = software.deployment_row(self.resource.resource_id)["config_id"]
            software.update_deployment(self.resource.resource_id, config_id=derived["id"],
                                       input_values=self.props.get("input_values") or {},
                                       action=action, status=status, status_reason=reason)
            if previous and previous != derived["id"]:
                software.configs.pop(previous, None)
        self.resource.data["waiting"] = not no_signal

    def derived_config(self, source: dict, inputs: list):
        return source.get("config")

    def _derived_inputs(self, action: str, source: dict) -> list[dict]:
        values = dict(self.props.get("input_values") or {})
        inputs = []
        for declared in source.get("inputs") or []:
            item = {k: v for k, v in declared.items() if k != "value"}
            item["value"] = values.pop(declared["name"], declared.get("default"))
            inputs.append(item)
        inputs += [{"name": k, "type": "String", "value": v} for k, v in values.items()]
        derived = [("deploy_server_id", self.props["server"]), ("deploy_action", action),
                   ("deploy_stack_id", self.stack.path), ("deploy_resource_name", self.name),
                   ("deploy_signal_transport", self.transport)]
        data = self.resource.data
        if self.transport == "TEMP_URL_SIGNAL":
            derived += [("deploy_signal_id", data["signal_url"]), ("deploy_signal_verb", "PUT")]
        elif self.transport == "HEAT_SIGNAL":
            derived += [("deploy_auth_url", self.engine.endpoints.identity_url),
                        ("deploy_username", self.resource.physical_name),
                        ("deploy_user_id", data["user_id"]),
                        ("deploy_password", data["password"]),
                        ("deploy_project_id", self.stack.tenant)]
        inputs += [{"name": n, "description": DESCRIPTIONS[n], "type": "String", "value": v}
                   for n, v in derived]
        return inputs

    def _check_complete(self) -> bool:
        if not self.resource.data.get("waiting") or not self.resource.resource_id:
            return True
        row = self.engine.software.deployments.get(self.resource.resource_id)
        if row is None:
            return True
        sd = self.engine.software.show_deployment(row["id"])  # reads a TEMP_URL signal
        if sd["status"] == COMPLETE:
            self.resource.data["waiting"] = False
            return True
        if sd["status"] == FAILED:
            self.resource.data["waiting"] = False
            raise errors.ResourceError(f"Deployment to server failed: {sd['status_reason']}")
        return False

    # -- signal transports ----------------------------------------------------------------
    def _setup_signal(self) -> None:
        data = self.resource.data
        if self.transport == "TEMP_URL_SIGNAL":
            account = f"AUTH_{self.stack.tenant}"
            data["signal_container"], data["signal_object"] = (self.stack.id,
                                                               self.resource.physical_name)
            swift = self.engine.swift
            swift.put_container(account, self.stack.id)
            swift.put_object(account, self.stack.id, data["signal_object"], b"")
            data["signal_url"] = self.engine.endpoints.swift_root + swift.temp_url(
                "PUT", account, self.stack.id, data["signal_object"])
        elif self.transport == "HEAT_SIGNAL":
            data["password"] = secrets.token_urlsafe(24)
            data["user_id"] = self.engine.keystone.create_user(
                self.resource.physical_name, data["password"], self.stack.tenant)

    def _teardown_signal(self) -> None:
        data = self.resource.data
        if data.get("signal_object"):
            self.engine.delete_swift_object(f"AUTH_{self.stack.tenant}",
                                            data.pop("signal_container"),
                                            data.pop("signal_object"))
            data.pop("signal_url", None)
        if data.get("user_id"):
            self.engine.keystone.delete_user(data.pop("user_id"))

    def _cleanup(self) -> None:
        software = self.engine.software
        row = software.deployments.get(self.resource.resource_id or "")
        if row is not None:
            software.delete_deployment(row["id"])
            software.configs.pop(row["config_id"], None)
        self._teardown_signal()

    # -- attributes -----------------------------------------------------------------------
    def attribute(self, name: str):
        row = self.engine.software.deployments.get(self.resource.resource_id or "")
        outputs = (row or {}).get("output_values") or {}
        if name in self.attribute_names:
            return outputs.get(name)
        declared = [o["name"] for o in self._source_config().get("outputs") or []]
        if name in declared:
            return outputs.get(name)
        return super().attribute(name)


class StructuredDeployment(SoftwareDeployment):
    type_name = "OS::Heat::StructuredDeployment"

    def derived_config(self, source: dict, inputs: list):
        key = self.props.get("input_key") or "get_input"
        strict = self.props.get("input_values_validate") == "STRICT"
        values = {i["name"]: i.get("value") for i in inputs}

        def parse(snippet):
            if isinstance(snippet, dict):
                if len(snippet) == 1 and key in snippet:
                    name = snippet[key]
                    if strict and name not in values:
                        raise errors.StackValidationFailed(f"Input {name} not found")
                    return values.get(name)
                return {k: parse(v) for k, v in snippet.items()}
            if isinstance(snippet, list):
                return [parse(v) for v in snippet]
            return snippet
        return parse(source.get("config") or {})
