"""Event routes (heat/api/openstack/v1/events.py): stack events (optionally nested), one
resource's events, and one event."""
from __future__ import annotations

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from fakes.heat import views_resources
from fakes.heat.api_common import (ApiError, Ctx, extract_int, filters_from, json_response)

STACK = "/<tenant_id>/stacks/<stack_name>/<stack_id>"
RESOURCE_EVENTS = STACK + "/resources/<resource_name>/events"

FILTER_KEYS = ("resource_status", "resource_action", "resource_name", "resource_type")


def _list(ctx: Ctx, identity: dict, resource_name: str | None) -> list[dict]:
    params = ctx.request.args
    filters = filters_from(params, FILTER_KEYS)
    if resource_name is not None:
        filters["resource_name"] = resource_name
    return ctx.engine.list_events(
        ctx.tenant, identity, filters=filters or None,
        limit=extract_int("limit", params.get("limit")), marker=params.get("marker"),
        sort_keys=params.getlist("sort_keys") or None, sort_dir=params.get("sort_dir"),
        nested_depth=extract_int("nested_depth", params.get("nested_depth")))


def list_stack_events(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str) -> Response:
    identity = ctx.stack_identity(tenant_id, stack_name, stack_id)
    events = _list(ctx, identity, None)
    # With nested_depth the links gain `root_stack`: heatclient reads it as "the server
    # lists nested events itself" and stops recursing client-side.
    nested = ctx.request.args.get("nested_depth") is not None
    return json_response(views_resources.event_list(ctx.links, events,
                                                    identity if nested else None))


def list_resource_events(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str,
                         resource_name: str) -> Response:
    identity = ctx.stack_identity(tenant_id, stack_name, stack_id)
    events = _list(ctx, identity, resource_name)
    if not events:
        # heat: the resource-scoped index answers an empty list with 404
        raise ApiError(404, "HTTPNotFound", f"No events found for resource {resource_name}")
    return json_response(views_resources.event_list(ctx.links, events))


def show_event(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str,
               resource_name: str, event_id: str) -> Response:
    identity = ctx.stack_identity(tenant_id, stack_name, stack_id)
    events = ctx.engine.list_events(ctx.tenant, identity,
                                    filters={"resource_name": resource_name, "uuid": event_id})
    matching = [event for event in events
                if views_resources.event_view(ctx.links, event)["id"] == event_id]
    if not matching:
        raise ApiError(404, "HTTPNotFound", f"No event {event_id} found")
    return json_response(views_resources.event_show(ctx.links, matching[0]))


RULES = [
    Rule(STACK + "/events", endpoint=list_stack_events, methods=["GET"]),
    Rule(RESOURCE_EVENTS, endpoint=list_resource_events, methods=["GET"]),
    Rule(RESOURCE_EVENTS + "/<event_id>", endpoint=show_event, methods=["GET"]),
]
