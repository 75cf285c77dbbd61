"""Small helpers shared by the fake services' WSGI layers (werkzeug)."""
from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timezone
from email.utils import formatdate
from functools import lru_cache, partial
from urllib.parse import urlsplit

import requests
from waitress.channel import ClientDisconnected
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.test import EnvironBuilder, run_wsgi_app
from werkzeug.wrappers import Response


def request_id() -> str:
    return f"req-{uuid.uuid4()}"


def with_reason(response: Response) -> Response:
    """`404 Not Found` as the real services say it (werkzeug would send `404 NOT FOUND`)."""
    code = response.status_code
    reason = HTTP_STATUS_CODES.get(code, "Unknown")
    if not response.status.endswith(reason):
        response.status = f"{code} {reason}"
    return response


def json_response(body, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json",
                        headers=headers or {})
    return response


@lru_cache(maxsize=4096)
def http_date(epoch: float) -> str:
    """RFC 1123 in GMT, e.g. `Sun, 06 Nov 1994 08:49:37 GMT` (what os-collect-config parses)."""
    return formatdate(epoch, usegmt=True)


def iso_micro(epoch: float) -> str:
    """Keystone's timestamps: `2026-11-29T01:39:31.123456Z`."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def read_json(request):
    """The request's JSON body, or None when it is missing or not JSON."""
    try:
        return json.loads(request.get_data(cache=True) or b"null")
    except ValueError:
        return None


# -- in-process transport: a WSGI app behind `responses` (no sockets) --------------------------
RESPONSES_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def mount_wsgi_app(rsps, root: str, app) -> None:
    """Answer every request under `root` (scheme://host:port) by calling `app` in-process."""
    pattern = re.compile(re.escape(root) + r"(?:[/?].*)?$")
    for method in RESPONSES_METHODS:
        rsps.add_callback(method, pattern, callback=partial(call_wsgi_app, app),
                          content_type=None)


def call_wsgi_app(app, request) -> tuple[int, list, bytes]:
    """Run a `requests.PreparedRequest` through `app`; (status, headers, body) for responses."""

    url = urlsplit(request.url)
    body = request.body
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif body is not None and not isinstance(body, bytes):
        body = body.read() if hasattr(body, "read") else b"".join(body)
    headers = {k: v for k, v in request.headers.items()
               if k.lower() not in ("content-type", "content-length", "transfer-encoding")}
    builder = EnvironBuilder(
        path=url.path or "/", base_url=f"{url.scheme}://{url.netloc}", query_string=url.query,
        method=request.method, headers=headers, data=body or b"",
        content_type=request.headers.get("Content-Type"),
        environ_base={"REMOTE_ADDR": "127.0.0.1"})
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    try:
        app_iter, status, response_headers = run_wsgi_app(app, environ, buffered=True)
    except ClientDisconnected as dropped:  # a `drop` fault: no answer at all
        raise requests.exceptions.ConnectionError(str(dropped), request=request) from None
    try:
        data = b"".join(app_iter)
    finally:
        if hasattr(app_iter, "close"):
            app_iter.close()
    return int(status.split(" ", 1)[0]), list(response_headers.items()), data
