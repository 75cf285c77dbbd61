"""How test_heat_clients.py serves the fake Heat on loopback: `fakes.undercloud.Undercloud` when
it is there, else keystone + heat + cfn + swift on free ports with fakes.server listeners; and the
clean client environment (no inherited OS_* variables, no clouds.yaml, no proxies)."""
from __future__ import annotations

import os
import re
import shlex
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REAL = Path("/work/shared/reference/real-heat")
PASSWORD = "integration-secret"
ENVIRONMENT = "resource_registry:\n  OS::Test::Server: server.yaml\n"


@dataclass
class RunningCloud:
    workdir: Path
    cli_env: dict
    endpoints: object  # fakes.endpoints.Endpoints

    def sdk_connection(self):
        import openstack as sdk
        env = self.cli_env
        return sdk.connect(
            load_yaml_config=False, load_envvars=False, auth_type="password",
            auth={"auth_url": env["OS_AUTH_URL"], "username": env["OS_USERNAME"],
                  "password": env["OS_PASSWORD"], "project_name": env["OS_PROJECT_NAME"],
                  "user_domain_name": env["OS_USER_DOMAIN_NAME"],
                  "project_domain_name": env["OS_PROJECT_DOMAIN_NAME"]},
            region_name=env.get("OS_REGION_NAME"))


def client_env(workdir: Path, os_vars: dict) -> dict:
    """A clean environment: no inherited OS_* or proxies, HOME without a clouds.yaml."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("OS_") and k.lower() not in ("http_proxy", "https_proxy")}
    env.update(os_vars, HOME=str(workdir), no_proxy="127.0.0.1,localhost",
               NO_PROXY="127.0.0.1,localhost")
    return env


def env_from_stackrc(text: str) -> dict:
    found = {}
    for line in text.splitlines():
        match = re.match(r"^\s*(?:export\s+)?(OS_\w+)=(.*)$", line)
        if match:
            found[match.group(1)] = (shlex.split(match.group(2)) or [""])[0]
    return found


def write_templates(workdir: Path) -> None:
    templates = REAL / "templates"
    if not templates.is_dir():
        pytest.skip(f"{templates} not present")
    for name in ("group.yaml", "server.yaml"):
        (workdir / name).write_text((templates / name).read_text())
    (workdir / "env.yaml").write_text(ENVIRONMENT)


@contextmanager
def own_services():
    """Keystone + Heat + CFN + Swift on free loopback ports, without fakes.undercloud."""
    from fakes.clock import SystemClock
    from fakes.endpoints import Endpoints
    from fakes.heat.api import make_cfn_app, make_heat_app
    from fakes.heat.engine import HeatEngine
    from fakes.keystone import api as keystone_api
    from fakes.keystone.model import KeystoneModel
    from fakes.server import Listener
    from fakes.swift import api as swift_api
    from fakes.swift.model import SwiftModel

    clock, endpoints = SystemClock(), Endpoints(host="127.0.0.1")
    keystone = KeystoneModel(clock, endpoints, password=PASSWORD)
    swift = SwiftModel(clock)
    engine = HeatEngine(clock, keystone, swift, endpoints)
    apps = {"keystone": keystone_api.make_app(keystone),
            "heat": make_heat_app(engine, keystone), "cfn": make_cfn_app(engine, keystone),
            "swift": swift_api.make_app(swift, keystone)}
    listeners = {name: Listener(app, "127.0.0.1", 0, name) for name, app in apps.items()}
    endpoints.ports = {name: listener.port for name, listener in listeners.items()}
    for listener in listeners.values():
        listener.start()
    try:
        yield endpoints, {"OS_AUTH_URL": endpoints.identity_url, "OS_USERNAME": "admin",
               "OS_PASSWORD": PASSWORD, "OS_PROJECT_NAME": "admin",
               "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default",
               "OS_IDENTITY_API_VERSION": "3", "OS_AUTH_TYPE": "password",
               "OS_REGION_NAME": keystone.region}
    finally:
        for listener in listeners.values():
            listener.stop()
        getattr(engine, "stop", lambda: None)()


@contextmanager
def start_cloud(workdir: Path):
    pytest.importorskip("fakes.heat.engine", reason="the Heat engine has not landed yet")
    write_templates(workdir)
    try:
        from fakes.undercloud import Undercloud
    except ImportError:
        Undercloud = None
    if Undercloud is None:
        with own_services() as (endpoints, os_vars):
            yield RunningCloud(workdir, client_env(workdir, os_vars), endpoints)
        return
    ports = {"keystone": 0, "heat": 0, "cfn": 0, "swift": 0}
    with Undercloud(ports=ports, password=PASSWORD) as undercloud:
        os_vars = env_from_stackrc(undercloud.stackrc_text())
        yield RunningCloud(workdir, client_env(workdir, os_vars), undercloud.endpoints)
