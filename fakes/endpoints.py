"""Where the fake services are reachable, as advertised to clients and nodes.

Filled in after the sockets are bound (a port may be asked as 0), so models keep a reference
and read it when they build a URL (catalog entries, temp URLs, links).

>>> e = Endpoints(host="127.0.0.1", ports={"keystone": 5000, "heat": 8004, "cfn": 8000, "swift": 8080})
>>> e.orchestration_url("p1")
'http://127.0.0.1:8004/v1/p1'
"""
from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_PORTS = {"keystone": 5000, "heat": 8004, "cfn": 8000, "swift": 8080}


@dataclass
class Endpoints:
    host: str = "127.0.0.1"
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    scheme: str = "http"

    def root(self, service: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.ports[service]}"

    @property
    def identity_root(self) -> str:
        return self.root("keystone")

    @property
    def identity_url(self) -> str:
        return self.identity_root + "/v3"

    def orchestration_url(self, project_id: str) -> str:
        return f"{self.root('heat')}/v1/{project_id}"

    @property
    def cfn_url(self) -> str:
        return self.root("cfn") + "/v1"

    @property
    def swift_root(self) -> str:
        return self.root("swift")

    def swift_url(self, project_id: str) -> str:
        return f"{self.swift_root}/v1/AUTH_{project_id}"
