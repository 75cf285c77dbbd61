"""Keystone v3 on the wire, through werkzeug's test client (no sockets)."""
import re

import pytest
from werkzeug.test import Client

from fakes.clock import ManualClock
from fakes.endpoints import Endpoints
from fakes.keystone.api import make_app
from fakes.keystone.model import KeystoneModel

UNAUTHORIZED = {"error": {"code": 401, "title": "Unauthorized",
                          "message": "The request you have made requires authentication."}}


@pytest.fixture
def keystone():
    return KeystoneModel(ManualClock(1_700_000_000.5), Endpoints(host="192.0.2.1"), password="pw")


@pytest.fixture
def client(keystone):
    return Client(make_app(keystone))


def auth_body(password="pw", scope=True):
    auth = {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "domain": {"name": "Default"}, "password": password}}}}
    if scope:
        auth["scope"] = {"project": {"name": "admin", "domain": {"name": "Default"}}}
    return {"auth": auth}


def test_root_is_a_300_versions_document(client):
    response = client.get("/")
    assert response.status_code == 300
    (version,) = response.json["versions"]["values"]
    assert version["id"].startswith("v3.") and version["status"] == "stable"
    assert version["links"][0]["href"] == "http://192.0.2.1:5000/v3/"


@pytest.mark.parametrize("path", ["/v3", "/v3/"])
def test_v3_is_a_200_version_document(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.json["version"]["id"].startswith("v3.")


def test_password_auth_issues_a_token(client, keystone):
    response = client.post("/v3/auth/tokens", json=auth_body())
    assert response.status_code == 201
    token = response.json["token"]
    assert response.headers["X-Subject-Token"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", token["issued_at"])
    assert token["issued_at"] == "2023-11-14T22:13:20.500000Z"
    assert token["project"]["id"] == keystone.admin_project_id
    assert token["user"]["domain"] == {"id": "default", "name": "Default"}
    assert {r["name"] for r in token["roles"]} == {"admin", "member", "reader"}
    types = {s["type"] for s in token["catalog"]}
    assert types == {"identity", "orchestration", "cloudformation", "object-store"}


def test_wrong_password_is_keystones_401(client):
    response = client.post("/v3/auth/tokens", json=auth_body("nope"))
    assert response.status_code == 401
    assert response.json == UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == 'Keystone uri="http://192.0.2.1:5000"'


@pytest.mark.parametrize("data", [b"not json", b"{}", b'{"auth": {}}'])
def test_malformed_body_is_400(client, data):
    response = client.post("/v3/auth/tokens", data=data, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["title"] == "Bad Request"


def test_validate_and_revoke(client):
    token = client.post("/v3/auth/tokens", json=auth_body()).headers["X-Subject-Token"]
    headers = {"X-Auth-Token": token, "X-Subject-Token": token}
    shown = client.get("/v3/auth/tokens", headers=headers)
    assert shown.status_code == 200 and shown.headers["X-Subject-Token"] == token
    assert client.head("/v3/auth/tokens", headers=headers).status_code == 200
    assert "catalog" not in client.get("/v3/auth/tokens?nocatalog", headers=headers).json["token"]
    unknown = client.get("/v3/auth/tokens", headers={"X-Auth-Token": token, "X-Subject-Token": "x"})
    assert unknown.status_code == 404
    assert client.delete("/v3/auth/tokens", headers=headers).status_code == 204
    assert client.get("/v3/auth/tokens", headers=headers).status_code == 401


def test_unscoped_token_has_no_project(client):
    token = client.post("/v3/auth/tokens", json=auth_body(scope=False)).json["token"]
    assert "project" not in token and token["catalog"] == []


def test_unknown_path_and_method(client):
    assert client.get("/v3/nothing").json["error"]["code"] == 404
    assert client.put("/v3/auth/tokens").status_code == 405


def test_auth_catalog(client):
    token = client.post("/v3/auth/tokens", json=auth_body()).headers["X-Subject-Token"]
    catalog = client.get("/v3/auth/catalog", headers={"X-Auth-Token": token}).json["catalog"]
    assert len(catalog) == 4


def test_a_bug_in_the_fake_is_keystones_500(client, keystone, monkeypatch):
    monkeypatch.setattr(keystone, "authenticate", lambda auth: 1 / 0)
    response = client.post("/v3/auth/tokens", json=auth_body())
    assert response.status_code == 500
    assert response.json["error"]["title"] == "Internal Server Error"
