"""Engine-format resource and event dicts -> Heat API JSON (resources.py / events.py format_*).

What the API removes although the engine has it: `stack_name`, `stack_identity`,
`resource_action` (joined into `resource_status`), `nested_stack_identity` (becomes the `nested`
link) and `metadata` (only `/metadata` shows it). `stack_name` in the CLI's table is computed
client-side from the `stack` link, so links must end in `/stacks/<name>/<id>`.
"""
from __future__ import annotations

from fakes.heat.api_common import Links
from fakes.heat.views import isotime, joined_status

RESOURCE_KEYS = (
    "updated_time", "creation_time", "logical_resource_id", "resource_name",
    "physical_resource_id", "resource_status", "resource_status_reason", "resource_type",
    "links", "required_by", "parent_resource", "description", "attributes",
)
EVENT_SUMMARY_KEYS = (
    "id", "links", "event_time", "logical_resource_id", "resource_name", "physical_resource_id",
    "resource_status", "resource_status_reason",
)
EVENT_DETAIL_KEYS = EVENT_SUMMARY_KEYS + ("resource_type", "resource_properties")


def _with_path(identity: dict, path: str) -> dict:
    return {**identity, "path": path}


def resource_identity(resource: dict) -> dict:
    identity = resource.get("resource_identity")
    if identity:
        return identity
    return _with_path(resource["stack_identity"], f"resources/{resource['resource_name']}")


def _stack_of(identity: dict) -> dict:
    return _with_path(identity, "")


def resource_links(links: Links, resource: dict) -> list[dict]:
    identity = resource_identity(resource)
    result = [links.link(identity), links.link(_stack_of(identity), "stack")]
    nested = resource.get("nested_stack_identity")
    if nested:
        result.append(links.link(nested, "nested"))
    return result


def resource_view(links: Links, resource: dict, detail: bool) -> dict:
    """One resource row; `detail` adds `description` and `attributes` (show, with_detail)."""
    creation = isotime(resource.get("creation_time"))
    fields = {
        "updated_time": isotime(resource.get("updated_time")) or creation,
        "creation_time": creation,
        "logical_resource_id": resource["resource_name"],
        "resource_name": resource["resource_name"],
        "physical_resource_id": resource.get("physical_resource_id") or "",
        "resource_status": joined_status(resource, "resource_action", "resource_status"),
        "resource_status_reason": resource.get("resource_status_reason", ""),
        "resource_type": resource.get("resource_type"),
        "links": resource_links(links, resource),
        "required_by": list(resource.get("required_by") or []),
    }
    # Only rows of a nested stack name the resource that owns their stack.
    if resource.get("parent_resource"):
        fields["parent_resource"] = resource["parent_resource"]
    if detail:
        fields["description"] = resource.get("description") or ""
        fields["attributes"] = resource.get("attributes") or {}
    return fields


def resource_list(links: Links, resources: list[dict], detail: bool) -> dict:
    return {"resources": [resource_view(links, resource, detail) for resource in resources]}


def resource_show(links: Links, resource: dict) -> dict:
    return {"resource": resource_view(links, resource, detail=True)}


def resource_metadata(metadata: dict | None) -> dict:
    """The CLI calls `.values()` on it: never null."""
    return {"metadata": metadata if metadata is not None else {}}


def event_identity(event: dict) -> dict:
    identity = event.get("event_identity")
    if identity:
        return identity
    return _with_path(event["stack_identity"],
                      f"resources/{event['resource_name']}/events/{event['id']}")


def event_links(links: Links, event: dict, root_identity: dict | None) -> list[dict]:
    identity = event_identity(event)
    resource_path = identity["path"].strip("/").rsplit("/events/", 1)[0]
    result = [links.link(identity),
              links.link(_with_path(identity, resource_path), "resource"),
              links.link(_stack_of(identity), "stack")]
    if root_identity is not None:  # only when nested_depth was given
        root = (event.get("root_stack_identity") or event.get("root_stack_id")
                or root_identity)
        result.append(links.link(_stack_of(root), "root_stack"))
    return result


def event_view(links: Links, event: dict, detail: bool = False,
               root_identity: dict | None = None) -> dict:
    """One event; `root_identity` (set when nested_depth was asked) adds the `root_stack`
    link heatclient uses to learn that the server lists nested events itself."""
    identity = event_identity(event)
    fields = {
        "id": identity["path"].rstrip("/").rsplit("/", 1)[-1],
        "links": event_links(links, event, root_identity),
        "event_time": isotime(event.get("event_time")),
        "logical_resource_id": event["resource_name"],
        "resource_name": event["resource_name"],
        "physical_resource_id": event.get("physical_resource_id") or "",
        "resource_status": joined_status(event, "resource_action", "resource_status"),
        "resource_status_reason": event.get("resource_status_reason", ""),
        "resource_type": event.get("resource_type"),
        "resource_properties": event.get("resource_properties") or {},
    }
    keys = EVENT_DETAIL_KEYS if detail else EVENT_SUMMARY_KEYS
    return {key: fields[key] for key in keys}


def event_list(links: Links, events: list[dict], root_identity: dict | None = None) -> dict:
    return {"events": [event_view(links, event, False, root_identity) for event in events]}


def event_show(links: Links, event: dict) -> dict:
    return {"event": event_view(links, event, detail=True)}
