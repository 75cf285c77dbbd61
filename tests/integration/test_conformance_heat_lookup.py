"""The conformance suite's Heat lookup (openstacksdk, nested_depth=5, DeployedServer metadata)
against the fake undercloud on loopback."""
from __future__ import annotations

import time

import pytest

from harness.conformance import heat
from harness.conformance.lab import deployed_server_template
from harness.conformance.settings import Credentials

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def connection():
    from fakes.undercloud import Undercloud
    ports = {"keystone": 0, "heat": 0, "cfn": 0, "swift": 0}
    with Undercloud(bind=("127.0.0.1",), ports=ports, password="lookup-secret") as undercloud:
        yield heat.connect(Credentials(auth_url=undercloud.endpoints.identity_root,
                                       username=undercloud.username, password=undercloud.password))


def load_when_published(connection, stack: str, count: int, timeout: float = 60) -> heat.HeatView:
    deadline, view = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        view = heat.load(connection, stack)
        if len([server for server in view.servers if server.metadata_url]) == count:
            return view
        time.sleep(0.2)
    raise AssertionError(f"no {count} metadata URLs within {timeout} s: {view}")


def test_lookup_finds_each_deployed_server_with_its_name_and_url(connection):
    connection.orchestration.create_stack(name="lookup", template=deployed_server_template(["node-a", "node-b"]))
    view = load_when_published(connection, "lookup", 2)
    assert sorted(server.hostname for server in view.servers) == ["node-a", "node-b"]
    for server in view.servers:
        assert server.stack_name == "lookup" and server.resource_name.startswith("server")
        assert "/v1/AUTH_" in server.metadata_url and "temp_url_sig=" in server.metadata_url
    node_b = next(server for server in view.servers if server.hostname == "node-b")
    assert heat.match_server(view, {"node-b"}, set(), None) == (node_b, "host name node-b")
    assert heat.holds_host(view, {"elsewhere"}, {"192.0.2.99"}, None) == ""


def test_an_unknown_stack_is_an_error_naming_it(connection):
    with pytest.raises(Exception, match="no-such-stack"):
        heat.load(connection, "no-such-stack")
