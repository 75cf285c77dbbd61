"""Engine-format stack, output and software-config dicts -> the JSON Heat's API answers.

The engine returns what Heat's `heat/engine/api.py` format_* functions return (identities as
dicts, action and status apart); this module does what `heat/api/openstack/v1/views/` and the
controllers do on top: identities become absolute links, `stack_action` is joined into
`stack_status`, keys the API never shows are dropped. Key order follows the recorded traces.
"""
from __future__ import annotations

import time
from typing import Any, Iterable
from urllib.parse import urlencode

from fakes.heat.api_common import Links

STACK_SHOW_KEYS = (
    "stack_name", "id", "links", "creation_time", "updated_time", "deletion_time",
    "notification_topics", "parameters", "description", "template_description", "capabilities",
    "disable_rollback", "timeout_mins", "stack_owner", "parent", "stack_user_project_id", "tags",
    "stack_status", "stack_status_reason", "outputs",
)
STACK_LIST_KEYS = (
    "id", "links", "project", "stack_name", "description", "stack_status", "stack_status_reason",
    "creation_time", "updated_time", "deletion_time", "stack_owner", "parent",
    "stack_user_project_id", "tags",
)
STACK_TIME_KEYS = ("creation_time", "updated_time", "deletion_time")
CONFIG_LIST_KEYS = ("id", "name", "group", "creation_time")
CONFIG_KEYS = ("id", "name", "group", "creation_time", "config", "inputs", "outputs", "options")
DEPLOYMENT_KEYS = ("id", "server_id", "input_values", "output_values", "action", "status",
                   "status_reason", "config_id", "creation_time", "updated_time")


def isotime(value: Any) -> str | None:
    """Heat's timeutils.isotime: `YYYY-MM-DDTHH:MM:SSZ`; accepts epoch seconds or a string."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(value))
    text = str(value)
    if text.endswith("Z") and "." not in text:
        return text
    # "2026-11-29T01:04:39.123456" or "+00:00" forms from a careless caller: cut to seconds.
    return text[:19] + "Z"


def joined_status(record: dict, action_key: str, status_key: str) -> str | None:
    status = record.get(status_key)
    action = record.get(action_key)
    if action and status is not None:
        return f"{action}_{status}"
    return status


def stack_identity(stack: dict) -> dict:
    identity = stack.get("stack_identity")
    if identity:
        return identity
    # Tolerate an engine that hands back flat fields instead of an identity dict.
    return {"tenant": stack.get("stack_owner_project") or stack.get("tenant") or stack["project"],
            "stack_name": stack["stack_name"], "stack_id": stack["id"], "path": ""}


def _stack_fields(links: Links, stack: dict, include_project: bool) -> dict:
    identity = stack_identity(stack)
    fields = dict(stack)
    fields["id"] = identity["stack_id"]
    fields["stack_name"] = identity["stack_name"]
    fields["links"] = [links.link(identity)]
    if include_project:
        fields["project"] = identity["tenant"]
    fields["stack_status"] = joined_status(stack, "stack_action", "stack_status")
    for key in STACK_TIME_KEYS:
        fields[key] = isotime(stack.get(key))
    return fields


def stack_show(links: Links, stack: dict) -> dict:
    fields = _stack_fields(links, stack, include_project=False)
    shown = {key: fields.get(key) for key in STACK_SHOW_KEYS if key != "outputs"}
    if stack.get("outputs") is not None:
        shown["outputs"] = [output_show(output) for output in stack["outputs"]]
    return {"stack": shown}


def stack_summary(links: Links, stack: dict, include_project: bool) -> dict:
    fields = _stack_fields(links, stack, include_project)
    fields["description"] = ""  # the list never loads templates, so Heat shows ""
    keys = STACK_LIST_KEYS if include_project else tuple(k for k in STACK_LIST_KEYS
                                                         if k != "project")
    return {key: fields.get(key) for key in keys}


def stack_collection(links: Links, stacks: Iterable[dict], include_project: bool,
                     request_url: str, params: list[tuple[str, str]], limit: int | None,
                     count: int | None = None) -> dict:
    """`{"stacks": [...]}` plus a `next` link when exactly `limit` stacks came back
    (views_common.get_collection_links) and `count` when asked for."""
    formatted = [stack_summary(links, stack, include_project) for stack in stacks]
    result: dict[str, Any] = {"stacks": formatted}
    if limit and limit > 0 and len(formatted) == limit:
        next_params = [(k, v) for k, v in params if k != "marker"]
        next_params.append(("marker", formatted[-1]["id"]))
        result["links"] = [{"href": f"{request_url}?{urlencode(next_params)}", "rel": "next"}]
    if count is not None:
        result["count"] = count
    return result


def created_stack(links: Links, identity: dict) -> dict:
    return {"stack": {"id": identity["stack_id"], "links": [links.link(identity)]}}


def output_summary(output: dict) -> dict:
    summary = {"output_key": output["output_key"], "description": output.get("description")}
    if output.get("output_error"):
        summary["output_error"] = output["output_error"]
    return summary


def output_show(output: dict) -> dict:
    shown = {"output_key": output["output_key"], "description": output.get("description"),
             "output_value": output.get("output_value")}
    if output.get("output_error"):
        shown["output_error"] = output["output_error"]
    return shown


def software_config(config: dict, include_project: bool = False) -> dict:
    shown = {key: config.get(key) for key in CONFIG_KEYS}
    shown["creation_time"] = isotime(config.get("creation_time"))
    if include_project and config.get("project"):
        shown["project"] = config["project"]
    return shown


def software_config_summary(config: dict, include_project: bool = False) -> dict:
    shown = {key: config.get(key) for key in CONFIG_LIST_KEYS}
    shown["creation_time"] = isotime(config.get("creation_time"))
    if include_project and config.get("project"):
        shown["project"] = config["project"]
    return shown


def software_deployment(deployment: dict) -> dict:
    """`updated_time` only once the deployment has been updated (heat/engine/api.py)."""
    shown = {key: deployment.get(key) for key in DEPLOYMENT_KEYS if key != "updated_time"}
    shown["creation_time"] = isotime(deployment.get("creation_time"))
    if deployment.get("updated_time"):
        shown["updated_time"] = isotime(deployment["updated_time"])
    return shown
