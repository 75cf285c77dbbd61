"""The Heat API's own plumbing, before any engine call: versions document, version negotiation,
token check, tenant check, unrouted paths, 405s, parameter and body errors, the CFN root."""
from __future__ import annotations

import pytest
from werkzeug.test import Client

from fakes.clock import ManualClock
from fakes.endpoints import Endpoints
from fakes.heat.api import make_cfn_app, make_heat_app
from fakes.heat.api_common import ApiError, extract_bool, extract_int
from fakes.keystone.model import KeystoneModel

UNAUTHORIZED = {"error": {"code": 401, "title": "Unauthorized",
                          "message": "The request you have made requires authentication."}}


class NoEngine:
    """The plumbing under test must answer before it ever reaches the engine."""

    def __getattr__(self, name):
        raise AssertionError(f"the engine was called ({name}) although the request should "
                             "have been answered by the API layer")


@pytest.fixture()
def keystone():
    return KeystoneModel(ManualClock(), Endpoints(), password="secret")


def password_token(keystone, user=None, user_id=None, password="secret"):
    user_spec = {"id": user_id} if user_id else {"name": user, "domain": {"name": "Default"}}
    auth = {"identity": {"methods": ["password"],
                         "password": {"user": {**user_spec, "password": password}}}}
    if user:
        auth["scope"] = {"project": {"name": "admin", "domain": {"name": "Default"}}}
    return keystone.authenticate(auth)


@pytest.fixture()
def admin(keystone):
    return password_token(keystone, user="admin")


@pytest.fixture()
def client(keystone):
    return Client(make_heat_app(NoEngine(), keystone))


def test_root_and_versions_answer_300_with_href_echoing_host(client):
    for path in ("/", "/versions"):
        response = client.get(path, headers={"Host": "192.0.2.7:8004"})
        assert response.status_code == 300
        assert response.content_type == "application/json"
        assert response.headers["X-Openstack-Request-Id"].startswith("req-")
        assert response.json == {"versions": [{"id": "v1.0", "status": "CURRENT", "links": [
            {"rel": "self", "href": "http://192.0.2.7:8004/v1/"}]}]}


def test_other_version_segment_gets_the_versions_document(client):
    assert client.get("/v2/admin/stacks").status_code == 300


def test_no_version_without_v1_accept_is_404(client):
    response = client.get("/admin/stacks", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["code"] == "404 Not Found"


def test_v1_accept_header_selects_v1_and_then_needs_a_token(client):
    response = client.get("/admin/stacks",
                          headers={"Accept": "application/vnd.openstack.orchestration-v1.0"})
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/v1/", "/v1/x/stacks", "/v1/x/nowhere"])
def test_missing_or_bad_token_is_401_with_keystonemiddleware_body(client, path):
    for headers in ({}, {"X-Auth-Token": "not-a-token"}):
        response = client.get(path, headers=headers)
        assert response.status_code == 401
        assert response.json == UNAUTHORIZED
        assert response.headers["WWW-Authenticate"].startswith('Keystone uri="http://')


def test_unrouted_path_is_webob_404(client, admin):
    response = client.get("/v1/", headers={"X-Auth-Token": admin.id,
                                          "Accept": "application/json"})
    assert response.status_code == 404
    assert response.json == {"message": "The resource could not be found.<br /><br />\n\n\n",
                             "code": "404 Not Found", "title": "Not Found"}


def test_unlisted_method_is_405_with_allow_and_options_is_204(client, admin):
    headers = {"X-Auth-Token": admin.id}
    url = f"/v1/{admin.project_id}/stacks"
    response = client.delete(url, headers=headers)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"
    assert response.json["error"]["type"] == "HTTPMethodNotAllowed"
    assert set(response.json) == {"code", "title", "explanation", "error"}
    options = client.open(url, method="OPTIONS", headers=headers)
    assert options.status_code == 204 and options.headers["Allow"] == "GET, POST"


def test_path_tenant_must_be_the_tokens_project_for_non_admins(client, keystone):
    user_id = keystone.create_user("stack-user", "pw", keystone.admin_project_id)
    token = password_token(keystone, user_id=user_id, password="pw")
    assert not token.is_admin
    response = client.get("/v1/someone-else/stacks", headers={"X-Auth-Token": token.id})
    assert response.status_code == 403
    assert response.json == {
        "code": 403, "title": "Forbidden", "explanation": "Access was denied to this resource.",
        "error": {"type": "HTTPForbidden", "traceback": None,
                  "message": "Access was denied to this resource."}}


@pytest.mark.parametrize("query,message", [
    ("foo=1&bar=2", "Invalid filter parameters ['foo', 'bar']"),
    ("nested_depth=x", "Only integer is acceptable by 'nested_depth'."),
    ("nested_depth=-1", "Value '-1' is invalid for 'nested_depth' which only accepts "
                        "non-negative integer."),
    ("with_detail=maybe", 'Unrecognized value "maybe" for "with_detail", acceptable values '
                          "are: true, false."),
])
def test_resource_list_parameter_errors_are_400_before_the_engine(client, admin, query, message):
    url = f"/v1/{admin.project_id}/stacks/s/1/resources?{query}"
    response = client.get(url, headers={"X-Auth-Token": admin.id})
    assert response.status_code == 400
    assert response.json["error"]["message"] == message
    assert response.json["title"] == "Bad Request"


def test_malformed_json_body_is_400_with_the_json_message(client, admin):
    response = client.post(f"/v1/{admin.project_id}/stacks", data=b"{not json",
                           headers={"X-Auth-Token": admin.id,
                                    "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json["error"] == {
        "type": "HTTPBadRequest", "traceback": None,
        "message": "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"}


def test_create_without_stack_name_or_template(client, admin):
    url, headers = f"/v1/{admin.project_id}/stacks", {"X-Auth-Token": admin.id}
    response = client.post(url, json={"template": {}}, headers=headers)
    assert response.status_code == 400
    assert response.json["error"]["message"] == "No stack name specified"
    response = client.post(url, json={"stack_name": "x"}, headers=headers)
    assert response.json["error"]["message"] == "No template specified"


def test_parameter_helpers():
    assert extract_int("limit", None) is None and extract_int("limit", "3") == 3
    with pytest.raises(ApiError):
        extract_int("limit", "0", allow_zero=False)
    assert extract_bool("x", "True") is True and extract_bool("x", "0") is False
    assert extract_bool("x", None, default=True) is True


def test_cfn_root_is_the_same_versions_document(keystone):
    client = Client(make_cfn_app(NoEngine(), keystone))
    response = client.get("/", headers={"Host": "192.0.2.7:8000"})
    assert response.status_code == 300
    assert response.json == {"versions": [{"id": "v1.0", "status": "CURRENT", "links": [
        {"rel": "self", "href": "http://192.0.2.7:8000/v1/"}]}]}
    assert client.get("/v1/other").status_code == 404


def test_cfn_signal_without_signature_or_token_is_refused(keystone):
    client = Client(make_cfn_app(NoEngine(), keystone))
    arn = "arn%3Aopenstack%3Aheat%3A%3At%3Astacks%2Fs%2Fid%2Fresources%2Fdeployment"
    response = client.post(f"/v1/signal/{arn}", json={"deploy_status_code": 0})
    assert response.status_code == 403
    assert response.json["error"]["type"] == "HeatAccessDeniedError"
    assert client.get(f"/v1/signal/{arn}").status_code == 405


class BrokenEngine:
    def list_stacks(self, *args, **kwargs):
        raise KeyError("an engine bug")


def test_an_engine_bug_is_a_500_fault_body_without_traceback(keystone, admin):
    client = Client(make_heat_app(BrokenEngine(), keystone))
    response = client.get(f"/v1/{admin.project_id}/stacks", headers={"X-Auth-Token": admin.id})
    assert response.status_code == 500
    assert response.json["error"] == {"type": "KeyError", "traceback": None,
                                      "message": "'an engine bug'"}
    assert "Traceback" not in response.get_data(as_text=True)


def test_webob_rendered_answers_follow_accept_like_webob(client):
    """What curl sees (Accept */*): webob's HTML page; JSON for the clients."""
    html = client.get("/nowhere", headers={"Accept": "*/*"})
    assert html.status_code == 404 and html.content_type.startswith("text/html")
    assert "<h1>404 Not Found</h1>" in html.get_data(as_text=True)
    assert client.get("/nowhere").content_type.startswith("text/html")
    plain = client.get("/nowhere", headers={"Accept": "text/plain"})
    assert plain.get_data(as_text=True).startswith("404 Not Found\n\nThe resource could not")
    assert client.get("/nowhere", headers={"Accept": "application/json"}).json["title"] == \
        "Not Found"
