"""The Undercloud on real loopback sockets, driven by real clients: curl, openstack CLI, openstacksdk."""
import email.utils
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from fakes.control import ControlMiddleware
from fakes.undercloud import Undercloud

pytestmark = pytest.mark.integration
SEED_404 = "<html><h1>Not Found</h1><p>The resource could not be found.</p></html>"
VENV_BIN = Path(sys.executable).parent
FREE_PORTS = {"keystone": 0, "heat": 0, "cfn": 0, "swift": 0}


@pytest.fixture
def undercloud():
    with Undercloud(password="s3cret!", ports=dict(FREE_PORTS)) as cloud:
        yield cloud


@pytest.fixture
def stored(undercloud):
    account = f"AUTH_{undercloud.keystone.admin_project_id}"
    undercloud.swift.put_container(account, "c")
    undercloud.swift.put_object(account, "c", "meta", b'{"deployments": []}')
    return account


def test_curl_of_swift_root_is_the_seed_page(undercloud):
    curl = shutil.which("curl")
    assert curl, "curl is part of the test tool set (see .ci/run)"
    result = subprocess.run([curl, "-s", "-i", undercloud.endpoints.swift_root + "/"],
                            capture_output=True, timeout=30, check=True)
    head, _, body = result.stdout.decode().partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 404 Not Found")
    assert "Content-Type: text/html; charset=UTF-8" in head
    assert body == SEED_404


def test_openstack_token_issue_with_the_stackrc(undercloud, tmp_path):
    openstack = VENV_BIN / "openstack"
    assert openstack.exists(), "python-openstackclient is a test dependency"
    stackrc = tmp_path / "stackrc"
    stackrc.write_text(undercloud.stackrc_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '')}"
    result = subprocess.run(["bash", "-c", f"source {stackrc} && openstack token issue -f json"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    issued = json.loads(result.stdout)
    assert issued["project_id"] == undercloud.keystone.admin_project_id
    assert issued["user_id"] == undercloud.keystone.admin_user_id
    assert undercloud.keystone.validate(issued["id"]) is not None


def test_heat_root_on_its_port_is_the_300_versions_document(undercloud):
    response = requests.get(undercloud.endpoints.root("heat") + "/", timeout=10)
    assert response.status_code == 300
    assert response.json()["versions"][0]["links"][0]["href"].endswith("/v1/")


def test_openstack_cli_reaches_heat_and_swift_through_the_catalog(undercloud, tmp_path):
    stackrc = tmp_path / "stackrc"
    stackrc.write_text(undercloud.stackrc_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '')}"
    script = (f"source {stackrc} && openstack stack list -f json && "
              "openstack container create c1 -f json >/dev/null && openstack container list -f json")
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                            timeout=180, env=env)
    assert result.returncode == 0, result.stderr
    stacks, _, containers = result.stdout.partition("]")
    assert json.loads(stacks + "]") == []
    assert json.loads(containers) == [{"Name": "c1"}]


def test_openstacksdk_object_metadata_over_sockets(undercloud, stored):
    import openstack
    conn = openstack.connect(auth_url=undercloud.endpoints.identity_root, username="admin",
                             password="s3cret!", project_name="admin",
                             user_domain_name="Default", project_domain_name="Default")
    meta = conn.object_store.get_object_metadata("meta", container="c")
    assert meta.content_length == 19


def test_agent_style_poll_of_a_temp_url(undercloud, stored):
    url = undercloud.endpoints.swift_root + undercloud.swift.temp_url("GET", stored, "c", "meta")
    session = requests.Session()
    head = session.head(url, timeout=10)
    time.strptime(head.headers["Last-Modified"], "%a, %d %b %Y %H:%M:%S %Z")  # os-collect-config
    got = session.get(url, timeout=10)
    assert got.json() == {"deployments": []}
    put = session.put(undercloud.endpoints.swift_root
                      + undercloud.swift.temp_url("PUT", stored, "c", "meta"), data=b"{}")
    assert (put.status_code, put.content) == (201, b"")
    parse = email.utils.parsedate_to_datetime
    assert parse(session.head(url).headers["Last-Modified"]) > parse(head.headers["Last-Modified"])


def test_control_api_over_loopback(undercloud):
    requests.get(undercloud.endpoints.swift_root + "/", timeout=10)
    entries = requests.get(undercloud.endpoints.identity_root + "/_harness/requests",
                           timeout=10).json()["requests"]
    assert [(e["service"], e["path"], e["status"]) for e in entries] == [("swift", "/", 404)]
    assert requests.post(undercloud.endpoints.swift_root + "/_harness/reset",
                         timeout=10).status_code == 200


def _non_loopback_address():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:  # connect() on UDP sends nothing; it only picks the outgoing interface
            probe.connect(("192.0.2.254", 9))
            return probe.getsockname()[0]
        except OSError:
            return None


def test_non_loopback_listeners_have_no_control_api():
    address = _non_loopback_address()
    if address is None or address.startswith("127."):
        pytest.skip("this machine has no non-loopback IPv4 address to bind")
    with Undercloud(bind=("127.0.0.1", address), password="pw", ports=dict(FREE_PORTS)) as cloud:
        by_host = {}
        for listener in cloud.listeners:
            by_host.setdefault(listener.host, set()).add(
                isinstance(listener.app, ControlMiddleware))
        assert by_host == {"127.0.0.1": {True}, address: {False}}
        ports = {(l.name, l.port) for l in cloud.listeners}
        assert len(ports) == len(cloud.services)  # both addresses share each service's port


def test_ports_in_use_are_explained(undercloud):
    taken = undercloud.endpoints.ports["swift"]
    with pytest.raises(OSError, match="cannot listen for swift"):
        Undercloud(password="pw", ports={**FREE_PORTS, "swift": taken}).start()


def test_python_m_fakes_serve_runs_until_interrupted(tmp_path):
    stackrc = tmp_path / "stackrc"
    process = subprocess.Popen(
        [sys.executable, "-m", "fakes", "serve", "--keystone-port", "0", "--heat-port", "0",
         "--cfn-port", "0", "--swift-port", "0", "--stackrc", str(stackrc), "--password", "pw"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while not any(line.startswith("advertised as") for line in lines):
            assert time.monotonic() < deadline, f"serve printed only {lines!r}"
            line = process.stdout.readline()
            assert line, f"serve exited early: {process.stderr.read()}"
            lines.append(line.strip())
        swift_line = next(line for line in lines if line.startswith("object-store"))
        swift_root = "http://" + swift_line.rsplit(" ", 1)[-1]
        assert requests.get(swift_root + "/", timeout=10).text == SEED_404
        assert "OS_PASSWORD=pw" in stackrc.read_text()
        assert oct(stackrc.stat().st_mode & 0o777) == "0o600"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0


def _ipv6_loopback_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback_available(), reason="no IPv6 loopback on this machine")
def test_ipv6_loopback_with_bracketed_urls():
    with Undercloud(bind=("::1",), password="pw", ports=dict(FREE_PORTS)) as cloud:
        assert cloud.endpoints.swift_root.startswith("http://[::1]:")
        assert requests.get(cloud.endpoints.swift_root + "/", timeout=10).text == SEED_404
        token = requests.post(cloud.endpoints.identity_url + "/auth/tokens", timeout=10, json={
            "auth": {"identity": {"methods": ["password"], "password": {"user": {
                "name": "admin", "domain": {"id": "default"}, "password": "pw"}}}}})
        assert token.status_code == 201


def test_a_stack_user_authenticates_like_heat_config_notify(undercloud):
    """heat-config-notify / the heat collector: keystone v3 by user id, catalog lookups."""
    from keystoneauth1 import session
    from keystoneauth1.identity import v3
    project_id = undercloud.keystone.admin_project_id
    user_id = undercloud.keystone.create_user("stack-user", "pw-1", project_id)
    auth = v3.Password(auth_url=undercloud.endpoints.identity_url, user_id=user_id,
                       password="pw-1", project_id=project_id)
    sess = session.Session(auth=auth)
    assert sess.get_endpoint(service_type="orchestration", interface="public") == \
        undercloud.endpoints.orchestration_url(project_id)
    assert sess.get_user_id() == user_id and sess.get_project_id() == project_id


def test_drop_fault_closes_the_socket_without_an_answer(undercloud):
    root = undercloud.endpoints.swift_root
    requests.post(root + "/_harness/faults", json={"action": "drop", "count": 1}, timeout=10)
    with pytest.raises(requests.ConnectionError):
        requests.get(root + "/", timeout=10)
    assert requests.get(root + "/", timeout=10).status_code == 404
