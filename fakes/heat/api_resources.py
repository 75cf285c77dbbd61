"""Resource routes (heat/api/openstack/v1/resources.py): list with nested_depth, show,
metadata, signal and mark-unhealthy."""
from __future__ import annotations

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from fakes.heat import views_resources
from fakes.heat.api_common import (Ctx, bad_request, extract_bool, extract_int, filters_from,
                                   json_body, json_object_body, json_response,
                                   reject_unknown_params)

STACK = "/<tenant_id>/stacks/<stack_name>/<stack_id>"
RESOURCE = STACK + "/resources/<resource_name>"

LIST_PARAMS = ("nested_depth", "with_detail")
LIST_FILTERS = ("type", "status", "name", "action", "id", "physical_resource_id")


def list_resources(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str) -> Response:
    params = ctx.request.args
    reject_unknown_params(params, set(LIST_PARAMS + LIST_FILTERS))
    nested_depth = extract_int("nested_depth", params.get("nested_depth")) or 0
    with_detail = extract_bool("with_detail", params.get("with_detail"))
    resources = ctx.engine.list_stack_resources(
        ctx.tenant, ctx.stack_identity(tenant_id, stack_name, stack_id),
        nested_depth=nested_depth, with_detail=with_detail,
        filters=filters_from(params, LIST_FILTERS) or None)
    return json_response(views_resources.resource_list(ctx.links, resources, with_detail))


def show_resource(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str,
                  resource_name: str) -> Response:
    with_attr = ctx.request.args.getlist("with_attr") or None
    resource = ctx.engine.describe_stack_resource(
        ctx.tenant, ctx.stack_identity(tenant_id, stack_name, stack_id), resource_name,
        with_attr=with_attr)
    return json_response(views_resources.resource_show(ctx.links, resource))


def resource_metadata(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str,
                      resource_name: str) -> Response:
    metadata = ctx.engine.resource_metadata(
        ctx.tenant, ctx.stack_identity(tenant_id, stack_name, stack_id), resource_name)
    return json_response(views_resources.resource_metadata(metadata))


def signal_resource(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str,
                    resource_name: str) -> Response:
    """Signals are handled asynchronously: 200 with a JSON `null` body."""
    details = json_body(ctx.request, required=False)
    ctx.engine.resource_signal(
        ctx.tenant, ctx.stack_identity(tenant_id, stack_name, stack_id), resource_name,
        details)
    return json_response(None)


def mark_unhealthy(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str,
                   resource_name: str) -> Response:
    body = json_object_body(ctx.request)
    unknown = sorted(set(body) - {"mark_unhealthy", "resource_status_reason"})
    if unknown:
        raise bad_request(f"Invalid parameters {unknown}")
    if "mark_unhealthy" not in body:
        raise bad_request("Missing mandatory (mark_unhealthy) key from mark unhealthy request")
    value = body["mark_unhealthy"]
    mark = value if isinstance(value, bool) else extract_bool("mark_unhealthy", str(value))
    ctx.engine.resource_mark_unhealthy(
        ctx.tenant, ctx.stack_identity(tenant_id, stack_name, stack_id), resource_name,
        mark, body.get("resource_status_reason") or "")
    return json_response(None)


RULES = [
    Rule(STACK + "/resources", endpoint=list_resources, methods=["GET"]),
    Rule(RESOURCE, endpoint=show_resource, methods=["GET"]),
    Rule(RESOURCE, endpoint=mark_unhealthy, methods=["PATCH"]),
    Rule(RESOURCE + "/metadata", endpoint=resource_metadata, methods=["GET"]),
    Rule(RESOURCE + "/signal", endpoint=signal_resource, methods=["POST"]),
]


POLICIES = {
    list_resources: "resource:index", show_resource: "resource:show",
    mark_unhealthy: "resource:mark_unhealthy", resource_metadata: "resource:metadata",
    signal_resource: "resource:signal",
}
