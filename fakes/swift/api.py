"""Swift on the wire (port 8080): `/info`, `/v1/<account>[/<container>[/<object>]]`, temp URLs.

Thin: authorisation (token or temp URL), header shaping and listings; `SwiftModel` holds state.
"""
from __future__ import annotations

import logging
from urllib.parse import quote

from werkzeug.http import parse_range_header
from werkzeug.wrappers import Request, Response

from fakes.swift import tempurl
from fakes.swift.errors import (BadRequest, Forbidden, LengthRequired, MethodNotAllowed,
                                NotFound, SwiftError, TempUrlInvalid, Unauthorized,
                                UnprocessableEntity)
from fakes.swift.listing import account_listing, container_listing, meta_headers, read_meta
from fakes.swift.model import ObjectInfo, SwiftModel
from fakes.swift.reads import (CONDITIONAL_KEYS, object_headers, serve_temp_url_read, split_path,
                               temp_url_headers, trans_id)
from fakes.wsgi import http_date, json_response, with_reason

LOG = logging.getLogger(__name__)
HTML = "text/html; charset=UTF-8"
TEMP_URL_INVALID = "401 Unauthorized: Temp URL invalid\n"
ACCEPTED = "<html><h1>Accepted</h1><p>The request is accepted for processing.</p></html>"
TEMP_URL_FORBIDDEN_HEADERS = ("X-Object-Manifest", "X-Symlink-Target")
ALLOWED = {"account": "GET, HEAD, POST", "container": "DELETE, GET, HEAD, POST, PUT",
           "object": "DELETE, GET, HEAD, POST, PUT"}


def make_app(swift: SwiftModel, keystone, allowed_digests=tempurl.ALLOWED_DIGESTS):
    """The WSGI app of the object store."""
    return SwiftApi(swift, keystone, tuple(allowed_digests)).wsgi


class SwiftApi:
    def __init__(self, swift: SwiftModel, keystone, allowed_digests) -> None:
        self.swift = swift
        self.keystone = keystone
        self.allowed_digests = allowed_digests

    def wsgi(self, environ, start_response):
        fast = serve_temp_url_read(self, environ, start_response)
        if fast is not None:
            return fast
        request = Request(environ)
        try:
            response = self.handle(request)
        except TempUrlInvalid:
            response = Response(TEMP_URL_INVALID, status=401, content_type=HTML,
                                headers={"Www-Authenticate": 'Swift realm="unknown"'})
        except SwiftError as error:
            response = self.error_response(error, request)
        except Exception:  # a bug in the fake: Swift's own answer, the traceback in the log
            LOG.exception("swift: %s %s failed", request.method, request.path)
            response = Response("Internal server error.\n", status=500, content_type="text/plain")
        tid = trans_id()
        response.headers.extend((("X-Trans-Id", tid), ("X-Openstack-Request-Id", tid)))
        return with_reason(response)(environ, start_response)

    def error_response(self, error: SwiftError, request: Request) -> Response:
        response = Response(error.html(), status=error.status, content_type=HTML)
        if error.status == 401:
            account = split_path(request.path)
            realm = quote(account[0]) if account else "unknown"
            response.headers["Www-Authenticate"] = f'Swift realm="{realm}"'
        if isinstance(error, MethodNotAllowed):
            parts = split_path(request.path)
            response.headers["Allow"] = ALLOWED[level(parts)] if parts else "GET"
        return response

    # -- routing and authorisation --------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if request.path == "/info" and request.method in ("GET", "HEAD"):
            return json_response(info_document(self.allowed_digests))
        parts = split_path(request.path)
        if parts is None:
            raise NotFound()
        account, container, obj = parts
        signed_method = self.temp_url_method(request, parts)
        if signed_method is None:
            self.authorize(request, account)
        handler = getattr(self, f"{level(parts)}_{request.method.lower()}", None)
        if handler is None:
            raise MethodNotAllowed()
        request.temp_url_method = signed_method  # object reads add the temp URL headers
        return handler(request, *[p for p in parts if p is not None])

    def temp_url_method(self, request: Request, parts) -> str | None:
        """The method a temp URL was signed for; None when the request is not a temp URL."""
        sig = request.args.get("temp_url_sig")
        expires = request.args.get("temp_url_expires")
        if sig is None and expires is None:
            return None
        if not sig or not expires or level(parts) != "object":
            raise TempUrlInvalid("temp_url_sig and temp_url_expires are both needed on an object")
        keys = self.swift.temp_url_keys(parts[0], parts[1])
        signed = tempurl.validate(keys, request.method, request.path, sig, expires,
                                  self.swift.clock.now(), self.allowed_digests)
        for header in TEMP_URL_FORBIDDEN_HEADERS:
            if request.method == "PUT" and header in request.headers:
                raise BadRequest(f"The header '{header}' is not allowed in this tempurl")
        return signed

    def authorize(self, request: Request, account: str) -> None:
        token_id = request.headers.get("X-Auth-Token") or request.headers.get("X-Storage-Token")
        token = self.keystone.validate(token_id) if token_id else None
        if token is None:
            raise Unauthorized()
        if account != f"AUTH_{token.project_id}":
            raise Forbidden(f"token of project {token.project_id} may not use {account}")

    # -- account --------------------------------------------------------------------------
    def account_head(self, request, account):
        timestamp, containers = self.swift.account_info(account)
        headers = {
            "X-Account-Container-Count": str(len(containers)),
            "X-Account-Object-Count": str(sum(c.count for c in containers)),
            "X-Account-Bytes-Used": str(sum(c.bytes for c in containers)),
            "X-Timestamp": f"{timestamp:.5f}",
            **meta_headers("X-Account-Meta-", self.swift.account_meta(account)),
        }
        return Response(status=204, headers=headers, content_type=HTML)

    def account_get(self, request, account):
        headers = self.account_head(request, account).headers
        return account_listing(request, self.swift.account_info(account)[1], headers)

    def account_post(self, request, account):
        for key, value in read_meta(request, "account").items():
            self.swift.set_account_meta(account, key, value)
        return Response(status=204, content_type=HTML)

    # -- container ------------------------------------------------------------------------
    def container_put(self, request, account, container):
        created = self.swift.put_container(account, container)
        self.swift.set_container_meta(account, container, read_meta(request, "container"))
        if created:
            return Response(status=201, content_type=HTML)
        return Response(ACCEPTED, status=202, content_type=HTML)

    def container_head(self, request, account, container):
        info = self.swift.container_info(account, container)
        headers = {
            "X-Container-Object-Count": str(info.count), "X-Container-Bytes-Used": str(info.bytes),
            "X-Timestamp": f"{info.timestamp:.5f}", "X-Storage-Policy": "Policy-0",
            "Last-Modified": http_date(info.last_modified), "Accept-Ranges": "bytes",
            **meta_headers("X-Container-Meta-", self.swift.container_meta(account, container)),
        }
        return Response(status=204, headers=headers, content_type=HTML)

    def container_get(self, request, account, container):
        headers = self.container_head(request, account, container).headers
        args = request.args
        objects = self.swift.list_container(
            account, container, prefix=args.get("prefix", ""), marker=args.get("marker", ""),
            end_marker=args.get("end_marker", ""), limit=_limit(args.get("limit")))
        return container_listing(request, objects, headers)

    def container_post(self, request, account, container):
        self.swift.set_container_meta(account, container, read_meta(request, "container"))
        return Response(status=204, content_type=HTML)

    def container_delete(self, request, account, container):
        self.swift.delete_container(account, container)
        return Response(status=204, content_type=HTML)

    # -- object ---------------------------------------------------------------------------
    # GET and HEAD of an object are the metadata poll's hot path (bench/poll_throughput.py):
    # headers are built once as a list, conditional handling only when asked for.
    def object_head(self, request, account, container, obj):
        info = self.swift.head_object(account, container, obj)
        headers = self._read_headers(request, info, obj)
        headers.append(("Content-Length", str(info.length)))
        return Response(status="200 OK", headers=headers)

    def object_get(self, request, account, container, obj):
        info, body = self.swift.get_object(account, container, obj)
        response = Response(body, status="200 OK", headers=self._read_headers(request, info, obj))
        if "HTTP_RANGE" in request.environ and parse_range_header(request.environ["HTTP_RANGE"]) is None:
            del request.environ["HTTP_RANGE"]  # Swift ignores a Range it cannot parse: whole object
        if any(key in request.environ for key in CONDITIONAL_KEYS):
            response.make_conditional(request, accept_ranges=True, complete_length=info.length)
        return response

    @staticmethod
    def _read_headers(request, info: ObjectInfo, obj: str) -> list:
        temp_url = getattr(request, "temp_url_method", None) is not None
        headers = object_headers(info, temp_url)
        return headers + temp_url_headers(request.args, obj) if temp_url else headers

    def object_put(self, request, account, container, obj):
        # werkzeug reads a missing Content-Length as 0; Swift wants one (or chunked: waitress
        # de-chunks and then sets CONTENT_LENGTH itself)
        if not request.environ.get("CONTENT_LENGTH") and "chunked" not in request.headers.get(
                "Transfer-Encoding", ""):
            raise LengthRequired()
        body = request.get_data()
        etag = request.headers.get("Etag", "").strip('"')
        info = self.swift.put_object(account, container, obj, body,
                                     content_type=request.headers.get("Content-Type"),
                                     meta=read_meta(request, "object"), expected_etag=etag)
        headers = {"Etag": info.etag, "Last-Modified": http_date(info.last_modified)}
        return Response(status=201, headers=headers, content_type=HTML)

    def object_post(self, request, account, container, obj):
        self.swift.post_object(account, container, obj, read_meta(request, "object"))
        return Response(ACCEPTED, status=202, content_type=HTML)

    def object_delete(self, request, account, container, obj):
        self.swift.delete_object(account, container, obj)
        return Response(status=204, content_type=HTML)


def level(parts) -> str:
    return "object" if parts[2] else "container" if parts[1] else "account"


def info_document(allowed_digests) -> dict:
    return {
        "swift": {"version": "2.34.0", "max_file_size": 5368709122, "account_autocreate": True,
                  "policies": [{"name": "Policy-0", "default": True}]},
        "tempurl": {"methods": list(tempurl.METHODS),
                    "incoming_remove_headers": ["x-timestamp", "x-open-expired"],
                    "incoming_allow_headers": [], "outgoing_remove_headers": ["x-object-meta-*"],
                    "outgoing_allow_headers": ["x-object-meta-public-*"],
                    "allowed_digests": list(allowed_digests), "deprecated_digests": ["sha1"]},
    }


def _limit(value) -> int:
    if value is None:
        return 10000
    if not value.isdigit() or not 0 <= int(value) <= 10000:
        raise PreconditionFailedLimit()
    return int(value)


class PreconditionFailedLimit(SwiftError):
    status = 412
    title = "Precondition Failed"
    explanation = "A precondition for this request was not met."
