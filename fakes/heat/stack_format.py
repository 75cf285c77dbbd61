"""Engine-format dicts (heat/engine/api.py format_stack, format_stack_resource,
format_stack_output): identities as dicts, action and status apart; the API layer builds the
links and joins the statuses."""
from __future__ import annotations

import json
import weakref

from fakes.heat import identifiers
from fakes.heat.functions import resolve
from fakes.heat.stack_context import StackContext, parameter_values

PSEUDO_ORDER = ("OS::stack_id", "OS::project_id", "OS::stack_name")


def stringify(value) -> str:
    """Stack show prints every parameter value as a string (heat/engine/parameters.py)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value)
    return "" if value is None else str(value)


def shown_parameters(stack) -> dict:
    values = parameter_values(stack)
    names = list(PSEUDO_ORDER) + [n for n in stack.template.parameters if n in values]
    return {name: stringify(values[name]) for name in names}


def output_value(stack, name: str):
    """Resolve one output now; raises what resolution raises."""
    return resolve(stack.template.outputs[name]["value"], StackContext(stack),
                   ["outputs", name, "value"])


def format_output(stack, name: str, resolve_value: bool = True) -> dict:
    output = {"output_key": name,
              "description": stack.template.outputs[name].get("description")}
    if resolve_value:
        try:
            output["output_value"] = output_value(stack, name)
        except Exception as exc:  # noqa: BLE001 - Heat shows the error next to the output
            output["output_value"] = None
            output["output_error"] = getattr(exc, "message", None) or str(exc)
    return output


def format_stack(stack, resolve_outputs: bool = True, summary: bool = False,
                 owner: str = "admin") -> dict:
    formatted = {
        "stack_identity": stack.identity,
        "stack_name": stack.name,
        "id": stack.id,
        "creation_time": identifiers.isotime(stack.created_at),
        "updated_time": identifiers.isotime(stack.updated_at),
        "deletion_time": identifiers.isotime(stack.deleted_at),
        "stack_action": stack.action,
        "stack_status": stack.status,
        "stack_status_reason": stack.status_reason,
        "stack_owner": getattr(stack, "username", owner),
        "parent": stack.parent_id,
        "stack_user_project_id": stack.tenant,
        "tags": list(stack.tags) if stack.tags else None,
        "project": stack.tenant,
    }
    if summary:
        formatted["description"] = stack.template.description
        return formatted
    formatted.update({
        "notification_topics": [],
        "parameters": shown_parameters(stack),
        "description": stack.template.description,
        "template_description": stack.template.description,
        "capabilities": [],
        "disable_rollback": stack.disable_rollback,
        "timeout_mins": stack.timeout_mins,
        "tags": list(stack.tags or []),
    })
    if resolve_outputs and not stack.deleted:
        formatted["outputs"] = [format_output(stack, name)
                                for name in sorted(stack.template.outputs)]
    return formatted


_REQUIRED_BY: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def required_by(res) -> list[str]:
    """Names in the stack that depend on this resource (computed once per template)."""
    template = res.stack.template
    needers = _REQUIRED_BY.get(template)
    if needers is None:
        needers = {}
        for name in template.resources:
            for dep in template.dependencies(name):
                needers.setdefault(dep, []).append(name)
        _REQUIRED_BY[template] = needers
    return [name for name in needers.get(res.name, []) if name in res.stack.resources]


def format_resource(res, detail: bool = False, with_attr: list | None = None) -> dict:
    stack = res.stack
    formatted = {
        "resource_identity": dict(stack.identity, path=f"/resources/{res.name}"),
        "stack_identity": stack.identity,
        "stack_name": stack.name,
        "resource_name": res.name,
        "logical_resource_id": res.name,
        "physical_resource_id": res.resource_id or "",
        "resource_action": res.action,
        "resource_status": res.status,
        "resource_status_reason": res.status_reason,
        "resource_type": res.type_name,
        "creation_time": identifiers.isotime(res.created_at),
        "updated_time": identifiers.isotime(res.updated_at or res.created_at),
        "required_by": required_by(res),
        "metadata": res.metadata,
    }
    nested_id = res.plugin.nested_stack_id() if res.plugin else None
    if nested_id:
        child = res.stack and res.plugin.engine.stacks.get(nested_id)
        if child is not None:
            formatted["nested_stack_identity"] = child.identity
    if stack.owner_resource:
        formatted["parent_resource"] = stack.owner_resource
    if detail:
        formatted["description"] = res.definition.get("description") or ""
        formatted["attributes"] = res.plugin.shown_attributes(with_attr) if res.plugin else {}
    return formatted
