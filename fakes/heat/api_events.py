"""Event routes (heat/api/openstack/v1/events.py): stack events (optionally nested), one
resource's events, and one event."""
from __future__ import annotations

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from fakes.heat import views_resources
from fakes.heat.api_common import Ctx, extract_int, filters_from, json_response

STACK = "/<tenant_id>/stacks/<stack_name>/<stack_id>"
RESOURCE_EVENTS = STACK + "/resources/<resource_name>/events"

FILTER_KEYS = ("resource_status", "resource_action", "resource_name", "resource_type")


def _list(ctx: Ctx, identity: dict, resource_name: str | None) -> list[dict]:
    params = ctx.request.args
    filters = filters_from(params, FILTER_KEYS)
    return ctx.engine.list_events(
        ctx.tenant, identity, resource_name=resource_name, filters=filters or None,
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
    # an empty resource-scoped list is the engine's 404 "No events found for resource X"
    events = _list(ctx, identity, resource_name)
    return json_response(views_resources.event_list(ctx.links, events))


def show_event(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str,
               resource_name: str, event_id: str) -> Response:
    identity = ctx.stack_identity(tenant_id, stack_name, stack_id)
    event = ctx.engine.show_event(ctx.tenant, identity, resource_name, event_id)
    return json_response(views_resources.event_show(ctx.links, event))


RULES = [
    Rule(STACK + "/events", endpoint=list_stack_events, methods=["GET"]),
    Rule(RESOURCE_EVENTS, endpoint=list_resource_events, methods=["GET"]),
    Rule(RESOURCE_EVENTS + "/<event_id>", endpoint=show_event, methods=["GET"]),
]


POLICIES = {list_stack_events: "events:index", list_resource_events: "events:index",
            show_event: "events:show"}
