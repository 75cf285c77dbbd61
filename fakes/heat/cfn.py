"""heat-api-cfn (port 8000): the versions document and `POST /v1/signal/<arn>`, the signal URL
CFN_SIGNAL deployments and tripleo-image-elements' 99-refresh-completed post to.

The signed URL carries EC2-style query parameters (AWSAccessKeyId, Signature, ...). Real Heat
checks them against the stack user's EC2 keypair through keystone's ec2tokens; the fake accepts a
request that carries a signature (or a valid X-Auth-Token) and leaves the HMAC unchecked.
"""
from __future__ import annotations

from typing import Any, Callable
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

from fakes.heat.api import error_response, versions_document
from fakes.wsgi import request_id
from fakes.heat.api_common import (ApiError, identity_from_arn, json_body, json_response,
                                   not_found_route)

SIGNAL_PREFIX = "/v1/signal/"


def parse_resource_arn(arn: str) -> tuple[dict, str]:
    """`arn:openstack:heat::<tenant>:stacks/<name>/<id>/resources/<res>` -> (identity, res)."""
    identity = identity_from_arn(unquote(arn))
    kind, _, resource_name = identity["path"].partition("/")
    if kind != "resources" or not resource_name or "/" in resource_name:
        raise ApiError(400, "HTTPBadRequest", f"Invalid resource ARN '{arn}': expected "
                       "arn:openstack:heat::<tenant>:stacks/<name>/<id>/resources/<resource>")
    return {**identity, "path": ""}, resource_name


class CfnApp:
    """WSGI callable for heat-api-cfn: `make_cfn_app(engine, keystone)`."""

    def __init__(self, engine: Any, keystone: Any) -> None:
        self.engine = engine
        self.keystone = keystone

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except Exception as exc:
            response = error_response(exc)
        response.headers["X-Openstack-Request-Id"] = request_id()
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        if path.lstrip("/").split("/", 1)[0] in ("", "versions"):
            return versions_document(request)
        if path.startswith(SIGNAL_PREFIX):
            if request.method != "POST":
                raise ApiError(405, "HTTPMethodNotAllowed", "The server could not comply with "
                               "the request since it is either malformed or otherwise "
                               "incorrect.", {"Allow": "POST"})
            return self.signal(request, path[len(SIGNAL_PREFIX):])
        return not_found_route(request)

    def signal(self, request: Request, arn: str) -> Response:
        if not self._authorised(request):
            raise ApiError(403, "HeatAccessDeniedError",
                           "User is not authorized to perform action: the signal URL carries "
                           "no Signature and the request no valid X-Auth-Token.")
        identity, resource_name = parse_resource_arn(arn)
        details = json_body(request, required=False)
        self.engine.resource_signal(identity["tenant"], identity, resource_name, details)
        return json_response(None)

    def _authorised(self, request: Request) -> bool:
        if request.args.get("Signature") and request.args.get("AWSAccessKeyId"):
            return True
        token_id = request.headers.get("X-Auth-Token")
        return bool(token_id and self.keystone.validate(token_id))
