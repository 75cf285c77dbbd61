"""The Heat API with the real engine behind it (no sockets, werkzeug's test client): stack
create, 302 lookups, show, list paging, outputs, update, PATCH, delete, and the errors real Heat
answered (reference/real-heat/traces)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_heat_engine_support import ENVIRONMENT, FILES, GROUP_YAML, OK
from werkzeug.test import Client

from fakes.clock import ManualClock
from fakes.endpoints import Endpoints
from fakes.heat.api import make_heat_app
from fakes.heat.engine import HeatEngine
from fakes.keystone.model import KeystoneModel
from fakes.swift.model import SwiftModel

HOST = "192.0.2.1:8004"
ORIGIN = f"http://{HOST}"
TRACES = Path("/work/shared/reference/real-heat/traces")
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


class HeatApi:
    """The API app over the real engine (driven with step()) and a real Keystone token."""

    def __init__(self) -> None:
        self.clock = ManualClock(1_800_000_000.0)
        endpoints = Endpoints()
        self.keystone = KeystoneModel(self.clock, endpoints, password="secret")
        self.engine = HeatEngine(self.clock, self.keystone, SwiftModel(self.clock), endpoints,
                                 background=False)
        self.client = Client(make_heat_app(self.engine, self.keystone))
        self.token = self.keystone.authenticate({
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "admin", "domain": {"name": "Default"}, "password": "secret"}}},
            "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}})
        self.tenant = self.token.project_id
        self.base = f"/v1/{self.tenant}"

    def call(self, method: str, path: str, **kwargs):
        """`path` relative to /v1/<tenant>, or an absolute link the API handed out."""
        if path.startswith(ORIGIN):
            path = path[len(ORIGIN):]
        elif not path.startswith("/v1/"):
            path = self.base + path
        headers = {"X-Auth-Token": self.token.id, "Host": HOST, "Accept": "application/json",
                   **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def create_group(self, name: str = "rg", count: int = 2):
        body = {"stack_name": name, "template": GROUP_YAML, "parameters": {"count": count},
                "environment": ENVIRONMENT, "files": dict(FILES), "disable_rollback": True,
                "timeout_mins": 60}
        response = self.call("POST", "/stacks", json=body)
        assert response.status_code == 201, response.json
        self.engine.step()
        return response

    def rows(self, stack: str = "rg", query: str = "nested_depth=5"):
        response = self.call("GET", f"/stacks/{stack}/resources?{query}", follow_redirects=True)
        assert response.status_code == 200, response.json
        return response.json["resources"]

    def signal_deployments(self, stack: str = "rg") -> None:
        for row in self.rows(stack):
            if row["resource_name"] == "deployment" and row["resource_status"].endswith(
                    "IN_PROGRESS"):
                response = self.call("POST", row["links"][0]["href"] + "/signal", json=OK)
                assert (response.status_code, response.data) == (200, b"null")
        self.engine.step()

    def stack(self, stack: str = "rg") -> dict:
        return self.call("GET", f"/stacks/{stack}", follow_redirects=True).json["stack"]


@pytest.fixture
def heat() -> HeatApi:
    return HeatApi()


def recorded(name: str) -> dict:
    path = TRACES / f"{name}.json"
    if not path.exists():
        pytest.skip(f"{path} not present")
    return json.loads(path.read_text())["response"]


def test_create_answers_201_with_location_and_self_link(heat):
    response = heat.create_group()
    body = response.json
    stack_id = body["stack"]["id"]
    location = f"{ORIGIN}{heat.base}/stacks/rg/{stack_id}"
    assert response.headers["Location"] == location
    assert body == {"stack": {"id": stack_id, "links": [{"href": location, "rel": "self"}]}}
    assert list(body["stack"]) == list(recorded("rg-01-create")["body"]["stack"])


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
def test_name_lookup_redirects_every_method_to_the_canonical_url(heat, method):
    stack_id = heat.create_group().json["stack"]["id"]
    response = heat.call(method, "/stacks/rg")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{ORIGIN}{heat.base}/stacks/rg/{stack_id}"
    assert set(response.json) == {"message", "code", "title"}
    assert response.json["code"] == "302 Found"


def test_lookup_by_id_keeps_sub_path_and_query(heat):
    stack_id = heat.create_group().json["stack"]["id"]
    for path in (f"/stacks/{stack_id}/resources?nested_depth=5&with_detail=true",
                 "/stacks/rg/events?nested_depth=5&sort_dir=asc"):
        response = heat.call("GET", path)
        assert response.status_code == 302
        sub = path.split("/", 3)[3]
        assert response.headers["Location"] == f"{ORIGIN}{heat.base}/stacks/rg/{stack_id}/{sub}"


def test_nested_stack_uuid_alone_resolves(heat):
    heat.create_group()
    group = heat.rows()[0]
    nested = next(link["href"] for link in group["links"] if link["rel"] == "nested")
    response = heat.call("GET", f"/stacks/{group['physical_resource_id']}")
    assert (response.status_code, response.headers["Location"]) == (302, nested)


def test_unknown_stack_is_404_with_heats_fault_body(heat):
    response = heat.call("GET", "/stacks/rg-heat")
    assert response.status_code == 404
    assert response.json == recorded("rg-43-get-after-delete-by-name")["body"]


def test_show_matches_real_heat_fields_and_joins_status(heat):
    heat.create_group()
    heat.signal_deployments()
    stack = heat.stack()
    assert list(stack) == list(recorded("rg-23-stack-complete")["body"]["stack"])
    assert stack["stack_status"] == "CREATE_COMPLETE"
    assert stack["stack_status_reason"] == "Stack CREATE completed successfully"
    assert stack["updated_time"] is None and stack["parameters"]["count"] == "2"
    assert [o["output_key"] for o in stack["outputs"]] == ["refs_map", "server_ids",
                                                           "server_names"]
    hidden = heat.call("GET", f"/stacks/rg/{stack['id']}?resolve_outputs=false").json["stack"]
    assert "outputs" not in hidden


def test_outputs_list_keys_only_and_show_one(heat):
    heat.create_group()
    heat.signal_deployments()
    stack_id = heat.stack()["id"]
    listed = heat.call("GET", f"/stacks/rg/{stack_id}/outputs").json
    assert listed == recorded("rg-23b-outputs")["body"]
    shown = heat.call("GET", f"/stacks/rg/{stack_id}/outputs/server_ids").json["output"]
    assert list(shown) == ["output_key", "description", "output_value"]
    assert len(shown["output_value"]) == 2
    missing = heat.call("GET", f"/stacks/rg/{stack_id}/outputs/nope")
    assert missing.status_code == 404


def test_list_for_admin_with_project_and_next_link_when_page_full(heat):
    heat.create_group("rg")
    heat.create_group("rg2", count=1)
    listed = heat.call("GET", "/stacks").json
    assert [s["stack_name"] for s in listed["stacks"]] == ["rg2", "rg"]
    assert list(listed["stacks"][0]) == list(recorded("rg-27-stack-list")["body"]["stacks"][0])
    assert "links" not in listed
    page = heat.call("GET", "/stacks?limit=1").json
    assert len(page["stacks"]) == 1
    next_href = page["links"][0]["href"]
    assert page["links"][0]["rel"] == "next" and "marker=" in next_href
    rest = heat.call("GET", next_href).json
    assert [s["stack_name"] for s in rest["stacks"]] == ["rg"]
    nested = heat.call("GET", "/stacks?show_nested=true&with_count=true").json
    assert nested["count"] == len(nested["stacks"]) == 2 + 1 + 2 + 1 + 1


def test_create_errors_carry_heats_types(heat):
    heat.create_group()
    again = heat.call("POST", "/stacks", json={"stack_name": "rg", "template": GROUP_YAML,
                                               "environment": ENVIRONMENT, "files": FILES})
    assert again.status_code == 409
    assert again.json["error"]["type"] == "StackExists"
    bad = heat.call("POST", "/stacks", json={"stack_name": "bad", "template": {
        "heat_template_version": "wallaby", "resources": {"x": {"type": "OS::Nope"}}}})
    assert bad.status_code == 400
    assert set(bad.json) == {"code", "title", "explanation", "error"}
    assert "OS::Nope" in bad.json["error"]["message"]


def test_update_and_patch_answer_202_and_delete_204(heat):
    heat.create_group()
    heat.signal_deployments()
    stack_id = heat.stack()["id"]
    url = f"/stacks/rg/{stack_id}"
    update = heat.call("PUT", url, json={"template": GROUP_YAML, "parameters": {"count": 3},
                                         "environment": ENVIRONMENT, "files": FILES})
    assert update.status_code == 202
    assert update.json == recorded("rg-30-update-put-count3")["body"]
    heat.engine.step()
    assert heat.stack()["stack_status"] == "UPDATE_IN_PROGRESS"
    heat.signal_deployments()
    assert heat.stack()["stack_status"] == "UPDATE_COMPLETE"
    patch = heat.call("PATCH", url, json={"parameters": {"count": 1}})
    assert patch.status_code == 202
    heat.engine.step()
    assert heat.stack()["parameters"]["count"] == "1"
    delete = heat.call("DELETE", url)
    assert (delete.status_code, delete.data, delete.headers.get("Content-Type")) == (
        204, b"", None)
    heat.engine.step()
    gone = heat.call("GET", url).json["stack"]
    assert gone["stack_status"] == "DELETE_COMPLETE" and "outputs" not in gone
    assert heat.call("GET", "/stacks/rg").status_code == 404


def test_abandon_is_not_supported_like_default_heat(heat):
    stack_id = heat.create_group().json["stack"]["id"]
    response = heat.call("DELETE", f"/stacks/rg/{stack_id}/abandon")
    assert response.status_code == 400
    assert response.json["error"]["message"] == "Stack Abandon is not supported."


def test_name_and_id_must_match(heat):
    stack_id = heat.create_group().json["stack"]["id"]
    response = heat.call("GET", f"/stacks/other/{stack_id}")
    assert response.status_code == 404
    assert response.json["error"]["type"] == "EntityNotFound"


def test_template_environment_and_files_are_raw_json(heat):
    stack_id = heat.create_group().json["stack"]["id"]
    template = heat.call("GET", f"/stacks/rg/{stack_id}/template").json
    assert template["heat_template_version"] == "wallaby"
    environment = heat.call("GET", f"/stacks/rg/{stack_id}/environment").json
    assert environment["resource_registry"]["OS::Test::Server"] == "server.yaml"
    assert "server.yaml" in heat.call("GET", f"/stacks/rg/{stack_id}/files").json


def test_arn_lookup_redirects_without_asking_the_engine(heat):
    stack_id = heat.create_group().json["stack"]["id"]
    canonical = f"{ORIGIN}{heat.base}/stacks/rg/{stack_id}"
    arn = f"arn:openstack:heat::{heat.tenant}:stacks/rg/{stack_id}"
    response = heat.call("GET", f"/stacks/{arn}?resolve_outputs=false")
    assert (response.status_code, response.headers["Location"]) == (
        302, canonical + "?resolve_outputs=false")
    deep = heat.call("GET", f"/stacks/{arn}/resources/Compute")
    assert deep.headers["Location"] == canonical + "/resources/Compute"
    bad = heat.call("GET", "/stacks/arn:openstack:heat::x:nothing")
    assert bad.status_code == 400 and "Invalid ARN" in bad.json["error"]["message"]


def test_stack_actions_are_checked_then_refused_by_name(heat):
    stack_id = heat.create_group().json["stack"]["id"]
    url = f"/stacks/rg/{stack_id}/actions"
    assert heat.call("POST", url, json={}).json["error"]["message"] == "No action specified"
    assert heat.call("POST", url, json={"dance": None}).json["error"]["message"] == \
        "Invalid action dance specified"
    refused = heat.call("POST", url, json={"check": None})
    assert refused.status_code == 400 and refused.json["error"]["type"] == "NotSupported"
    assert heat.call("POST", "/stacks/rg/actions", json={"check": None}).status_code == 302


def test_global_tenant_listing_is_for_admins(heat):
    heat.create_group()
    listed = heat.call("GET", "/stacks?global_tenant=true").json["stacks"]
    assert [s["stack_name"] for s in listed] == ["rg"]
    user_id = heat.keystone.create_user("stack-user", "pw", heat.tenant)
    heat.token = heat.keystone.authenticate({"identity": {"methods": ["password"], "password": {
        "user": {"id": user_id, "password": "pw"}}}})
    refused = heat.call("GET", "/stacks?global_tenant=true")
    assert refused.status_code == 403
    assert refused.json["error"]["message"] == "You are not authorized to use stacks:index."


def test_build_info_template_versions_and_resource_types(heat):
    assert heat.call("GET", "/build_info").json == {"api": {"revision": "unknown"},
                                                    "engine": {"revision": "unknown"}}
    versions = heat.call("GET", "/template_versions").json["template_versions"]
    wallaby = next(v for v in versions if v["version"] == "heat_template_version.2021-04-16")
    assert wallaby == {"version": "heat_template_version.2021-04-16", "type": "hot",
                       "aliases": ["heat_template_version.wallaby"]}
    types = heat.call("GET", "/resource_types").json["resource_types"]
    assert {"OS::Heat::DeployedServer", "OS::Heat::ResourceGroup"} <= set(types)
    assert types == sorted(types)
