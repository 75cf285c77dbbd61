"""The request journal: a bounded in-memory record of every request every service answered.

`JournalMiddleware` wraps a service's WSGI app and records method, path, query, status,
timestamps and (truncated) headers and bodies, always through `fakes.redact`, so no token,
password, temp URL key or signature is ever kept in clear.
"""
from __future__ import annotations

import io
import itertools
import threading
import time
from collections import deque
from functools import lru_cache

from fakes.redact import redact_body, redact_headers, redact_query

DEFAULT_CAPACITY = 10000
BODY_LIMIT = 4096
CONTROL_PREFIX = "/_harness/"


class Journal:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._entries: deque = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._seq = itertools.count(1)

    def record(self, entry: dict) -> None:
        with self._lock:
            entry["seq"] = next(self._seq)
            self._entries.append(entry)

    def entries(self, service: str | None = None, since: int = 0,
                limit: int | None = None) -> list[dict]:
        """Entries oldest first; `since` is a sequence number (exclusive)."""
        with self._lock:
            selected = [e for e in self._entries if e["seq"] > since
                        and (service is None or e["service"] == service)]
        return selected[-limit:] if limit else selected

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class JournalMiddleware:
    """Records each request of `app` (a service) into `journal`; control calls are not recorded."""

    def __init__(self, app, journal: Journal, service: str, clock) -> None:
        self.app = app
        self.journal = journal
        self.service = service
        self.clock = clock

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(CONTROL_PREFIX):
            return self.app(environ, start_response)
        return self._recorded(environ, start_response)

    def _recorded(self, environ, start_response):
        request_body = _buffer_body(environ)
        started = self.clock.now()
        started_mono = time.monotonic()
        captured = {}

        def capture_start_response(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        chunks: list[bytes] = []
        kept = 0
        app_iter = None
        try:
            app_iter = self.app(environ, capture_start_response)
            for chunk in app_iter:
                if kept < BODY_LIMIT:
                    chunks.append(chunk)
                    kept += len(chunk)
                yield chunk
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()
            # one chunk is passed as is: the same bytes object every poll (redaction cache)
            body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            self.journal.record(self._entry(environ, request_body, captured, body,
                                            started, time.monotonic() - started_mono))

    def _entry(self, environ, request_body, captured, response_body, started, elapsed) -> dict:
        status = captured.get("status", "000 no response")
        response_headers = dict(captured.get("headers", []))
        request_headers = {_header_name(k): v for k, v in environ.items() if k[:5] == "HTTP_"}
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                request_headers[key.replace("_", "-").title()] = environ[key]
        req_text, req_cut = redact_body(request_body, environ.get("CONTENT_TYPE"), BODY_LIMIT)
        resp_text, resp_cut = redact_body(response_body, response_headers.get("Content-Type"),
                                          BODY_LIMIT)
        return {
            "service": self.service, "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO", ""),
            "query": redact_query(environ.get("QUERY_STRING", "")),
            "status": int(status.split(" ", 1)[0]), "remote_addr": environ.get("REMOTE_ADDR"),
            "started_at": started, "duration_ms": round(elapsed * 1000, 3),
            "request_headers": redact_headers(request_headers), "request_body": req_text,
            "request_body_truncated": req_cut,
            "response_headers": redact_headers(response_headers), "response_body": resp_text,
            "response_body_truncated": resp_cut,
        }


@lru_cache(maxsize=256)
def _header_name(environ_key: str) -> str:
    """`HTTP_X_AUTH_TOKEN` -> `X-Auth-Token`."""
    return environ_key[5:].replace("_", "-").title()


def _buffer_body(environ) -> bytes:
    """Read the request body once and put it back, so the app still sees all of it."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return b""
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body
