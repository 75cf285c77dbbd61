"""The informational routes: build info, template versions and resource types, answered from
what the fake actually supports (so `openstack orchestration template version list` and
`openstack orchestration resource type list` tell a user what this Heat accepts)."""
from __future__ import annotations

from collections import defaultdict

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from fakes.heat.api_common import Ctx, extract_bool, json_response
from fakes.heat.resources import PLUGINS
from fakes.heat.template import VERSIONS


def build_info(ctx: Ctx, tenant_id: str) -> Response:
    # heat.conf's `heat_revision` defaults to "unknown" for both services
    return json_response({"api": {"revision": "unknown"}, "engine": {"revision": "unknown"}})


def template_versions(ctx: Ctx, tenant_id: str) -> Response:
    """One entry per dated HOT version, its release names as aliases (service.py
    list_template_versions groups the names that map to the same template class)."""
    names = defaultdict(list)
    for name, dated in VERSIONS.items():
        names[dated].append(f"heat_template_version.{name}")
    versions = []
    for dated in sorted(names):
        ordered = sorted(names[dated])
        versions.append({"version": ordered[0], "type": "hot", "aliases": ordered[1:]})
    return json_response({"template_versions": versions})


def resource_types(ctx: Ctx, tenant_id: str) -> Response:
    types = sorted(PLUGINS)
    if extract_bool("with_description", ctx.request.args.get("with_description")):
        return json_response({"resource_types": [
            {"resource_type": name, "description": (PLUGINS[name].__doc__ or "").strip()}
            for name in types]})
    return json_response({"resource_types": types})


RULES = [
    Rule("/<tenant_id>/build_info", endpoint=build_info, methods=["GET"]),
    Rule("/<tenant_id>/template_versions", endpoint=template_versions, methods=["GET"]),
    Rule("/<tenant_id>/resource_types", endpoint=resource_types, methods=["GET"]),
]

POLICIES = {build_info: "build_info:build_info",
            template_versions: "stacks:list_template_versions",
            resource_types: "stacks:list_resource_types"}
