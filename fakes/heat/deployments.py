"""Software configs and deployments: Heat's service_software_config.py without the RPC.

Rows are plain dicts; `format_*` give Heat's engine format (heat/engine/api.py). A deployment's
TEMP_URL signal is read the way Heat reads it (`_refresh_swift_software_deployment`, protocol.md
3.4): HEAD the signal object, skip it unless its Last-Modified is newer than the deployment's
`updated_time`, GET it, ignore an empty body, treat JSON as the signal.
"""
from __future__ import annotations

import copy
import json
from urllib.parse import urlsplit

from fakes.heat import errors, identifiers

STDOUT, STDERR, STATUS_CODE = "deploy_stdout", "deploy_stderr", "deploy_status_code"
IN_PROGRESS, COMPLETE, FAILED = "IN_PROGRESS", "COMPLETE", "FAILED"


class SoftwareConfigService:
    def __init__(self, clock, swift, on_server_changed) -> None:
        self.clock = clock
        self.swift = swift
        self.on_server_changed = on_server_changed   # callback(server_id): re-publish metadata
        self.configs: dict[str, dict] = {}
        self.deployments: dict[str, dict] = {}
        self.by_server: dict[str, set] = {}   # server id -> deployment ids

    # -- configs --------------------------------------------------------------------------
    def create_config(self, tenant: str, name: str | None, group: str | None, config,
                      inputs=None, outputs=None, options=None) -> dict:
        inputs, outputs = io_list("inputs", inputs), io_list("outputs", outputs)
        row = {"id": identifiers.new_uuid(), "name": name, "group": group or "Heat::Ungrouped",
               "creation_time": self.clock.now(), "config": config,
               "inputs": [normalise_input(i) for i in inputs],
               "outputs": [normalise_output(o) for o in outputs],
               "options": options if options is not None else {}, "tenant": tenant}
        self.configs[row["id"]] = row
        return format_config(row)

    def config_row(self, config_id: str) -> dict:
        row = self.configs.get(config_id)
        if row is None:
            raise errors.EntityNotFound("Software Config", config_id)
        return row

    def show_config(self, config_id: str) -> dict:
        return format_config(self.config_row(config_id))

    def delete_config(self, config_id: str) -> None:
        self.config_row(config_id)
        if any(d["config_id"] == config_id for d in self.deployments.values()):
            raise errors.HeatError400(f"Software Config {config_id} is in use by a "
                                      "deployment; delete the deployment first.", "Invalid")
        del self.configs[config_id]

    def list_configs(self, tenant: str, limit: int | None = None, marker: str | None = None):
        rows = sorted((c for c in self.configs.values() if c["tenant"] == tenant),
                      key=lambda c: c["creation_time"])
        if marker:
            ids = [c["id"] for c in rows]
            rows = rows[ids.index(marker) + 1:] if marker in ids else []
        if limit is not None:
            rows = rows[:int(limit)]
        return [format_config(r) for r in rows]

    # -- deployments ----------------------------------------------------------------------
    def create_deployment(self, tenant: str, server_id: str, config_id: str | None,
                          input_values: dict | None = None, action: str = "INIT",
                          status: str = COMPLETE, status_reason: str = "",
                          stack_user_project_id: str | None = None,
                          deployment_id: str | None = None) -> dict:
        if config_id:
            self.config_row(config_id)
        row = {"id": deployment_id or identifiers.new_uuid(), "config_id": config_id,
               "server_id": server_id, "input_values": dict(input_values or {}),
               "output_values": None, "action": action, "status": status,
               "status_reason": status_reason, "creation_time": self.clock.now(),
               "updated_time": None, "tenant": tenant,
               "stack_user_project_id": stack_user_project_id or tenant}
        self.deployments[row["id"]] = row
        self.by_server.setdefault(server_id, set()).add(row["id"])
        self.on_server_changed(server_id)
        return format_deployment(row)

    def deployment_row(self, deployment_id: str) -> dict:
        row = self.deployments.get(deployment_id)
        if row is None:
            raise errors.EntityNotFound("Software Deployment", deployment_id)
        return row

    def update_deployment(self, deployment_id: str, config_id: str | None = None,
                          input_values: dict | None = None, output_values: dict | None = None,
                          action: str | None = None, status: str | None = None,
                          status_reason: str | None = None,
                          updated_at: float | None = None) -> dict:
        row = self.deployment_row(deployment_id)
        if config_id:
            self.config_row(config_id)
            row["config_id"] = config_id
        for key, value in (("input_values", input_values), ("output_values", output_values),
                           ("action", action), ("status", status),
                           ("status_reason", status_reason)):
            if value is not None:
                row[key] = value
        row["updated_time"] = updated_at if updated_at is not None else self.clock.now()
        if config_id:  # only a new config changes what the server sees
            self.on_server_changed(row["server_id"])
        return format_deployment(row)

    def delete_deployment(self, deployment_id: str) -> None:
        row = self.deployment_row(deployment_id)
        del self.deployments[deployment_id]
        self.by_server.get(row["server_id"], set()).discard(deployment_id)
        self.on_server_changed(row["server_id"])

    def show_deployment(self, deployment_id: str) -> dict:
        row = self.deployment_row(deployment_id)
        if row["status"] == IN_PROGRESS:
            self.refresh_from_swift(row)
        return format_deployment(row)

    def list_deployments(self, tenant: str, server_id: str | None = None) -> list[dict]:
        rows = [d for d in self.deployments.values() if d["tenant"] == tenant
                and (server_id is None or d["server_id"] == server_id)]
        rows.sort(key=lambda d: d["creation_time"])
        return [format_deployment(r) for r in rows]

    def server_deployments(self, server_id: str) -> list[dict]:
        """The derived configs a server sees in its metadata, sorted by config name."""
        rows = (self.deployments[i] for i in self.by_server.get(server_id, ()))
        configs = [self.configs[d["config_id"]] for d in rows if d["config_id"] in self.configs]
        configs.sort(key=lambda c: (c["name"] or "", c["creation_time"]))
        # no copies: the rows never change once written, and this runs on every publish
        return [format_config(c, with_project=False, copy_values=False) for c in configs]

    # -- signals --------------------------------------------------------------------------
    def signal(self, deployment_id: str, details, updated_at: float | None = None) -> str | None:
        """Heat's signal_software_deployment: store outputs, decide COMPLETE / FAILED."""
        row = self.deployment_row(deployment_id)
        if row["status"] != IN_PROGRESS:
            return None  # outputs already received
        if not isinstance(details, dict):
            details = {}
        config = self.configs.get(row["config_id"]) or {"outputs": []}
        code = details.get(STATUS_CODE)
        status, reasons, outputs = COMPLETE, {}, {}
        if code and str(code) != "0":
            status = FAILED
            reasons[STATUS_CODE] = f"Deployment exited with non-zero status code: {code}"
            outcome = f"deployment {deployment_id} failed ({code})"
        else:
            outcome = f"deployment {deployment_id} succeeded"
        for output in config["outputs"]:
            name = output["name"]
            if name in details:
                outputs[name] = details[name]
                if output.get("error_output"):
                    status = FAILED
                    reasons[name] = details[name]
                    outcome = f"deployment {deployment_id} failed"
        for name in (STDOUT, STDERR, STATUS_CODE):
            outputs[name] = details.get(name)
        reason = (", ".join(f"{k} : {v}" for k, v in reasons.items())
                  if status == FAILED else "Outputs received")
        self.update_deployment(deployment_id, output_values=outputs, status=status,
                               status_reason=reason, updated_at=updated_at)
        return outcome

    def refresh_from_swift(self, row: dict) -> None:
        where = temp_url_signal_location(self.configs.get(row["config_id"]))
        if where is None or self.swift is None:
            return
        account, container, name = where
        try:
            info = self.swift.head_object(account, container, name)
            if row["updated_time"] is not None and info.last_modified <= row["updated_time"]:
                return
            info, body = self.swift.get_object(account, container, name)
        except Exception as exc:  # a missing object means "nothing yet", as in Heat
            if type(exc).__name__ == "NotFound":
                return
            raise
        if not body:
            return  # the empty placeholder Heat creates
        try:
            details = json.loads(body)
        except ValueError as exc:  # Heat would raise here; the fake fails it with the cause
            self.update_deployment(
                row["id"], status=FAILED, updated_at=float(info.last_modified),
                status_reason=f"the signal object {container}/{name} is not JSON ({exc}): "
                              f"{body[:80].decode('utf-8', 'replace')!r}")
            return
        self.signal(row["id"], details, updated_at=float(info.last_modified))


def temp_url_signal_location(config: dict | None) -> tuple[str, str, str] | None:
    """(account, container, object) of a TEMP_URL_SIGNAL deployment's signal object."""
    if not config:
        return None
    inputs = {i["name"]: i.get("value") for i in config.get("inputs") or []}
    if inputs.get("deploy_signal_transport") != "TEMP_URL_SIGNAL":
        return None
    parts = urlsplit(inputs.get("deploy_signal_id") or "").path.split("/")
    if len(parts) < 5:
        return None
    return parts[2], parts[-2], parts[-1]


def io_list(kind: str, items) -> list:
    """A config's inputs/outputs: a list of mappings each with a name, else Heat's 400."""
    if items is None:
        return []
    if not isinstance(items, list) or not all(
            isinstance(item, dict) and isinstance(item.get("name"), str) for item in items):
        raise errors.BadRequest(f"The software config {kind} must be a list of mappings, each "
                                f"with a 'name'; got {json.dumps(items)[:200]}")
    return items


def normalise_input(item: dict) -> dict:
    """Key order and defaults of heat/engine/software_config_io.py InputConfig.as_dict."""
    out = {"name": item["name"]}
    if item.get("description") is not None:
        out["description"] = item["description"]
    out["type"] = item.get("type") or "String"
    if item.get("default") is not None:
        out["default"] = item["default"]
    if item.get("replace_on_change"):
        out["replace_on_change"] = True
    if "value" in item:
        out["value"] = item["value"]
    return out


def normalise_output(item: dict) -> dict:
    out = {"name": item["name"]}
    if item.get("description") is not None:
        out["description"] = item["description"]
    out["type"] = item.get("type") or "String"
    out["error_output"] = bool(item.get("error_output", False))
    return out


def format_config(row: dict, with_project: bool = True, copy_values: bool = True) -> dict:
    clone = copy.deepcopy if copy_values else (lambda value: value)
    formatted = {"id": row["id"], "name": row["name"], "group": row["group"],
                 "creation_time": identifiers.isotime(row["creation_time"]),
                 "config": clone(row["config"]), "inputs": clone(row["inputs"]),
                 "outputs": clone(row["outputs"]), "options": clone(row["options"])}
    if with_project:
        formatted["project"] = row["tenant"]
    return formatted


def format_deployment(row: dict) -> dict:
    formatted = {"id": row["id"], "server_id": row["server_id"],
                 "input_values": copy.deepcopy(row["input_values"]),
                 "output_values": copy.deepcopy(row["output_values"]),
                 "action": row["action"], "status": row["status"],
                 "status_reason": row["status_reason"], "config_id": row["config_id"],
                 "creation_time": identifiers.isotime(row["creation_time"])}
    if row["updated_time"] is not None:
        formatted["updated_time"] = identifiers.isotime(row["updated_time"])
    return formatted
