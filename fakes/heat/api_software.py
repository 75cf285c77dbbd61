"""Software config and deployment routes (software_configs.py, software_deployments.py).

Creates answer 200 (not 201), as real Heat does; GET of one deployment is also where Heat polls
TEMP_URL signals, which is the engine's business.
"""
from __future__ import annotations

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from fakes.heat import views
from fakes.heat.api_common import (Ctx, bad_request, extract_int, json_object_body,
                                   json_response, no_content)

CONFIGS = "/<tenant_id>/software_configs"
DEPLOYMENTS = "/<tenant_id>/software_deployments"

CONFIG_BODY_KEYS = ("name", "group", "config", "inputs", "outputs", "options")
DEPLOYMENT_CREATE_KEYS = ("config_id", "server_id", "input_values", "action", "status",
                          "status_reason", "stack_user_project_id")
DEPLOYMENT_UPDATE_KEYS = ("config_id", "input_values", "output_values", "action", "status",
                          "status_reason")


def list_configs(ctx: Ctx, tenant_id: str) -> Response:
    params = ctx.request.args
    configs = ctx.engine.list_software_configs(
        ctx.tenant, limit=extract_int("limit", params.get("limit")), marker=params.get("marker"))
    return json_response({"software_configs": [
        views.software_config_summary(config, ctx.is_admin) for config in configs]})


def create_config(ctx: Ctx, tenant_id: str) -> Response:
    body = json_object_body(ctx.request)
    fields = {key: body.get(key) for key in CONFIG_BODY_KEYS}
    fields["inputs"] = fields["inputs"] or []
    fields["outputs"] = fields["outputs"] or []
    fields["options"] = fields["options"] or {}
    config = ctx.engine.create_software_config(ctx.tenant, **fields)
    return json_response({"software_config": views.software_config(config)})


def show_config(ctx: Ctx, tenant_id: str, config_id: str) -> Response:
    config = ctx.engine.show_software_config(ctx.tenant, config_id)
    return json_response({"software_config": views.software_config(config)})


def delete_config(ctx: Ctx, tenant_id: str, config_id: str) -> Response:
    ctx.engine.delete_software_config(ctx.tenant, config_id)
    return no_content()


def list_deployments(ctx: Ctx, tenant_id: str) -> Response:
    deployments = ctx.engine.list_software_deployments(
        ctx.tenant, server_id=ctx.request.args.get("server_id"))
    return json_response({"software_deployments": [
        views.software_deployment(deployment) for deployment in deployments]})


def deployments_metadata(ctx: Ctx, tenant_id: str, server_id: str) -> Response:
    """Every derived config for one server, sorted by name (what the server metadata holds)."""
    configs = ctx.engine.metadata_software_deployments(ctx.tenant, server_id)
    return json_response({"metadata": configs})


def create_deployment(ctx: Ctx, tenant_id: str) -> Response:
    body = json_object_body(ctx.request)
    for required in ("config_id", "server_id"):
        if not body.get(required):
            raise bad_request(f"Missing required field '{required}' in the software "
                              "deployment body.")
    fields = {key: body.get(key) for key in DEPLOYMENT_CREATE_KEYS}
    fields["input_values"] = fields["input_values"] or {}
    fields["action"] = fields["action"] or "INIT"
    fields["status"] = fields["status"] or "COMPLETE"
    fields["status_reason"] = fields["status_reason"] or ""
    deployment = ctx.engine.create_software_deployment(ctx.tenant, **fields)
    return json_response({"software_deployment": views.software_deployment(deployment)})


def show_deployment(ctx: Ctx, tenant_id: str, deployment_id: str) -> Response:
    deployment = ctx.engine.show_software_deployment(ctx.tenant, deployment_id)
    return json_response({"software_deployment": views.software_deployment(deployment)})


def update_deployment(ctx: Ctx, tenant_id: str, deployment_id: str) -> Response:
    body = json_object_body(ctx.request)
    # heat drops nulls so that a partial PUT leaves the other fields alone
    fields = {key: body[key] for key in DEPLOYMENT_UPDATE_KEYS if body.get(key) is not None}
    deployment = ctx.engine.update_software_deployment(ctx.tenant, deployment_id, **fields)
    return json_response({"software_deployment": views.software_deployment(deployment)})


def delete_deployment(ctx: Ctx, tenant_id: str, deployment_id: str) -> Response:
    ctx.engine.delete_software_deployment(ctx.tenant, deployment_id)
    return no_content()


RULES = [
    Rule(CONFIGS, endpoint=list_configs, methods=["GET"]),
    Rule(CONFIGS, endpoint=create_config, methods=["POST"]),
    Rule(CONFIGS + "/<config_id>", endpoint=show_config, methods=["GET"]),
    Rule(CONFIGS + "/<config_id>", endpoint=delete_config, methods=["DELETE"]),
    Rule(DEPLOYMENTS, endpoint=list_deployments, methods=["GET"]),
    Rule(DEPLOYMENTS, endpoint=create_deployment, methods=["POST"]),
    Rule(DEPLOYMENTS + "/metadata/<server_id>", endpoint=deployments_metadata, methods=["GET"]),
    Rule(DEPLOYMENTS + "/<deployment_id>", endpoint=show_deployment, methods=["GET"]),
    Rule(DEPLOYMENTS + "/<deployment_id>", endpoint=update_deployment, methods=["PUT"]),
    Rule(DEPLOYMENTS + "/<deployment_id>", endpoint=delete_deployment, methods=["DELETE"]),
]


POLICIES = {
    list_configs: "software_configs:index", create_config: "software_configs:create",
    show_config: "software_configs:show", delete_config: "software_configs:delete",
    list_deployments: "software_deployments:index",
    create_deployment: "software_deployments:create",
    show_deployment: "software_deployments:show",
    update_deployment: "software_deployments:update",
    delete_deployment: "software_deployments:delete",
    deployments_metadata: "software_deployments:metadata",
}
