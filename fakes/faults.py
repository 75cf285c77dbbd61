"""Fault injection: per-service, per-route hooks the control API sets (`/_harness/faults`).

A fault matches requests by service, method and a path regex (for the next N matches, or with a
seeded probability) and then:
- `fail`: answers `status` instead of the service; `latency`: delays the request by `latency` s;
- `lose_signal`: accepts a PUT like Swift (201, Etag, Last-Modified) without storing it;
- `corrupt_body`: cuts the response body in half (invalid JSON for the agents);
- `stale_last_modified`: moves Last-Modified `seconds` (default 60) into the past;
- `same_second_last_modified`: keeps answering the first Last-Modified seen for the path;
- `drop`: closes the connection without an answer (the request is not served). On sockets this
  raises waitress' `ClientDisconnected`, which waitress answers by closing the connection
  silently; the in-process transport turns it into `requests.ConnectionError`.

Every request a fault fires on carries `X-Harness-Fault: <id>[,<id>...]` in its answer's headers,
so the request journal (which wraps this middleware) records which faults hit which request; a
dropped request is journaled with status 0 and that header (nothing reaches the client).
Faults with a `seed` replay the same hits for the same request sequence.
"""
from __future__ import annotations

import hashlib
import itertools
import math
import random
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from email.utils import formatdate, parsedate_to_datetime

from waitress.channel import ClientDisconnected

SERVICES = ("keystone", "heat", "cfn", "swift")
REWRITES = ("corrupt_body", "stale_last_modified", "same_second_last_modified")
ACTIONS = ("fail", "latency", "lose_signal", "drop", *REWRITES)


class FaultSpecError(ValueError):
    """A fault description that cannot be used; the message says which field and why."""


@dataclass
class Fault:
    id: int
    action: str
    service: str | None = None
    method: str | None = None
    path: str = ""
    status: int = 503
    count: int | None = None  # remaining matches; None = every match
    probability: float = 1.0
    seed: int | None = None
    latency: float = 0.0
    seconds: float = 60.0
    hits: int = 0
    _rng: random.Random = field(default=None, repr=False, compare=False)
    _pinned: dict = field(default_factory=dict, repr=False, compare=False)

    def public(self) -> dict:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


class FaultRegistry:
    def __init__(self) -> None:
        self._faults: dict[int, Fault] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, spec: dict) -> Fault:
        fault = parse_fault(next(self._ids), spec)
        with self._lock:
            self._faults[fault.id] = fault
        return fault

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            return self._faults.pop(fault_id, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def list(self) -> list[dict]:
        with self._lock:
            return [f.public() for f in self._faults.values()]

    def triggered(self, service: str, method: str, path: str) -> list[Fault]:
        """The faults that fire for this request (consuming their counts)."""
        if not self._faults:  # the common case stays cheap
            return []
        fired = []
        with self._lock:
            for fault in list(self._faults.values()):
                if not _matches(fault, service, method, path):
                    continue
                if fault.probability < 1.0 and fault._rng.random() >= fault.probability:
                    continue
                fault.hits += 1
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        del self._faults[fault.id]
                fired.append(fault)
        return fired


def _matches(fault: Fault, service: str, method: str, path: str) -> bool:
    return ((fault.service is None or fault.service == service)
            and (fault.method is None or fault.method == method)
            and re.search(fault.path, path) is not None)


def parse_fault(fault_id: int, spec) -> Fault:
    if not isinstance(spec, dict):
        raise FaultSpecError("a fault is a JSON object, e.g. "
                             '{"service": "swift", "path": "/v1/", "action": "fail", "status": 503, "count": 1}')
    known = {"action", "service", "method", "path", "status", "count", "probability", "seed",
             "latency", "seconds"}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise FaultSpecError(f"unknown fault field(s) {unknown}; known: {sorted(known)}")
    action = spec.get("action")
    if action not in ACTIONS:
        raise FaultSpecError(f"fault 'action' must be one of {list(ACTIONS)}, not {action!r}")
    service = spec.get("service")
    if service is not None and service not in SERVICES:
        raise FaultSpecError(f"fault 'service' must be one of {list(SERVICES)}, not {service!r}")
    try:
        re.compile(spec.get("path", ""))
    except (re.error, TypeError) as error:
        raise FaultSpecError(f"fault 'path' must be a regular expression: {error}") from None
    fault = Fault(id=fault_id, action=action, service=service,
                  method=(spec.get("method") or "").upper() or None, path=spec.get("path", ""),
                  status=_number(spec, "status", int, 503, 100, 599),
                  count=_number(spec, "count", int, None, 1, 10**9),
                  probability=_number(spec, "probability", float, 1.0, 0.0, 1.0),
                  seed=_number(spec, "seed", int, None, -(2**63), 2**63),
                  latency=_number(spec, "latency", float, 0.0, 0.0, 600.0),
                  seconds=_number(spec, "seconds", float, 60.0, 0.0, 10**9))
    fault._rng = random.Random(fault.seed)
    return fault


def _number(spec, name, kind, default, low, high):
    value = spec.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise FaultSpecError(f"fault {name!r} must be a number from {low} to {high}, not {value!r}")
    return kind(value)


class FaultMiddleware:
    """Applies the registry's faults to one service's requests (latency first, then the rest)."""

    def __init__(self, app, registry: FaultRegistry, service: str, sleep=None, clock=None):
        self.app = app
        self.registry = registry
        self.service = service
        self.sleep = sleep
        self.clock = clock

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "")
        fired = self.registry.triggered(self.service, method, environ.get("PATH_INFO", ""))
        if not fired:
            return self.app(environ, start_response)
        for fault in fired:
            if fault.latency:
                (self.sleep or time.sleep)(fault.latency)
        by_action = {}
        for fault in fired:
            by_action.setdefault(fault.action, fault)
        if "drop" in by_action:
            # Headers are only sent with the first body byte, so this start_response reaches
            # the journal (status 0, the fault's id) but never the client.
            start_response("000 Dropped By Fault", [("X-Harness-Fault", _ids(fired))])
            raise ClientDisconnected(f"connection dropped by fault {by_action['drop'].id}")
        if "fail" in by_action:
            return _failure(by_action["fail"], start_response)
        if "lose_signal" in by_action and method == "PUT":
            return self._lost_put(environ, start_response, by_action["lose_signal"])
        rewrites = [f for f in fired if f.action in REWRITES]
        if not rewrites:
            return self.app(environ, _tagged(start_response, fired))
        return _rewritten(self.app, environ, start_response, rewrites)

    def _lost_put(self, environ, start_response, fault):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        now = self.clock.now() if self.clock is not None else time.time()
        start_response("201 Created", [
            ("Content-Type", "text/html; charset=UTF-8"), ("Content-Length", "0"),
            ("Etag", hashlib.md5(body).hexdigest()),
            ("Last-Modified", formatdate(math.ceil(now), usegmt=True)),
            ("X-Harness-Fault", str(fault.id))])
        return []


def _ids(faults) -> str:
    return ",".join(str(f.id) for f in faults)


def _tagged(start_response, faults):
    """start_response that also names the faults that fired (latency, a lose_signal on a GET)."""
    def tagging(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Harness-Fault", _ids(faults))], exc_info)
    return tagging


def _failure(fault: Fault, start_response):
    body = f"Injected fault {fault.id}: status {fault.status}\n".encode()
    start_response(f"{fault.status} Injected Fault", [
        ("Content-Type", "text/plain; charset=UTF-8"), ("Content-Length", str(len(body))),
        ("X-Harness-Fault", str(fault.id))])
    return [body]


def _rewritten(app, environ, start_response, faults):
    """Run the app, then change its answer as the faults say (body and Last-Modified)."""
    captured = {}

    def capture(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, list(headers)
        return lambda data: None  # the legacy write() callable is not used by the fakes

    app_iter = app(environ, capture)
    try:
        body = b"".join(app_iter)
    finally:
        if hasattr(app_iter, "close"):
            app_iter.close()
    headers = captured["headers"]
    for fault in faults:
        body, headers = _rewrite(fault, environ, body, headers)
    headers.append(("X-Harness-Fault", ",".join(str(f.id) for f in faults)))
    start_response(captured["status"], headers)
    return [body]


def _rewrite(fault: Fault, environ, body: bytes, headers: list):
    if fault.action == "corrupt_body" and body:
        body = body[: len(body) // 2]
        return body, [(k, str(len(body)) if k.lower() == "content-length" else v)
                      for k, v in headers]
    rewritten = []
    for name, value in headers:
        if name.lower() == "last-modified":
            if fault.action == "stale_last_modified":
                value = formatdate(parsedate_to_datetime(value).timestamp() - fault.seconds,
                                   usegmt=True)
            elif fault.action == "same_second_last_modified":
                value = fault._pinned.setdefault(environ.get("PATH_INFO", ""), value)
        rewritten.append((name, value))
    return body, rewritten
