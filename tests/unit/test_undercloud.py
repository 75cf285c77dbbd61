"""The Undercloud composed in-process (responses mount, werkzeug client): journal, control, faults."""
import pytest
import requests
import responses
from werkzeug.test import Client

from fakes.clock import ManualClock, OffsetClock
from fakes.undercloud import Undercloud

SEED_404 = "<html><h1>Not Found</h1><p>The resource could not be found.</p></html>"


@pytest.fixture
def undercloud():
    cloud = Undercloud(password="pw")
    yield cloud
    cloud.stop()  # also stops the Heat engine's worker thread


@pytest.fixture
def mounted(undercloud):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        undercloud.mount_responses(rsps)
        yield undercloud


def token(undercloud):
    response = requests.post(undercloud.endpoints.identity_url + "/auth/tokens", json={"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "domain": {"name": "Default"}, "password": "pw"}}},
        "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}})
    assert response.status_code == 201, response.text
    return response.headers["X-Subject-Token"]


def test_swift_root_is_the_seed_page_in_process(mounted):
    response = requests.get("http://127.0.0.1:8080/")
    assert (response.status_code, response.text) == (404, SEED_404)


def test_openstacksdk_reads_object_metadata_without_sockets(mounted):
    import openstack
    account = f"AUTH_{mounted.keystone.admin_project_id}"
    mounted.swift.put_container(account, "c")
    mounted.swift.put_object(account, "c", "meta.json", b'{"deployments": []}')
    conn = openstack.connect(auth_url=mounted.endpoints.identity_root, username="admin",
                             password="pw", project_name="admin", user_domain_name="Default",
                             project_domain_name="Default", region_name="regionOne")
    meta = conn.object_store.get_object_metadata("meta.json", container="c")
    assert meta.content_length == 19 and meta.content_type == "application/json"


def test_journal_records_every_service_and_redacts(mounted):
    tok = token(mounted)
    account = f"AUTH_{mounted.keystone.admin_project_id}"
    requests.head(f"{mounted.endpoints.swift_url(mounted.keystone.admin_project_id)}",
                  headers={"X-Auth-Token": tok})
    url = mounted.swift.temp_url("GET", account, "c", "o")
    requests.get(mounted.endpoints.swift_root + url)
    entries = mounted.journal.entries()
    assert [(e["service"], e["method"], e["status"]) for e in entries] == [
        ("keystone", "POST", 201), ("swift", "HEAD", 204), ("swift", "GET", 404)]
    recorded = repr(entries)
    assert tok not in recorded and '"pw"' not in recorded
    assert entries[0]["response_headers"]["X-Subject-Token"] == "***"
    assert entries[2]["query"].startswith("temp_url_sig=***&")
    assert [e["seq"] for e in mounted.journal.entries(service="swift", since=2)] == [3]


def test_control_requests_endpoint_filters(mounted):
    requests.get("http://127.0.0.1:8080/")
    requests.get("http://127.0.0.1:5000/")
    body = requests.get("http://127.0.0.1:5000/_harness/requests?service=swift").json()
    assert [e["path"] for e in body["requests"]] == ["/"]
    assert requests.delete("http://127.0.0.1:8080/_harness/requests").status_code == 204
    assert len(mounted.journal) == 0


def test_reset_rebuilds_state_but_keeps_credentials(mounted):
    old_project = mounted.keystone.admin_project_id
    old_token = token(mounted)
    assert requests.post("http://127.0.0.1:5000/_harness/reset").status_code == 200
    assert mounted.keystone.admin_project_id != old_project
    assert mounted.keystone.validate(old_token) is None
    assert token(mounted)  # same password still works


def test_clock_offset_and_manual_clock():
    undercloud = Undercloud(password="pw")
    client = Client(undercloud.wsgi_app("keystone"))
    assert isinstance(undercloud.clock, OffsetClock)
    assert client.put("/_harness/clock", json={"offset": 3600}).json["offset"] == 3600
    assert client.put("/_harness/clock", json={"advance": 60}).json["offset"] == 3660
    assert client.put("/_harness/clock", json={"yesterday": 1}).status_code == 400
    manual = Undercloud(password="pw", clock=ManualClock(1000.0))
    client = Client(manual.wsgi_app("swift"))
    assert client.put("/_harness/clock", json={"now": 5000}).json == {"now": 5000.0}
    assert client.put("/_harness/clock", json={"offset": 1}).status_code == 409


def test_faults_fail_next_n_requests(undercloud):
    client = Client(undercloud.wsgi_app("swift"))
    created = client.post("/_harness/faults", json={"service": "swift", "path": "^/$",
                                                    "action": "fail", "status": 503, "count": 2})
    assert created.status_code == 201
    assert [client.get("/").status_code for _ in range(3)] == [503, 503, 404]
    assert client.get("/_harness/faults").json == {"faults": []}


def test_faults_probability_is_seeded(undercloud):
    client = Client(undercloud.wsgi_app("keystone"))
    spec = {"action": "fail", "status": 500, "probability": 0.5, "seed": 7}
    runs = []
    for _ in range(2):
        fault_id = client.post("/_harness/faults", json=spec).json["fault"]["id"]
        runs.append([client.get("/v3").status_code for _ in range(20)])
        assert client.delete(f"/_harness/faults/{fault_id}").status_code == 204
    assert runs[0] == runs[1] and {500, 200} == set(runs[0])


def test_fault_latency_uses_the_hook(undercloud, monkeypatch):
    slept = []
    monkeypatch.setattr("fakes.faults.time.sleep", slept.append)
    client = Client(undercloud.wsgi_app("swift"))
    client.post("/_harness/faults", json={"action": "latency", "latency": 0.25, "method": "get"})
    assert client.get("/").status_code == 404 and slept == [0.25]


@pytest.mark.parametrize("spec,message", [
    ({"action": "explode"}, "must be one of"),
    ({"action": "fail", "service": "nova"}, "'service'"),
    ({"action": "fail", "path": "("}, "regular expression"),
    ({"action": "fail", "count": 0}, "'count'"),
    ({"action": "fail", "colour": "red"}, "unknown fault field"),
])
def test_bad_fault_specs_are_explained(undercloud, spec, message):
    response = Client(undercloud.wsgi_app("swift")).post("/_harness/faults", json=spec)
    assert response.status_code == 400 and message in response.json["error"]


def test_control_api_absent_without_loopback(undercloud):
    client = Client(undercloud.wsgi_app("swift", control=False))
    assert client.post("/_harness/reset").get_data(as_text=True) == SEED_404
    keystone = Client(undercloud.wsgi_app("keystone", control=False))
    assert keystone.get("/_harness/requests").status_code == 404


def test_stackrc_text(undercloud):
    text = undercloud.stackrc_text()
    assert "export OS_AUTH_URL=http://127.0.0.1:5000\n" in text
    assert "export OS_PASSWORD=pw\n" in text and "OS_IDENTITY_API_VERSION=3" in text
    assert "export OS_CLOUDNAME=undercloud\n" in text


@pytest.mark.parametrize("kwargs,message", [
    ({"bind": ("localhost",)}, "not an IP address"),
    ({"bind": ("0.0.0.0",)}, "advertise"),
    ({"bind": ("0.0.0.0", "127.0.0.1"), "advertise": "192.0.2.1"}, "every address"),
    ({"bind": ()}, "at least one"),
    ({"ports": {"nova": 1}}, "unknown service"),
    ({"last_modified": "floor"}, "last_modified"),
])
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Undercloud(**kwargs)


def test_advertise_address_is_used_in_the_catalog():
    undercloud = Undercloud(bind=("0.0.0.0",), advertise="192.0.2.10", password="pw")
    assert undercloud.keystone.service_url("object-store", "p") == "http://192.0.2.10:8080/v1/AUTH_p"


@pytest.mark.parametrize("service", ["heat", "cfn"])
def test_heat_and_cfn_answer_the_300_versions_document(undercloud, service):
    assert undercloud.services == ("keystone", "heat", "cfn", "swift")
    response = Client(undercloud.wsgi_app(service)).get("/")
    assert response.status_code == 300
    assert response.json["versions"][0]["id"] == "v1.0"


def test_reset_replaces_the_heat_engine(undercloud):
    engine = undercloud.heat
    undercloud.reset()
    assert undercloud.heat is not engine and undercloud.heat.swift is undercloud.swift


@pytest.fixture
def signal_object(undercloud):
    account = f"AUTH_{undercloud.keystone.admin_project_id}"
    undercloud.swift.put_container(account, "c")
    undercloud.swift.put_object(account, "c", "o", b'{"deployments": []}')
    return account


def test_lose_signal_accepts_a_put_without_storing_it(undercloud, signal_object):
    client = Client(undercloud.wsgi_app("swift"))
    client.post("/_harness/faults", json={"action": "lose_signal", "service": "swift",
                                          "path": "/c/o$", "count": 1})
    url = undercloud.swift.temp_url("PUT", signal_object, "c", "o")
    lost = client.put(url, data=b'{"deploy_status_code": 0}')
    assert lost.status_code == 201 and lost.data == b"" and lost.headers["Etag"]
    assert undercloud.swift.get_object(signal_object, "c", "o")[1] == b'{"deployments": []}'
    assert client.put(url, data=b'{"deploy_status_code": 0}').status_code == 201
    assert undercloud.swift.get_object(signal_object, "c", "o")[1] == b'{"deploy_status_code": 0}'


def test_corrupt_body_cuts_the_metadata(undercloud, signal_object):
    client = Client(undercloud.wsgi_app("swift"))
    client.post("/_harness/faults", json={"action": "corrupt_body", "method": "GET", "count": 1})
    url = undercloud.swift.temp_url("GET", signal_object, "c", "o")
    corrupt = client.get(url)
    assert corrupt.data == b'{"deploym' and corrupt.headers["Content-Length"] == "9"
    assert client.get(url).data == b"{\"deployments\": []}"


def test_stale_and_same_second_last_modified(undercloud, signal_object):
    import email.utils
    client = Client(undercloud.wsgi_app("swift"))
    url = undercloud.swift.temp_url("GET", signal_object, "c", "o")
    real = email.utils.parsedate_to_datetime(client.head(url).headers["Last-Modified"])
    fault = client.post("/_harness/faults", json={"action": "stale_last_modified", "seconds": 3600})
    stale = email.utils.parsedate_to_datetime(client.head(url).headers["Last-Modified"])
    assert (real - stale).total_seconds() == 3600
    client.delete(f"/_harness/faults/{fault.json['fault']['id']}")
    client.post("/_harness/faults", json={"action": "same_second_last_modified"})
    first = client.head(url).headers["Last-Modified"]
    undercloud.swift.put_object(signal_object, "c", "o", b'{"deployments": [1]}')
    assert client.head(url).headers["Last-Modified"] == first


def test_journal_is_bounded_and_truncates_bodies():
    cloud = Undercloud(password="pw", journal_capacity=3)
    try:
        account = f"AUTH_{cloud.keystone.admin_project_id}"
        cloud.swift.put_container(account, "c")
        cloud.swift.put_object(account, "c", "big", b"x" * 10000)
        client = Client(cloud.wsgi_app("swift"))
        url = cloud.swift.temp_url("GET", account, "c", "big")
        for _ in range(5):
            assert client.get(url).status_code == 200
        entries = cloud.journal.entries()
        assert [e["seq"] for e in entries] == [3, 4, 5]
        assert entries[-1]["response_body_truncated"] and len(entries[-1]["response_body"]) == 4096
        assert cloud.journal.entries(limit=1)[0]["seq"] == 5
    finally:
        cloud.stop()


def test_journal_can_be_turned_off():
    cloud = Undercloud(password="pw", journal_capacity=0)
    try:
        Client(cloud.wsgi_app("swift")).get("/")
        assert len(cloud.journal) == 0
    finally:
        cloud.stop()


def test_drop_closes_without_an_answer_in_process(mounted):
    requests.post("http://127.0.0.1:8080/_harness/faults",
                  json={"action": "drop", "service": "swift", "count": 1})
    with pytest.raises(requests.ConnectionError, match="dropped by fault"):
        requests.get("http://127.0.0.1:8080/")
    assert requests.get("http://127.0.0.1:8080/").status_code == 404
    assert [e["status"] for e in mounted.journal.entries(service="swift")] == [0, 404]
