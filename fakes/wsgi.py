"""Small helpers shared by the fake services' WSGI layers (werkzeug)."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from email.utils import formatdate

from werkzeug.wrappers import Response


def request_id() -> str:
    return f"req-{uuid.uuid4()}"


def json_response(body, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json",
                        headers=headers or {})
    return response


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
