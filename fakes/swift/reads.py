"""Object reads: Swift's headers, and the metadata poll's hot path without werkzeug.

Every node's os-collect-config HEADs and GETs its metadata temp URL on every poll, so the plain
successful temp URL GET/HEAD is served by `serve_temp_url_read` straight from the WSGI environ.
Anything else (a bad or expired signature, a missing object, conditional or ranged requests,
`filename`/`inline`, other query parameters) returns None and takes the regular path in
`fakes.swift.api`, which gives Swift's exact answers. Both paths use the same header builders.
"""
from __future__ import annotations

import random
import time
from functools import lru_cache
from urllib.parse import parse_qsl, quote

from fakes.swift import tempurl
from fakes.swift.errors import SwiftError
from fakes.swift.listing import meta_headers
from fakes.swift.model import ObjectInfo
from fakes.wsgi import http_date

CONDITIONAL_KEYS = ("HTTP_RANGE", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
                    "HTTP_IF_UNMODIFIED_SINCE")
FAST_QUERY_KEYS = {"temp_url_sig", "temp_url_expires"}


def trans_id() -> str:
    """Swift's `tx<21 hex>-<10 hex of the time>` (random bits without a system call)."""
    return f"tx{random.getrandbits(84):021x}-{int(time.time()):010x}"


def split_path(path: str):
    """(account, container, object) of a `/v1/...` path, None when it is not one (-> 404)."""
    segments = path.split("/", 4)
    if len(segments) < 3 or segments[0] != "" or segments[1] not in ("v1", "v1.0") \
            or not segments[2]:
        return None
    account = segments[2]
    container = segments[3] if len(segments) > 3 and segments[3] else None
    obj = segments[4] if len(segments) > 4 and segments[4] else None
    if obj is not None and container is None:
        return None
    return account, container, obj


def object_headers(info: ObjectInfo, temp_url: bool) -> list:
    """Swift's object headers; through a temp URL only public metadata is shown."""
    return list(_object_headers(info, tuple(info.meta.items()), temp_url))


@lru_cache(maxsize=4096)
def _object_headers(info: ObjectInfo, meta_items: tuple, temp_url: bool) -> tuple:
    """Cached per stored version of an object (ObjectInfo is immutable; its metadata, which
    it does not hash, is part of the key)."""
    meta = meta_headers("X-Object-Meta-", dict(meta_items))
    if temp_url:
        meta = {k: v for k, v in meta.items() if k.lower().startswith("x-object-meta-public-")}
    return (("Content-Type", info.content_type), ("Etag", info.etag),
            ("Last-Modified", http_date(info.last_modified)),
            ("X-Timestamp", f"{info.timestamp:.5f}"), ("Accept-Ranges", "bytes"), *meta.items())


def temp_url_headers(args, obj: str) -> list:
    """What Swift's tempurl adds to a successful GET/HEAD: Content-Disposition and Expires."""
    filename = args.get("filename") or obj.rsplit("/", 1)[-1]
    disposition = "inline" if "inline" in args else "attachment"
    if disposition == "attachment" or "filename" in args:
        disposition += f"; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    expires = tempurl.parse_expires(args["temp_url_expires"], 0)
    return [("Content-Disposition", disposition), ("Expires", http_date(expires))]


def serve_temp_url_read(api, environ, start_response):
    """Answer a plain, valid temp URL GET/HEAD of an existing object; None for anything else."""
    method = environ.get("REQUEST_METHOD")
    query = environ.get("QUERY_STRING", "")
    if method not in ("GET", "HEAD") or "temp_url_sig=" not in query \
            or any(key in environ for key in CONDITIONAL_KEYS):
        return None
    args = _query_args(query)
    if args is None:
        return None
    try:
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None
    parts = split_path(path)
    if parts is None or parts[2] is None:
        return None
    account, container, obj = parts
    swift = api.swift
    try:
        tempurl.validate(swift.temp_url_keys(account, container), method, path,
                         args["temp_url_sig"], args["temp_url_expires"], swift.clock.now(),
                         api.allowed_digests)
        info, body = swift.get_object(account, container, obj)
    except SwiftError:
        return None
    tid = trans_id()
    headers = object_headers(info, temp_url=True)
    headers += _temp_url_headers(args["temp_url_expires"], obj)
    headers += [("Content-Length", str(info.length)), ("X-Trans-Id", tid),
                ("X-Openstack-Request-Id", tid)]
    start_response("200 OK", headers)
    return [] if method == "HEAD" else [body]


@lru_cache(maxsize=4096)
def _query_args(query: str) -> dict | None:
    """The fast path's query, parsed once per URL (every node polls its own URL over and over);
    None unless it holds exactly temp_url_sig and temp_url_expires. Callers must not mutate it."""
    args = dict(parse_qsl(query, keep_blank_values=True))
    return args if args.keys() == FAST_QUERY_KEYS else None


@lru_cache(maxsize=4096)
def _temp_url_headers(expires: str, obj: str) -> tuple:
    return tuple(temp_url_headers({"temp_url_expires": expires}, obj))
