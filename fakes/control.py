"""The control API under `/_harness/`, served on loopback listeners only.

- `POST /_harness/reset`: rebuild all state (users, tokens, stacks, objects, journal, faults).
- `GET /_harness/requests[?service=&since=&limit=]`, `DELETE /_harness/requests`: the journal.
- `GET|PUT /_harness/clock` with `{"offset": s}`, `{"now": epoch}` or `{"advance": s}`.
- `GET|POST|DELETE /_harness/faults`, `DELETE /_harness/faults/<id>`: fault hooks.
- `GET /_harness/endpoints`: where the services are advertised.
"""
from __future__ import annotations

import time

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from fakes.clock import ManualClock, OffsetClock
from fakes.faults import FaultSpecError
from fakes.wsgi import json_response, read_json, with_reason

PREFIX = "/_harness/"

URLS = Map([
    Rule("/_harness/reset", endpoint="reset", methods=["POST"]),
    Rule("/_harness/requests", endpoint="requests", methods=["GET", "DELETE"]),
    Rule("/_harness/clock", endpoint="clock", methods=["GET", "PUT"]),
    Rule("/_harness/faults", endpoint="faults", methods=["GET", "POST", "DELETE"]),
    Rule("/_harness/faults/<int:fault_id>", endpoint="fault", methods=["DELETE"]),
    Rule("/_harness/endpoints", endpoint="endpoints", methods=["GET"]),
])


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def make_control_app(undercloud):
    """The control API's WSGI app, acting on `undercloud` (a `fakes.undercloud.Undercloud`)."""
    handlers = ControlHandlers(undercloud)

    def app(environ, start_response):
        request = Request(environ)
        try:
            endpoint, args = URLS.bind_to_environ(environ).match()
            response = getattr(handlers, endpoint)(request, **args)
        except ControlError as error:
            response = json_response({"error": error.message}, status=error.status)
        except HTTPException as error:
            response = json_response({"error": f"{error.name}: {request.method} {request.path}"
                                      f" (see fakes/control.py for the routes)"},
                                     status=error.code)
        return with_reason(response)(environ, start_response)

    return app


class ControlMiddleware:
    """Sends `/_harness/...` to the control app and everything else to the service."""

    def __init__(self, app, control_app) -> None:
        self.app = app
        self.control_app = control_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(PREFIX):
            return self.control_app(environ, start_response)
        return self.app(environ, start_response)


class ControlHandlers:
    def __init__(self, undercloud) -> None:
        self.undercloud = undercloud

    def reset(self, request):
        self.undercloud.reset()
        return json_response({"reset": True, "now": self.undercloud.clock.now()})

    def requests(self, request):
        journal = self.undercloud.journal
        if request.method == "DELETE":
            journal.clear()
            return Response(status=204)
        args = request.args
        try:
            since = int(args.get("since", 0))
            limit = int(args["limit"]) if "limit" in args else None
        except ValueError:
            raise ControlError(400, "'since' and 'limit' must be integers") from None
        return json_response({"requests": journal.entries(args.get("service"), since, limit)})

    def clock(self, request):
        clock = self.undercloud.clock
        if request.method == "PUT":
            set_clock(clock, read_json(request))
        body = {"now": clock.now()}
        if isinstance(clock, OffsetClock):
            body["offset"] = clock.offset
        return json_response(body)

    def faults(self, request):
        registry = self.undercloud.faults
        if request.method == "DELETE":
            registry.clear()
            return Response(status=204)
        if request.method == "POST":
            try:
                fault = registry.add(read_json(request))
            except FaultSpecError as error:
                raise ControlError(400, str(error)) from None
            return json_response({"fault": fault.public()}, status=201)
        return json_response({"faults": registry.list()})

    def fault(self, request, fault_id):
        if not self.undercloud.faults.remove(fault_id):
            raise ControlError(404, f"no fault with id {fault_id}")
        return Response(status=204)

    def endpoints(self, request):
        e = self.undercloud.endpoints
        return json_response({"host": e.host, "ports": e.ports, "identity_url": e.identity_url,
                              "cfn_url": e.cfn_url, "swift_root": e.swift_root})


def set_clock(clock, spec) -> None:
    """Apply `{"offset": s}`, `{"now": epoch}` or `{"advance": s}` to the services' clock."""
    if not isinstance(spec, dict) or len(spec) != 1 or not ({"offset", "now", "advance"} & spec.keys()):
        raise ControlError(400, 'the clock body is one of {"offset": seconds}, '
                                '{"now": epoch seconds}, {"advance": seconds}')
    (kind, value), = spec.items()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ControlError(400, f"clock {kind!r} must be a number, not {value!r}")
    if isinstance(clock, OffsetClock):
        if kind == "offset":
            clock.offset = float(value)
        elif kind == "now":
            clock.offset = value - time.time()
        else:
            clock.offset += value
    elif isinstance(clock, ManualClock):
        if kind == "offset":
            raise ControlError(409, "this undercloud runs on a manual clock: set 'now' or 'advance'")
        if kind == "now":
            clock.set(value)
        else:
            clock.advance(value)
    else:
        raise ControlError(409, f"the undercloud's clock ({type(clock).__name__}) cannot be set")
