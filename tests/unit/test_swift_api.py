"""Swift on the wire through werkzeug's test client: seed page, auth, objects, temp URLs."""
import hashlib
import re

import pytest
from werkzeug.test import Client

from fakes.clock import ManualClock
from fakes.endpoints import Endpoints
from fakes.keystone.model import KeystoneModel
from fakes.swift.api import make_app
from fakes.swift.model import SwiftModel

SEED_404 = "<html><h1>Not Found</h1><p>The resource could not be found.</p></html>"
HTTP_DATE = r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT"


@pytest.fixture
def clock():
    return ManualClock(1_700_000_000.25)


@pytest.fixture
def keystone(clock):
    return KeystoneModel(clock, Endpoints(), password="pw")


@pytest.fixture
def swift(clock):
    return SwiftModel(clock)


@pytest.fixture
def client(swift, keystone):
    return Client(make_app(swift, keystone))


@pytest.fixture
def account(keystone):
    return f"AUTH_{keystone.admin_project_id}"


@pytest.fixture
def auth(keystone):
    token = keystone.authenticate({"identity": {"methods": ["password"], "password": {"user": {
        "id": keystone.admin_user_id, "password": "pw"}}}, "scope": {"project": {
        "id": keystone.admin_project_id}}})
    return {"X-Auth-Token": token.id}


@pytest.fixture
def stored(swift, account):
    swift.put_container(account, "c")
    swift.put_object(account, "c", "o", b'{"deployments": []}', meta={"secret": "s", "public-x": "p"})
    return f"/v1/{account}/c/o"


@pytest.mark.parametrize("path", ["/", "/v2/x", "/v1", "/v1/"])
def test_non_v1_paths_are_the_seed_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_data(as_text=True) == SEED_404
    assert response.headers["Content-Type"] == "text/html; charset=UTF-8"


def test_info_lists_tempurl_digests(client):
    info = client.get("/info").json
    assert info["tempurl"]["allowed_digests"] == ["sha1", "sha256", "sha512"]


def test_token_auth_is_required_and_must_own_the_account(client, account, auth, keystone):
    assert client.get(f"/v1/{account}").status_code == 401
    assert client.get(f"/v1/{account}", headers={"X-Auth-Token": "bogus"}).status_code == 401
    other = keystone.create_user("u", "p", "other-project")
    assert client.head("/v1/AUTH_other-project", headers=auth).status_code == 403
    assert client.head(f"/v1/{account}", headers=auth).status_code == 204
    assert other


def test_object_lifecycle(client, account, auth):
    assert client.put(f"/v1/{account}/c", headers=auth).status_code == 201
    assert client.put(f"/v1/{account}/c", headers=auth).status_code == 202
    put = client.put(f"/v1/{account}/c/o.json", data=b'{"a": 1}', headers=auth)
    assert put.status_code == 201 and put.data == b""
    assert put.headers["Etag"] == hashlib.md5(b'{"a": 1}').hexdigest()
    got = client.get(f"/v1/{account}/c/o.json", headers=auth)
    assert got.data == b'{"a": 1}' and got.headers["Content-Type"] == "application/json"
    assert re.fullmatch(HTTP_DATE, got.headers["Last-Modified"])
    assert got.headers["Last-Modified"] == "Tue, 14 Nov 2023 22:13:21 GMT"  # ceil of .25
    assert got.headers["X-Timestamp"] == "1700000000.25000"
    head = client.head(f"/v1/{account}/c/o.json", headers=auth)
    assert head.headers["Content-Length"] == "8" and head.data == b""
    listing = client.get(f"/v1/{account}/c?format=json", headers=auth).json
    assert [o["name"] for o in listing] == ["o.json"]
    assert client.get(f"/v1/{account}/c", headers=auth).data == b"o.json\n"
    assert client.delete(f"/v1/{account}/c", headers=auth).status_code == 409
    assert client.delete(f"/v1/{account}/c/o.json", headers=auth).status_code == 204
    assert client.get(f"/v1/{account}/c/o.json", headers=auth).status_code == 404
    assert client.delete(f"/v1/{account}/c", headers=auth).status_code == 204


def test_put_into_missing_container_is_404(client, account, auth):
    assert client.put(f"/v1/{account}/nope/o", data=b"x", headers=auth).status_code == 404


def test_put_with_wrong_etag_is_422(client, account, auth):
    client.put(f"/v1/{account}/c", headers=auth)
    assert client.put(f"/v1/{account}/c/o", data=b"x", headers={**auth, "Etag": "0" * 32}
                      ).status_code == 422


def test_account_meta_sets_temp_url_key(client, account, auth, swift):
    response = client.post(f"/v1/{account}", headers={**auth, "X-Account-Meta-Temp-URL-Key": "k"})
    assert response.status_code == 204
    assert swift.account_meta(account) == {"temp-url-key": "k"}
    assert client.head(f"/v1/{account}", headers=auth).headers["X-Account-Meta-Temp-Url-Key"] == "k"


def test_conditional_get(client, stored, auth):
    etag = client.head(stored, headers=auth).headers["Etag"]
    assert client.get(stored, headers={**auth, "If-None-Match": f'"{etag}"'}).status_code == 304
    ranged = client.get(stored, headers={**auth, "Range": "bytes=0-1"})
    assert ranged.status_code == 206 and ranged.data == b'{"'


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_temp_url_head_and_get(client, swift, account, stored, method):
    url = swift.temp_url(method, account, "c", "o")
    head = client.head(url)
    assert head.status_code == 200 and head.headers["Content-Length"] == "19"
    assert head.headers["Content-Disposition"] == 'attachment; filename="o"; filename*=UTF-8\'\'o'
    assert head.headers["Expires"] == "Tue, 19 Jan 2038 03:13:06 GMT"
    assert "X-Object-Meta-Secret" not in head.headers
    assert head.headers["X-Object-Meta-Public-X"] == "p"


def test_temp_url_get_and_put(client, swift, account, stored):
    assert client.get(swift.temp_url("GET", account, "c", "o")).data == b'{"deployments": []}'
    put = client.put(swift.temp_url("PUT", account, "c", "o"), data=b'{"deploy_status_code": 0}')
    assert put.status_code == 201
    assert swift.get_object(account, "c", "o")[1] == b'{"deploy_status_code": 0}'


def test_temp_url_sha512_base64(client, swift, account, stored):
    url = swift.temp_url("GET", account, "c", "o", digest="sha512")
    assert "temp_url_sig=sha512%3A" in url
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("tamper", [
    lambda u: u.replace("temp_url_sig=", "temp_url_sig=0"),
    lambda u: u.replace("/c/o?", "/c/p?"),
    lambda u: u.replace("temp_url_expires=2147483586", "temp_url_expires=1000"),
    lambda u: u.split("&")[0],
])
def test_bad_temp_urls_are_refused_like_swift(client, swift, account, stored, tamper):
    response = client.get(tamper(swift.temp_url("GET", account, "c", "o")))
    assert response.status_code == 401
    assert response.get_data(as_text=True) == "401 Unauthorized: Temp URL invalid\n"
    assert response.headers["Www-Authenticate"] == 'Swift realm="unknown"'
    assert response.headers["Content-Type"] == "text/html; charset=UTF-8"


def test_wrong_method_and_head_without_body(client, swift, account, stored):
    url = swift.temp_url("GET", account, "c", "o")
    assert client.put(url, data=b"x").status_code == 401
    assert client.delete(url).status_code == 401
    head = client.head(swift.temp_url("DELETE", account, "c", "o"))
    assert head.status_code == 401 and head.data == b""


def test_temp_url_for_missing_object_is_seed_404(client, swift, account, stored):
    response = client.get(swift.temp_url("GET", account, "c", "missing"))
    assert response.status_code == 404 and response.get_data(as_text=True) == SEED_404


def test_temp_url_put_refuses_manifest(client, swift, account, stored):
    url = swift.temp_url("PUT", account, "c", "o")
    response = client.put(url, data=b"", headers={"X-Object-Manifest": "c/x"})
    assert response.status_code == 400


def test_method_not_allowed(client, account, auth):
    response = client.put(f"/v1/{account}", headers=auth)
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_fast_and_regular_temp_url_reads_answer_alike(client, swift, account, stored, method):
    url = swift.temp_url("GET", account, "c", "o")
    fast = client.open(url, method=method)
    regular = client.open(url, method=method, headers={"If-None-Match": '"other"'})  # slow path
    ignore = {"X-Trans-Id", "X-Openstack-Request-Id", "Date"}  # the server adds Date
    assert fast.status == regular.status == "200 OK"
    assert fast.data == regular.data
    assert {k: v for k, v in fast.headers.items() if k not in ignore} == \
        {k: v for k, v in regular.headers.items() if k not in ignore}


def test_a_bug_in_the_fake_is_swifts_500_not_a_traceback(client, swift, account, auth, monkeypatch):
    monkeypatch.setattr(swift, "account_info", lambda account: 1 / 0)
    response = client.head(f"/v1/{account}", headers=auth)
    assert response.status_code == 500
    response = client.get(f"/v1/{account}", headers=auth)
    assert response.get_data(as_text=True) == "Internal server error.\n"


def test_account_and_container_listings(client, account, auth, stored):
    listing = client.get(f"/v1/{account}?format=json", headers=auth)
    assert [(c["name"], c["count"], c["bytes"]) for c in listing.json] == [("c", 1, 19)]
    head = client.head(f"/v1/{account}/c", headers=auth)
    assert head.status_code == 204
    assert (head.headers["X-Container-Object-Count"], head.headers["X-Container-Bytes-Used"]) == \
        ("1", "19")
    objects = client.get(f"/v1/{account}/c", headers={**auth, "Accept": "application/json"}).json
    assert objects[0]["hash"] == hashlib.md5(b'{"deployments": []}').hexdigest()
    assert client.get(f"/v1/{account}/c?format=xml", headers=auth).status_code == 400


def test_put_without_length_is_411(client, account, auth, stored):
    response = client.put(f"/v1/{account}/c/o2", headers=auth,
                          environ_overrides={"CONTENT_LENGTH": ""})
    assert response.status_code == 411
