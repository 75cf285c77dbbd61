"""Stack routes of the orchestration API (heat/api/openstack/v1/stacks.py): list, create,
the 302 lookup, show, update (PUT/PATCH), delete, template/environment/files and outputs."""
from __future__ import annotations

from werkzeug.routing import BaseConverter, Rule
from werkzeug.wrappers import Response

from fakes.heat import views
from fakes.heat.api_common import (ApiError, Ctx, accepted, bad_request, extract_bool,
                                   extract_int, filters_from, identity_from_arn, json_object_body,
                                   json_response, no_content, redirect_found)

STACK = "/<tenant_id>/stacks/<stack_name>/<stack_id>"
# Sub-paths a name-only URL redirects for (stacks.py routes `stack_lookup_subpath`).
LOOKUP_GET_SUBPATHS = ("resources", "events", "template", "actions", "environment", "files")
LOOKUP_POST_SUBPATHS = ("resources", "events", "template", "actions")

TAG_PARAMS = ("tags", "tags_any", "not_tags", "not_tags_any")
LIST_FILTER_KEYS = ("id", "status", "name", "action", "tenant", "username", "owner_id")
# The create/update body's "args" the engine acts on (heat/rpc/api.py PARAM_*); others such as
# adopt_stack_data are accepted and ignored.
ENGINE_ARGS = ("timeout_mins", "disable_rollback", "tags", "existing", "clear_parameters")


def _listing_tenant(ctx: Ctx) -> str | None:
    """`global_tenant=true` lists every project's stacks, for admins only (stacks:global_index);
    the engine takes tenant None as "all"."""
    if not extract_bool("global_tenant", ctx.request.args.get("global_tenant")):
        return ctx.tenant
    if not ctx.is_admin:
        raise ApiError(403, "Forbidden", "You are not authorized to use global_index.")
    return None


def list_stacks(ctx: Ctx, tenant_id: str) -> Response:
    params = ctx.request.args
    limit = extract_int("limit", params.get("limit"))
    filters = filters_from(params, LIST_FILTER_KEYS)
    tenant = _listing_tenant(ctx)
    stacks = ctx.engine.list_stacks(
        tenant, limit=limit, marker=params.get("marker"),
        sort_keys=params.getlist("sort_keys") or None, sort_dir=params.get("sort_dir"),
        filters=filters or None,
        show_deleted=extract_bool("show_deleted", params.get("show_deleted")),
        show_nested=extract_bool("show_nested", params.get("show_nested")),
        show_hidden=extract_bool("show_hidden", params.get("show_hidden")),
        **{key: params[key] for key in TAG_PARAMS if params.get(key)})
    count = None
    if extract_bool("with_count", params.get("with_count")):
        count = ctx.engine.count_stacks(
            tenant, filters=filters or None,
            show_deleted=extract_bool("show_deleted", params.get("show_deleted")),
            show_nested=extract_bool("show_nested", params.get("show_nested")))
    body = views.stack_collection(ctx.links, stacks, ctx.is_admin, ctx.request.base_url,
                                  list(params.items(multi=True)), limit, count)
    return json_response(body)


def _instantiation_data(body: dict, require_name: bool) -> dict:
    """What heat's InstantiationData reads from a create/update body, with its 400s."""
    if require_name and not body.get("stack_name"):
        raise bad_request("No stack name specified")
    if body.get("template") is None:
        if body.get("template_url"):
            raise bad_request("Could not retrieve template: the fake Heat does not fetch "
                              f"template_url ({body['template_url']}); send the template "
                              "inline in 'template'.")
        if require_name or not body.get("existing"):
            raise bad_request("No template specified")
    args = {key: body[key] for key in ENGINE_ARGS if body.get(key) is not None}
    if "timeout_mins" in args:
        args["timeout_mins"] = extract_int("timeout_mins", str(args["timeout_mins"]))
    if isinstance(args.get("tags"), str):
        args["tags"] = [tag for tag in args["tags"].split(",") if tag]
    return {
        "template": body.get("template"),
        "params": body.get("parameters") or {},
        "environment": body.get("environment"),
        "files": body.get("files") or {},
        "environment_files": body.get("environment_files"),
        **args,
    }


def create_stack(ctx: Ctx, tenant_id: str) -> Response:
    body = json_object_body(ctx.request)
    if "converge" in body:
        raise bad_request("Unknown attribute 'converge' on stack create")
    data = _instantiation_data(body, require_name=True)
    identity = ctx.engine.create_stack(ctx.tenant, body["stack_name"],
                                       username=ctx.token.user_name, **data)
    created = views.created_stack(ctx.links, identity)
    return json_response(created, 201, {"Location": ctx.links.url(identity)})


def lookup(ctx: Ctx, tenant_id: str, stack_name: str, path: str | None = None) -> Response:
    """302 to the canonical `/stacks/<name>/<id>[/<path>]`, query string kept."""
    identity = ctx.engine.identify_stack(ctx.tenant, stack_name)
    location = ctx.links.url(identity)
    if path:
        location += "/" + path
    query = ctx.request.query_string.decode("latin-1")
    if query:
        location += "?" + query
    return redirect_found(ctx.request, location)


def arn_lookup(ctx: Ctx, tenant_id: str, stack_arn: str) -> Response:
    """`/stacks/arn:openstack:heat::<t>:stacks/<name>/<id>[/<path>]` -> 302, unchecked by the
    engine (Heat parses the ARN and redirects without looking the stack up)."""
    location = ctx.links.url(identity_from_arn(stack_arn))
    query = ctx.request.query_string.decode("latin-1")
    return redirect_found(ctx.request, location + ("?" + query if query else ""))


def show_stack(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str) -> Response:
    resolve = extract_bool("resolve_outputs", ctx.request.args.get("resolve_outputs"), True)
    identity = ctx.stack_identity(tenant_id, stack_name, stack_id)
    stack = ctx.engine.show_stack(ctx.tenant, identity, resolve_outputs=resolve)
    return json_response(views.stack_show(ctx.links, stack))


def _update(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str, existing: bool):
    body = json_object_body(ctx.request)
    if existing:
        body.setdefault("existing", True)
    data = _instantiation_data(body, require_name=False)
    ctx.engine.update_stack(
        ctx.tenant, ctx.stack_identity(tenant_id, stack_name, stack_id), **data)
    return accepted(ctx.request)


def update_stack(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str) -> Response:
    return _update(ctx, tenant_id, stack_name, stack_id, existing=False)


def patch_stack(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str) -> Response:
    """PATCH = update reusing the previous template, parameters and environment."""
    return _update(ctx, tenant_id, stack_name, stack_id, existing=True)


def delete_stack(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str) -> Response:
    ctx.engine.delete_stack(ctx.tenant, ctx.stack_identity(tenant_id, stack_name, stack_id))
    return no_content()


def abandon_stack(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str) -> Response:
    # Heat's default `enable_stack_abandon = False`; the engine refuses before touching it.
    raise ApiError(400, "NotSupported", "Stack Abandon is not supported.")


STACK_ACTIONS = ("suspend", "resume", "check", "cancel_update", "cancel_without_rollback")


def stack_action(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str) -> Response:
    """POST .../actions with exactly one of Heat's actions; the engine runs those it has
    (`stack_<action>`), the others are refused by name."""
    body = json_object_body(ctx.request)
    if not body:
        raise bad_request("No action specified")
    if len(body) > 1:
        raise bad_request("Multiple actions specified")
    action = next(iter(body))
    if action not in STACK_ACTIONS:
        raise bad_request(f"Invalid action {action} specified")
    run = getattr(ctx.engine, f"stack_{action}", None)
    if run is None:
        raise ApiError(400, "NotSupported", f"Stack action {action} is not supported by the "
                       f"fake Heat; supported: stack create, update, PATCH and delete.")
    run(ctx.tenant, ctx.stack_identity(tenant_id, stack_name, stack_id))
    return json_response(None)


def _stack_part(part: str):
    def handler(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str) -> Response:
        identity = ctx.stack_identity(tenant_id, stack_name, stack_id)
        return json_response(getattr(ctx.engine, f"get_{part}")(ctx.tenant, identity))
    handler.__name__ = part  # its policy is stacks:<part>
    return handler


def list_outputs(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str) -> Response:
    identity = ctx.stack_identity(tenant_id, stack_name, stack_id)
    outputs = ctx.engine.list_outputs(ctx.tenant, identity)
    return json_response({"outputs": [views.output_summary(o) for o in outputs]})


def show_output(ctx: Ctx, tenant_id: str, stack_name: str, stack_id: str,
                output_key: str) -> Response:
    identity = ctx.stack_identity(tenant_id, stack_name, stack_id)
    output = ctx.engine.show_output(ctx.tenant, identity, output_key)
    return json_response({"output": views.output_show(output)})


class ArnConverter(BaseConverter):
    """A stack ARN in the path: `arn:` and everything after it, slashes included."""
    regex = r"arn:.*"
    part_isolating = False
    weight = 50


CONVERTERS = {"arn": ArnConverter}


def _lookup_rules() -> list[Rule]:
    rules = [Rule("/<tenant_id>/stacks/<arn:stack_arn>", endpoint=arn_lookup),Rule("/<tenant_id>/stacks/<stack_name>", endpoint=lookup,
                  methods=["GET", "POST", "PUT", "PATCH", "DELETE"])]
    for sub in LOOKUP_GET_SUBPATHS:
        methods = ["GET", "POST"] if sub in LOOKUP_POST_SUBPATHS else ["GET"]
        rules.append(Rule(f"/<tenant_id>/stacks/<stack_name>/{sub}", endpoint=lookup,
                          methods=methods, defaults={"path": sub}))
    return rules


RULES = [
    Rule("/<tenant_id>/stacks", endpoint=list_stacks, methods=["GET"]),
    Rule("/<tenant_id>/stacks", endpoint=create_stack, methods=["POST"]),
    Rule("/<tenant_id>/stacks/detail", endpoint=list_stacks, methods=["GET"]),
    *_lookup_rules(),
    Rule(STACK, endpoint=show_stack, methods=["GET"]),
    Rule(STACK, endpoint=update_stack, methods=["PUT"]),
    Rule(STACK, endpoint=patch_stack, methods=["PATCH"]),
    Rule(STACK, endpoint=delete_stack, methods=["DELETE"]),
    Rule(STACK + "/abandon", endpoint=abandon_stack, methods=["DELETE"]),
    Rule(STACK + "/actions", endpoint=stack_action, methods=["POST"]),
    Rule(STACK + "/template", endpoint=_stack_part("template"), methods=["GET"]),
    Rule(STACK + "/environment", endpoint=_stack_part("environment"), methods=["GET"]),
    Rule(STACK + "/files", endpoint=_stack_part("files"), methods=["GET"]),
    Rule(STACK + "/outputs", endpoint=list_outputs, methods=["GET"]),
    Rule(STACK + "/outputs/<output_key>", endpoint=show_output, methods=["GET"]),
]


# oslo.policy action names (heat/policies/stacks.py), for the stack-user check in api.py.
POLICIES = {
    list_stacks: "stacks:index", create_stack: "stacks:create", lookup: "stacks:lookup",
    arn_lookup: "stacks:lookup", show_stack: "stacks:show", update_stack: "stacks:update",
    patch_stack: "stacks:update_patch", delete_stack: "stacks:delete",
    abandon_stack: "stacks:abandon", stack_action: "actions:action",
    list_outputs: "stacks:list_outputs", show_output: "stacks:show_output",
}
