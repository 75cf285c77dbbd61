"""Security of the fakes, proven: listeners only where asked (loopback by default, the run's
gateway in scenario runs), the control API only on loopback listeners, a token required on every
route but the roots, version documents, token issue and temp URLs; forged, expired and
wrong-method temp URLs always refused at the HTTP surface, valid ones always accepted."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from werkzeug.test import Client

import fakes.undercloud as undercloud_module
from fakes.swift.tempurl import DEFAULT_EXPIRES
from fakes.undercloud import Undercloud
from harness.faults.fuzz import ROUTES, FuzzTarget

PUBLIC = {("keystone", "/"), ("keystone", "/v3"), ("heat", "/"), ("cfn", "/"), ("swift", "/"),
          ("swift", "/info")}  # Swift's /info is public in Swift too
# Keystone's admin routes (/v3/projects ...) are not served by the fake at all (404 for anyone).
KEYSTONE_SERVED = ("/v3/auth/tokens", "/v3/auth/catalog")


@pytest.fixture(scope="module")
def target():
    cloud = Undercloud(password="pw")
    yield FuzzTarget.in_process(cloud)
    cloud.stop()


def _routes():
    for service, routes in ROUTES.items():
        for route in routes:
            if (service, route) not in PUBLIC and service != "cfn" and (
                    service != "keystone" or route in KEYSTONE_SERVED):
                yield service, route


def _filled(route: str, target) -> str:
    return (route.replace("{p}", target.project).replace("{a}", target.account)
            .replace("{c}", target.container).replace("{o}", target.obj).replace("{x}", "overcloud"))


@pytest.mark.parametrize("token", [None, "bogus", "gAAAAAforged"])
@pytest.mark.parametrize("service, route", list(_routes()))
def test_every_route_but_the_public_ones_wants_a_valid_token(target, service, route, token):
    headers = {"X-Auth-Token": token} if token is not None else {}
    response = target.clients[service].get(_filled(route, target), headers=headers)
    assert response.status_code == 401, (service, route, response.status_code, response.get_data()[:200])


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
def test_heat_without_or_with_a_bad_token_is_401_for_every_method(target, method):
    for token in (None, "", "bogus", target.token[:-4] + "AAAA"):
        headers = {"X-Auth-Token": token} if token is not None else {}
        response = target.clients["heat"].open(f"/v1/{target.project}/stacks", method=method,
                                               headers=headers, json={"stack_name": "s"})
        assert response.status_code == 401, (method, token, response.status_code)


@pytest.mark.parametrize("service, route", sorted(PUBLIC))
def test_the_public_documents_answer_without_a_token(target, service, route):
    assert target.clients[service].get(route).status_code < 400 or route == "/" and service == "swift"


def test_the_control_api_answers_only_on_loopback_listeners(monkeypatch):
    built = []

    class RecordingListener:
        def __init__(self, app, host, port, name, threads=None):
            self.app, self.host, self.port = app, host, port or 1
            built.append(self)

        def start(self):
            pass

        def stop(self):
            pass

    monkeypatch.setattr(undercloud_module, "Listener", RecordingListener)
    cloud = Undercloud(bind=("127.0.0.1", "172.31.255.1"), advertise="172.31.255.1", password="pw")
    try:
        cloud.start()
        assert {listener.host for listener in built} == {"127.0.0.1", "172.31.255.1"}
        for listener in built:
            answer = Client(listener.app).get("/_harness/faults")
            if listener.host == "127.0.0.1":
                assert answer.status_code == 200 and answer.json == {"faults": []}
            else:
                assert answer.status_code in (401, 404) and b"faults" not in answer.get_data()
    finally:
        cloud.stop()


def test_the_default_bind_is_loopback_only_and_wildcards_need_a_real_advertise_address():
    assert Undercloud(password="pw").bind == ("127.0.0.1",)
    with pytest.raises(ValueError, match="cannot advertise 0.0.0.0"):
        Undercloud(bind=("0.0.0.0",), password="pw")
    with pytest.raises(ValueError, match="not an IP address"):
        Undercloud(bind=("localhost",), password="pw")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(signed=st.sampled_from(["GET", "PUT"]), used=st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD"]),
       forged=st.binary(min_size=20, max_size=20))
def test_temp_urls_at_the_http_surface(target, signed, used, forged):
    cloud_swift = target.clients["swift"]
    url = next(u for u in target.temp_urls if u == _signed_url(target, signed))
    answer = cloud_swift.open(url, method=used, data=b'{"deployments": []}' if used == "PUT" else b"")
    allowed = used == signed or (used == "HEAD" and signed in ("GET", "PUT"))
    assert (answer.status_code < 300) == allowed, (signed, used, answer.status_code)
    if not allowed:
        assert answer.status_code == 401
    path, _, query = url.partition("?")
    forged_url = f"{path}?temp_url_sig={forged.hex()}&temp_url_expires={DEFAULT_EXPIRES}"
    assert cloud_swift.open(forged_url, method=signed, data=b"{}").status_code == 401


def _signed_url(target, method):
    return target.temp_urls[["GET", "PUT", "HEAD"].index(method)]


def test_an_expired_temp_url_is_refused_and_a_fresh_one_accepted():
    cloud = Undercloud(password="pw")
    try:
        target = FuzzTarget.in_process(cloud)
        client = target.clients["swift"]
        short = cloud.swift.temp_url("GET", target.account, "c", "o", expires=int(cloud.clock.now()) + 30)
        assert client.get(short).status_code == 200
        cloud.clock.offset += 31
        assert client.get(short).status_code == 401
        assert client.get(cloud.swift.temp_url("GET", target.account, "c", "o")).status_code == 200
    finally:
        cloud.stop()


def test_a_scenario_run_binds_its_undercloud_to_the_run_gateway_only(monkeypatch):
    import harness.runner as runner
    monkeypatch.setattr(Undercloud, "start", lambda self: self)
    cloud = runner._undercloud("172.31.254.1")
    try:
        assert cloud.bind == ("172.31.254.1",) and cloud.endpoints.host == "172.31.254.1"
    finally:
        cloud.stop()
