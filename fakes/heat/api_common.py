"""What every Heat API handler shares: JSON responses, Heat's error bodies, query-parameter
parsing with Heat's messages, request bodies and absolute links.

Heat answers two shapes of error (both recorded in reference/real-heat/traces):
- the fault body of heat/api/middleware/fault.py for everything raised while handling a
  request: `{"code", "title", "explanation", "error": {"type", "message", "traceback"}}`;
- webob's own JSON rendering for what webob answers by itself (the router's 404 for an
  unknown path, the 302 of a lookup, the 202 of an update): `{"message", "code", "title"}`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

JSON_TYPE = "application/json"

# (title, explanation) of the webob exceptions Heat maps its errors onto.
HTTP_TEXTS = {
    400: ("Bad Request", "The server could not comply with the request since it is either "
                         "malformed or otherwise incorrect."),
    401: ("Unauthorized", "This server could not verify that you are authorized to access the "
                          "document you requested."),
    403: ("Forbidden", "Access was denied to this resource."),
    404: ("Not Found", "The resource could not be found."),
    # webob's HTTPMethodNotAllowed inherits HTTPClientError's explanation.
    405: ("Method Not Allowed", "The server could not comply with the request since it is "
                                "either malformed or otherwise incorrect."),
    409: ("Conflict", "There was a conflict when trying to complete your request."),
    413: ("Request Entity Too Large", "The body of your request was too large for this server."),
    500: ("Internal Server Error", "The server has either erred or is incapable of performing "
                                   "the requested operation."),
    501: ("Not Implemented", "The request method is not implemented by this server."),
}


class ApiError(Exception):
    """An error the API layer itself raises; rendered as Heat's fault body.

    `error_type` is the exception class name real Heat reports (e.g. `HTTPBadRequest` for the
    webob exceptions its controllers raise, `ValueError` for parameter parsing).
    """

    def __init__(self, status: int, error_type: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message
        self.headers = headers or {}


def bad_request(message: str, error_type: str = "HTTPBadRequest") -> ApiError:
    return ApiError(400, error_type, message)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers or {},
                    content_type=JSON_TYPE)


def no_content() -> Response:
    """204 with no body and, like Heat, no Content-Type."""
    response = Response(status=204)
    del response.headers["Content-Type"]
    return response


def fault_body(status: int, error_type: str, message: str) -> dict:
    title, explanation = HTTP_TEXTS.get(status, HTTP_TEXTS[500])
    return {"code": status, "title": title, "explanation": explanation,
            "error": {"type": error_type, "traceback": None, "message": message}}


def fault_response(status: int, error_type: str, message: str,
                   headers: dict[str, str] | None = None) -> Response:
    return json_response(fault_body(status, error_type, message), status, headers)


_WEBOB_TITLES = {202: "Accepted", 302: "Found"}


def webob_response(request: Request, status: int, message: str,
                   headers: dict[str, str] | None = None) -> Response:
    """webob's self-rendered body, by the client's Accept like webob: HTML for `*/*` or no
    Accept header (curl), JSON when asked for (the clients), plain text otherwise."""
    title = _WEBOB_TITLES.get(status) or HTTP_TEXTS.get(status, HTTP_TEXTS[500])[0]
    reason = f"{status} {title}"
    accept = request.headers.get("Accept")
    kind = request.accept_mimetypes.best_match(["text/html", JSON_TYPE]) if accept \
        else "text/html"
    if kind == JSON_TYPE:
        return json_response({"message": message, "code": reason, "title": title}, status,
                             headers)
    if kind == "text/html":
        body = (f"<html>\n <head>\n  <title>{reason}</title>\n </head>\n <body>\n"
                f"  <h1>{reason}</h1>\n  {message}\n </body>\n</html>")
        return Response(body, status=status, headers=headers or {},
                        content_type="text/html; charset=UTF-8")
    plain = re.sub(r"<[^>]+>", "", message.replace("<br />", "\n"))
    return Response(f"{reason}\n\n{plain}", status=status, headers=headers or {},
                    content_type="text/plain; charset=UTF-8")


def not_found_route(request: Request) -> Response:
    """The router's own 404 for a path no route matches (trace rg-00-versions-v1)."""
    return webob_response(request, 404, "The resource could not be found.<br /><br />\n\n\n")


def redirect_found(request: Request, location: str) -> Response:
    message = (f'The resource was found at <a href="{location}">{location}</a>;\n'
               "you should be redirected automatically.\n\n")
    return webob_response(request, 302, message, {"Location": location})


def accepted(request: Request) -> Response:
    return webob_response(request, 202, "The request is accepted for processing.<br /><br />\n\n\n")


# ---- query parameters (heat/common/param_utils.py messages) ----

def reject_unknown_params(params: MultiDict, allowed: set[str]) -> None:
    invalid = [key for key in dict.fromkeys(params.keys()) if key not in allowed]
    if invalid:
        raise bad_request(f"Invalid filter parameters {invalid}")


def extract_int(name: str, value: str | None, allow_zero: bool = True,
                allow_negative: bool = False) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if not text.lstrip("-").isdigit():
        raise ApiError(400, "ValueError", f"Only integer is acceptable by '{name}'.")
    result = int(text)
    if result == 0 and not allow_zero:
        raise ApiError(400, "ValueError", f"Only non-zero integer is acceptable by '{name}'.")
    if result < 0 and not allow_negative:
        raise ApiError(400, "ValueError", f"Value '{value}' is invalid for '{name}' which only "
                                          "accepts non-negative integer.")
    return result


_TRUE = {"1", "t", "true", "on", "y", "yes"}
_FALSE = {"0", "f", "false", "off", "n", "no"}


def extract_bool(name: str, value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ApiError(400, "ValueError", f'Unrecognized value "{value}" for "{name}", acceptable '
                                      "values are: true, false.")


def filters_from(params: MultiDict, keys: tuple[str, ...]) -> dict[str, Any]:
    """Heat's PARAM_TYPE_MIXED: one value stays a string, repeated values become a list."""
    filters: dict[str, Any] = {}
    for key in keys:
        values = params.getlist(key)
        if values:
            filters[key] = values[0] if len(values) == 1 else values
    return filters


def json_body(request: Request, required: bool = True) -> Any:
    """The request body as JSON; Heat answers a malformed one with 400 and json's own message."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise bad_request("The server could not comply with the request since it is either "
                              "malformed or otherwise incorrect.")
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise bad_request(str(exc)) from None


def json_object_body(request: Request) -> dict:
    body = json_body(request)
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body


# ---- links (heat/common/identifier.py url_path + util.make_url) ----

def identity_path(identity: dict) -> str:
    """`<tenant>/stacks/<name>/<id>[/<path>]`, every component quoted like HeatIdentifier."""
    parts = [identity["tenant"], "stacks", identity["stack_name"], identity["stack_id"]]
    sub_path = (identity.get("path") or "").strip("/")
    if sub_path:
        parts.extend(sub_path.split("/"))
    return "/".join(quote(str(part), safe="") for part in parts)


ARN_PREFIX = "arn:openstack:heat::"


def identity_from_arn(arn: str) -> dict:
    """`arn:openstack:heat::<tenant>:stacks/<name>/<id>[/<path>]` -> identity dict
    (heat/common/identifier.py HeatIdentifier.from_arn), components url-unquoted."""
    tenant, _, rest = arn[len(ARN_PREFIX):].partition(":") if arn.startswith(
        ARN_PREFIX) else ("", "", "")
    parts = rest.split("/")
    if not tenant or len(parts) < 3 or parts[0] != "stacks" or not parts[1] or not parts[2]:
        raise bad_request(f"Invalid ARN '{arn}': expected "
                          "arn:openstack:heat::<tenant>:stacks/<name>/<id>[/<path>]")
    return {"tenant": unquote(tenant), "stack_name": unquote(parts[1]),
            "stack_id": unquote(parts[2]), "path": "/".join(unquote(p) for p in parts[3:])}


@dataclass
class Links:
    """Builds absolute URLs from the request's own host URL, as real Heat does."""
    base: str  # e.g. "http://192.168.24.1:8004/v1/"

    @classmethod
    def for_request(cls, request: Request) -> "Links":
        return cls(request.host_url + "v1/")

    def url(self, identity: dict) -> str:
        return self.base + identity_path(identity)

    def link(self, identity: dict, rel: str = "self") -> dict:
        return {"href": self.url(identity), "rel": rel}


@dataclass
class Ctx:
    """One authenticated request as the handlers see it."""
    request: Request
    engine: Any
    token: Any  # fakes.keystone.model.Token
    links: Links

    @property
    def tenant(self) -> str:
        """The engine works in the token's project, like Heat's request context."""
        return self.token.project_id

    @property
    def is_admin(self) -> bool:
        return bool(getattr(self.token, "is_admin", False))

    def stack_identity(self, tenant_id: str, stack_name: str, stack_id: str) -> dict:
        return {"tenant": tenant_id, "stack_name": stack_name, "stack_id": stack_id, "path": ""}
