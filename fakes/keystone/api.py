"""Keystone v3 on the wire (port 5000): version discovery and `/v3/auth/tokens`.

Thin: parsing and shaping only; `KeystoneModel` holds the state.
"""
from __future__ import annotations

import logging

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound as RouteNotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from fakes.keystone.errors import BadRequest, KeystoneError, NotFound, Unauthorized
from fakes.keystone.model import KeystoneModel, Token
from fakes.wsgi import iso_micro, json_response, read_json, request_id, with_reason

LOG = logging.getLogger(__name__)
VERSION_ID = "v3.14"
VERSION_UPDATED = "2020-04-07T00:00:00Z"
MEDIA_TYPE = "application/vnd.openstack.identity-v3+json"

URLS = Map([
    Rule("/", endpoint="versions", methods=["GET"]),
    Rule("/v3", endpoint="version", methods=["GET"], strict_slashes=False),
    Rule("/v3/auth/tokens", endpoint="tokens", methods=["GET", "POST", "DELETE"]),
    Rule("/v3/auth/catalog", endpoint="auth_catalog", methods=["GET"]),
], strict_slashes=False, merge_slashes=False)


def make_app(keystone: KeystoneModel):
    """The WSGI app of the identity service."""
    handlers = KeystoneHandlers(keystone)

    def app(environ, start_response):
        request = Request(environ)
        try:
            endpoint, args = URLS.bind_to_environ(environ).match()
            response = getattr(handlers, endpoint)(request, **args)
        except KeystoneError as error:
            response = error_response(error, keystone)
        except MethodNotAllowed:
            response = error_response(_MethodNotAllowed(), keystone)
        except (RouteNotFound, HTTPException):
            response = error_response(NotFound("The resource could not be found."), keystone)
        except Exception:  # a bug in the fake: keystone's 500 body, the traceback in the log
            LOG.exception("keystone: %s %s failed", request.method, request.path)
            response = error_response(KeystoneError(), keystone)
        response.headers["Vary"] = "X-Auth-Token"
        response.headers["x-openstack-request-id"] = request_id()
        return with_reason(response)(environ, start_response)

    return app


class _MethodNotAllowed(KeystoneError):
    code = 405
    title = "Method Not Allowed"
    default_message = "The method is not allowed for the requested URL."


def error_response(error: KeystoneError, keystone: KeystoneModel) -> Response:
    response = json_response(error.body(), status=error.code)
    if error.code == 401:
        response.headers["WWW-Authenticate"] = f'Keystone uri="{keystone.endpoints.identity_root}"'
    return response


class KeystoneHandlers:
    def __init__(self, keystone: KeystoneModel) -> None:
        self.keystone = keystone

    def _version(self) -> dict:
        return {
            "id": VERSION_ID, "status": "stable", "updated": VERSION_UPDATED,
            "links": [{"rel": "self", "href": self.keystone.endpoints.identity_url + "/"}],
            "media-types": [{"base": "application/json", "type": MEDIA_TYPE}],
        }

    def versions(self, request):
        # Like keystone: 300 Multiple Choices listing the one API version.
        return json_response({"versions": {"values": [self._version()]}}, status=300)

    def version(self, request):
        return json_response({"version": self._version()})

    def tokens(self, request):
        if request.method == "POST":
            return self._issue(request)
        subject = self._subject_token(request)
        if request.method == "DELETE":
            self.keystone.revoke(subject.id)
            return Response(status=204)
        with_catalog = "nocatalog" not in request.args
        return json_response(self.token_body(subject, with_catalog),
                             headers={"X-Subject-Token": subject.id})

    def auth_catalog(self, request):
        token = self._caller(request)
        return json_response({"catalog": self.keystone.catalog(token.project_id),
                              "links": {"self": self.keystone.endpoints.identity_url
                                        + "/auth/catalog", "previous": None, "next": None}})

    def _issue(self, request):
        body = read_json(request)
        if not isinstance(body, dict) or "auth" not in body:
            raise BadRequest("Invalid input for field 'auth': the body must be JSON "
                             "{\"auth\": {\"identity\": ...}}")
        token = self.keystone.authenticate(body["auth"])
        with_catalog = "nocatalog" not in request.args
        return json_response(self.token_body(token, with_catalog), status=201,
                             headers={"X-Subject-Token": token.id})

    def _caller(self, request) -> Token:
        token = self.keystone.validate(request.headers.get("X-Auth-Token", ""))
        if token is None:
            raise Unauthorized()
        return token

    def _subject_token(self, request) -> Token:
        self._caller(request)
        subject_id = request.headers.get("X-Subject-Token", "")
        subject = self.keystone.validate(subject_id)
        if subject is None:
            raise NotFound(f"Could not find token: {subject_id}.")
        return subject

    def token_body(self, token: Token, with_catalog: bool = True) -> dict:
        body = {
            "methods": list(token.methods),
            "user": {"domain": {"id": token.user_domain.id, "name": token.user_domain.name},
                     "id": token.user_id, "name": token.user_name, "password_expires_at": None},
            "audit_ids": [token.id[-22:]],
            "expires_at": iso_micro(token.expires_at),
            "issued_at": iso_micro(token.issued_at),
        }
        if token.project_id is not None:
            body["project"] = {"domain": {"id": token.project_domain.id,
                                          "name": token.project_domain.name},
                               "id": token.project_id, "name": token.project_name}
            body["is_domain"] = False
            body["roles"] = [{"id": self.keystone.role_id(r), "name": r} for r in token.roles]
        if with_catalog:
            body["catalog"] = self.keystone.catalog(token.project_id) if token.project_id else []
        return {"token": body}
