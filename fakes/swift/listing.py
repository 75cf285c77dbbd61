"""Account and container listings (plain text or JSON) and metadata headers, as Swift shapes them."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from werkzeug.wrappers import Response

from fakes.swift.errors import BadRequest


def listing_format(request) -> str:
    fmt = request.args.get("format")
    if fmt is None:
        accept = request.headers.get("Accept", "")
        fmt = "json" if "application/json" in accept else "plain"
    if fmt not in ("json", "plain"):
        raise BadRequest(f"listing format {fmt!r} is not supported here: use json or plain")
    return fmt


def _listing_response(request, items: list[dict], headers) -> Response:
    if listing_format(request) == "json":
        return Response(json.dumps(items), status=200, headers=headers,
                        content_type="application/json; charset=utf-8")
    if not items:
        return Response(status=204, headers=headers, content_type="text/plain; charset=utf-8")
    text = "".join(item["name"] + "\n" for item in items)
    return Response(text, status=200, headers=headers, content_type="text/plain; charset=utf-8")


def iso_listing_time(epoch: float) -> str:
    """Listings show `2016-11-04T14:38:46.000000` (UTC, no zone suffix)."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


def container_listing(request, objects, headers) -> Response:
    items = [{"hash": o.etag, "last_modified": iso_listing_time(o.timestamp), "bytes": o.length,
              "name": o.name, "content_type": o.content_type} for o in objects]
    return _listing_response(request, items, _without_content_type(headers))


def account_listing(request, containers, headers) -> Response:
    items = [{"name": c.name, "count": c.count, "bytes": c.bytes,
              "last_modified": iso_listing_time(c.timestamp)} for c in containers]
    return _listing_response(request, items, _without_content_type(headers))


def _without_content_type(headers) -> dict:
    return {k: v for k, v in headers.items() if k.lower() not in ("content-type", "content-length")}


def meta_headers(prefix: str, meta: dict) -> dict:
    """`{"temp-url-key": v}` -> `{"X-Account-Meta-Temp-Url-Key": v}` (Swift title-cases names)."""
    return {prefix + "-".join(w.capitalize() for w in name.split("-")): value
            for name, value in meta.items()}


def read_meta(request, kind: str) -> dict:
    """User metadata of a request: `X-<Kind>-Meta-Name: v` -> {"name": v}; removals -> ""."""
    prefix = f"x-{kind}-meta-"
    remove = f"x-remove-{kind}-meta-"
    meta = {}
    for name, value in request.headers.items():
        lower = name.lower()
        if lower.startswith(prefix) and len(lower) > len(prefix):
            meta[lower[len(prefix):]] = value
        elif lower.startswith(remove) and len(lower) > len(remove) and kind != "object":
            meta[lower[len(remove):]] = ""
    return meta
