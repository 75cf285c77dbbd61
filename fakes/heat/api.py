"""The orchestration API (port 8004) as one WSGI app, in the order of Heat's paste pipeline:
fault wrapping, version negotiation, token check (keystonemiddleware), then the v1 router.

Routes live in api_stacks / api_resources / api_events / api_software as werkzeug Rule tables;
views*.py turn the engine's dicts into API JSON. The app holds no state of its own.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Callable

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect
from werkzeug.wrappers import Request, Response

from fakes.heat import api_events, api_misc, api_resources, api_software, api_stacks
from fakes.heat.api_common import (ApiError, Ctx, Links, fault_response, json_response,
                                   no_content, not_found_route)
from fakes.heat.errors import HeatError
from fakes.heat.template_errors import TemplateError
from fakes.wsgi import request_id

LOG = logging.getLogger(__name__)

V1_ACCEPT = "application/vnd.openstack.orchestration-v1.0"
# heat/api/middleware/version_negotiation.py: "v1", "v1.0", "v2.3"... (not anchored at the end)
VERSION_SEGMENT = re.compile(r"^v(\d{1,2})\.?(\d{1,2})?")
STACK_USER_ROLE = "heat_stack_user"
# heat/policies (the rules TripleO's Heat ran with): a stack user -- the identity a deployed
# server's agents log in with -- may only look stacks up, read resource metadata, signal, and
# read its server's deployment metadata; everything else is `deny_stack_user`.
STACK_USER_ALLOWED = {"stacks:lookup", "resource:metadata", "resource:signal",
                      "software_deployments:metadata"}
UNAUTHORIZED_BODY = {"error": {"code": 401, "title": "Unauthorized",
                               "message": "The request you have made requires authentication."}}


def versions_document(request: Request) -> Response:
    """HTTP 300 with the one version, its href echoing the request's Host (heat/api/versions.py)."""
    body = {"versions": [{"id": "v1.0", "status": "CURRENT",
                          "links": [{"rel": "self", "href": request.host_url + "v1/"}]}]}
    return json_response(body, 300)


def negotiate(request: Request) -> str | Response:
    """The path the v1 router sees (version segment popped), or the answer to send instead."""
    path = request.path
    first = path.lstrip("/").split("/", 1)[0]
    if first in ("", "versions"):
        return versions_document(request)
    match = VERSION_SEGMENT.match(first)
    if match:
        major, minor = int(match.group(1)), int(match.group(2) or 0)
        if (major, minor) != (1, 0):
            return versions_document(request)
        return path.lstrip("/")[len(first):] or "/"
    if V1_ACCEPT in request.headers.get("Accept", ""):
        return path
    return not_found_route(request)


def error_response(exc: Exception) -> Response:
    """Any exception -> Heat's fault body; never a traceback on the wire."""
    if isinstance(exc, (ApiError, HeatError)):
        return fault_response(exc.status, exc.error_type, exc.message,
                              getattr(exc, "headers", None))
    if isinstance(exc, TemplateError):  # every refused template is a 400 (type kept)
        return fault_response(400, exc.error_type, str(exc))
    LOG.exception("unexpected error in the fake Heat API")
    return fault_response(500, type(exc).__name__, str(exc))


class HeatApp:
    """WSGI callable for heat-api: `make_heat_app(engine, keystone)`."""

    def __init__(self, engine: Any, keystone: Any,
                 rule_tables: tuple = (api_stacks.RULES, api_resources.RULES,
                                       api_events.RULES, api_software.RULES,
                                       api_misc.RULES)) -> None:
        self.engine = engine
        self.keystone = keystone
        rules = [rule.empty() for table in rule_tables for rule in table]
        self.url_map = Map(rules, strict_slashes=False, merge_slashes=False,
                           converters=api_stacks.CONVERTERS)
        self.policies = {**api_stacks.POLICIES, **api_resources.POLICIES,
                         **api_events.POLICIES, **api_software.POLICIES,
                         **api_misc.POLICIES}

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except Exception as exc:  # the fault wrapper: nothing escapes as a 500 traceback
            response = error_response(exc)
        # oslo.middleware's request_id filter heads Heat's pipeline
        response.headers["X-Openstack-Request-Id"] = request_id()
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        routed_path = negotiate(request)
        if isinstance(routed_path, Response):
            return routed_path
        token = self._authenticate(request)
        if token is None:
            return json_response(UNAUTHORIZED_BODY, 401, self._www_authenticate())
        adapter = self.url_map.bind(request.host, path_info=routed_path)
        try:
            handler, values = adapter.match(method=request.method)
        except MethodNotAllowed as exc:
            return self._method_not_allowed(request, exc.valid_methods or [])
        except (NotFound, RequestRedirect):
            return not_found_route(request)
        self._check_tenant(token, values.get("tenant_id"))
        self._check_stack_user(token, handler)
        ctx = Ctx(request=request, engine=self.engine, token=token,
                  links=Links.for_request(request))
        return handler(ctx, **values)

    def _authenticate(self, request: Request) -> Any:
        token_id = request.headers.get("X-Auth-Token")
        return self.keystone.validate(token_id) if token_id else None

    def _www_authenticate(self) -> dict[str, str]:
        endpoints = getattr(self.keystone, "endpoints", None)
        if endpoints is None:
            return {}
        return {"WWW-Authenticate": f'Keystone uri="{endpoints.identity_root}"'}

    @staticmethod
    def _check_tenant(token: Any, tenant_id: str | None) -> None:
        """heat/api/openstack/v1/util.py: the path's tenant must be the token's project."""
        if tenant_id is None or getattr(token, "is_admin", False):
            return
        if tenant_id != token.project_id:
            raise ApiError(403, "HTTPForbidden", "Access was denied to this resource.")

    def _check_stack_user(self, token: Any, handler: Callable) -> None:
        action = self.policies.get(handler, f"stacks:{handler.__name__}")
        roles = getattr(token, "roles", ())
        if STACK_USER_ROLE in roles and not getattr(token, "is_admin", False) \
                and action not in STACK_USER_ALLOWED:
            raise ApiError(403, "Forbidden", f"You are not authorized to use {action}.")

    @staticmethod
    def _method_not_allowed(request: Request, valid: list[str]) -> Response:
        allow = ", ".join(sorted(set(valid) - {"HEAD"}))
        if request.method == "OPTIONS":
            response = no_content()
            response.headers["Allow"] = allow
            return response
        error = ApiError(405, "HTTPMethodNotAllowed",
                         "The server could not comply with the request since it is either "
                         "malformed or otherwise incorrect.", {"Allow": allow})
        return error_response(error)


def make_heat_app(engine: Any, keystone: Any) -> HeatApp:
    return HeatApp(engine, keystone)


def make_cfn_app(engine: Any, keystone: Any):
    from fakes.heat.cfn import CfnApp  # cfn.py imports this module's helpers
    return CfnApp(engine, keystone)
