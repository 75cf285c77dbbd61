"""The fake undercloud: Keystone, Heat (+CFN) and Swift over one state model, two transports.

- `start()`: a waitress listener per (bind address, service port); the control API
  (`/_harness/`) answers on loopback listeners only.
- `mount_responses(rsps)`: the same WSGI stacks in-process through `responses` (no sockets).
Every request of every service goes through the fault hooks and into `journal`.
"""
from __future__ import annotations

import importlib
import logging
import secrets
import shlex

from fakes.clock import OffsetClock
from fakes.control import ControlMiddleware, make_control_app
from fakes.endpoints import DEFAULT_PORTS, Endpoints
from fakes.faults import FaultMiddleware, FaultRegistry
from fakes.journal import Journal, JournalMiddleware
from fakes.keystone.api import make_app as make_keystone_app
from fakes.keystone.model import KeystoneModel
from fakes.server import DEFAULT_THREADS, Listener, check_bind_address, is_loopback
from fakes.swift.api import make_app as make_swift_app
from fakes.swift.model import SwiftModel
from fakes.wsgi import mount_wsgi_app

log = logging.getLogger(__name__)
SERVICES = ("keystone", "heat", "cfn", "swift")
SERVICE_NAMES = {"keystone": "identity", "heat": "orchestration", "cfn": "cloudformation",
                 "swift": "object-store"}


class Undercloud:
    def __init__(self, bind=("127.0.0.1",), advertise: str | None = None,
                 ports: dict | None = None, clock=None, username: str = "admin",
                 password: str | None = None, project_name: str = "admin",
                 last_modified: str = "distinct", threads: int = DEFAULT_THREADS,
                 journal_capacity: int = 10000) -> None:
        self.bind = (bind,) if isinstance(bind, str) else tuple(bind)
        if not self.bind:
            raise ValueError("give at least one bind address, e.g. 127.0.0.1")
        addresses = [check_bind_address(host) for host in self.bind]
        wildcards = [a for a in addresses if a.is_unspecified]
        if wildcards and any(a.version == w.version for w in wildcards for a in addresses
                             if a is not w):
            raise ValueError(f"{wildcards[0]} already listens on every address of its family: "
                             "give it alone, or give specific addresses (e.g. 127.0.0.1 and the "
                             "provisioning address, which also keeps the control API on loopback)")
        host = advertise or self.bind[0]
        if check_bind_address(host).is_unspecified:
            raise ValueError(f"cannot advertise {host}: clients need a real address; "
                             "pass advertise= (--advertise) with an address nodes can reach")
        unknown = set(ports or {}) - set(SERVICES)
        if unknown:
            raise ValueError(f"unknown service(s) in ports: {sorted(unknown)}; known: {SERVICES}")
        self.endpoints = Endpoints(host=host, ports={**DEFAULT_PORTS, **(ports or {})})
        self.clock = clock if clock is not None else OffsetClock()
        self.username, self.project_name = username, project_name
        self.password = password or secrets.token_urlsafe(18)
        self.last_modified = last_modified
        self.threads = threads
        self.journal_capacity = journal_capacity
        self.journal = Journal(journal_capacity)
        self.faults = FaultRegistry()
        self.listeners: list[Listener] = []
        self._control_app = make_control_app(self)
        self._build_state()

    # -- state ----------------------------------------------------------------------------
    def _build_state(self) -> None:
        self.keystone = KeystoneModel(self.clock, self.endpoints, username=self.username,
                                      password=self.password, project_name=self.project_name)
        self.swift = SwiftModel(self.clock, last_modified=self.last_modified)
        self.heat = self._make_heat_engine()
        apps = {"keystone": make_keystone_app(self.keystone),
                "swift": make_swift_app(self.swift, self.keystone)}
        if self.heat is not None:
            heat_api = importlib.import_module("fakes.heat.api")
            apps["heat"] = heat_api.make_heat_app(self.heat, self.keystone)
            apps["cfn"] = heat_api.make_cfn_app(self.heat, self.keystone)
        self._apps = apps

    def _make_heat_engine(self):
        """Heat is imported lazily: the engine is its own module, written separately."""
        try:
            engine_module = importlib.import_module("fakes.heat.engine")
        except ModuleNotFoundError as error:
            # Only a part of the Heat package itself not being there (yet) is tolerated;
            # any other import problem is a real error.
            if not (error.name or "").startswith("fakes.heat"):
                raise
            log.warning("Heat is not available (%s is missing): serving keystone and swift only",
                        error.name)
            return None
        return engine_module.HeatEngine(self.clock, self.keystone, self.swift, self.endpoints)

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(s for s in SERVICES if s in self._apps)

    def reset(self) -> None:
        """Rebuild all state: users, tokens, stacks, objects; empty the journal and faults.
        The admin credentials stay (ids change); an adjustable clock goes back to real time."""
        self._stop_heat()
        if isinstance(self.clock, OffsetClock):
            self.clock.offset = 0.0
        self.faults.clear()
        self._build_state()
        self.journal.clear()

    def _stop_heat(self) -> None:
        for name in ("stop", "close", "shutdown"):
            stop = getattr(self.heat, name, None)
            if callable(stop):
                stop()
                return

    # -- WSGI stacks ----------------------------------------------------------------------
    def wsgi_app(self, service: str, control: bool = True):
        """The full stack for one service: control (loopback) -> journal -> faults -> app.
        The service app is looked up per request, so `reset()` takes effect at once."""
        if service not in self._apps:
            raise KeyError(f"service {service!r} is not served; served: {self.services}")

        def current_app(environ, start_response):
            return self._apps[service](environ, start_response)

        app = FaultMiddleware(current_app, self.faults, service, clock=self.clock)
        if self.journal_capacity:  # 0 turns the journal off (bench/poll_throughput.py measures it)
            app = JournalMiddleware(app, self.journal, service, self.clock)
        return ControlMiddleware(app, self._control_app) if control else app

    # -- sockets --------------------------------------------------------------------------
    def start(self) -> "Undercloud":
        if self.listeners:
            return self
        try:
            for service in self.services:
                self._listen(service)
        except BaseException:
            self.stop()
            raise
        for listener in self.listeners:
            listener.start()
        return self

    def _listen(self, service: str) -> None:
        port = self.endpoints.ports[service]
        for host in self.bind:
            listener = Listener(self.wsgi_app(service, control=is_loopback(host)),
                                host, port, service, threads=self.threads)
            self.listeners.append(listener)
            port = listener.port  # with port 0, every address shares the first free port
        self.endpoints.ports[service] = port

    def stop(self) -> None:
        listeners, self.listeners = self.listeners, []
        for listener in listeners:
            listener.stop()
        self._stop_heat()

    def __enter__(self) -> "Undercloud":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def describe(self) -> list[str]:
        """One line per listener: where each service listens and what it is advertised as."""
        return [f"{SERVICE_NAMES[l.name]:<15} {l.name:<9} listening on "
                f"{_hostport(l.host, l.port)}{'' if l.loopback else ' (no control API)'}"
                for l in self.listeners]

    # -- in-process transport -------------------------------------------------------------
    def mount_responses(self, rsps) -> None:
        """Serve every service through `responses` (the advertised URLs), without sockets."""
        for service in self.services:
            mount_wsgi_app(rsps, self.endpoints.root(service), self.wsgi_app(service))

    # -- client configuration -------------------------------------------------------------
    def stackrc_text(self) -> str:
        """A stackrc for the `openstack` CLI, like TripleO's (unversioned auth URL, v3)."""
        values = {
            "OS_AUTH_TYPE": "password", "OS_AUTH_URL": self.endpoints.identity_root,
            "OS_USERNAME": self.username, "OS_PASSWORD": self.password,
            "OS_PROJECT_NAME": self.project_name, "OS_USER_DOMAIN_NAME": "Default",
            "OS_PROJECT_DOMAIN_NAME": "Default", "OS_IDENTITY_API_VERSION": "3",
            "OS_NO_CACHE": "True", "OS_CLOUDNAME": "undercloud",
        }
        lines = ["# Fake undercloud credentials (tripleo-harness). Source this file."]
        lines += [f"export {k}={shlex.quote(v)}" for k, v in values.items()]
        return "\n".join(lines) + "\n"


def _hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
