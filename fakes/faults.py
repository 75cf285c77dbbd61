"""Fault injection: per-service, per-route hooks the control API sets (`/_harness/faults`).

A fault matches requests by service, method and a path regex, and then fails them with a status
(for the next N requests, or with a seeded probability) and/or delays them. Later actions
(dropping the connection, stale Last-Modified, lost signals, corrupt bodies) are refused with a
clear message until they exist.
"""
from __future__ import annotations

import itertools
import random
import re
import threading
import time
from dataclasses import asdict, dataclass, field

SERVICES = ("keystone", "heat", "cfn", "swift")
ACTIONS = ("fail", "latency")
LATER_ACTIONS = ("drop", "same_second_last_modified", "stale_last_modified", "lose_signal",
                 "corrupt_body")


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
    hits: int = 0
    _rng: random.Random = field(default=None, repr=False, compare=False)

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
             "latency"}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise FaultSpecError(f"unknown fault field(s) {unknown}; known: {sorted(known)}")
    action = spec.get("action")
    if action in LATER_ACTIONS:
        raise FaultSpecError(f"fault action {action!r} is not implemented yet; "
                             f"implemented: {list(ACTIONS)}")
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
                  latency=_number(spec, "latency", float, 0.0, 0.0, 600.0))
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
    """Applies the registry's faults to one service's requests (latency first, then failure)."""

    def __init__(self, app, registry: FaultRegistry, service: str, sleep=None) -> None:
        self.app = app
        self.registry = registry
        self.service = service
        self.sleep = sleep

    def __call__(self, environ, start_response):
        fired = self.registry.triggered(self.service, environ.get("REQUEST_METHOD", ""),
                                        environ.get("PATH_INFO", ""))
        failure = None
        for fault in fired:
            if fault.latency:
                (self.sleep or time.sleep)(fault.latency)
            if fault.action == "fail" and failure is None:
                failure = fault
        if failure is None:
            return self.app(environ, start_response)
        body = f"Injected fault {failure.id}: status {failure.status}\n".encode()
        start_response(f"{failure.status} Injected Fault", [
            ("Content-Type", "text/plain; charset=UTF-8"), ("Content-Length", str(len(body))),
            ("X-Harness-Fault", str(failure.id))])
        return [body]
