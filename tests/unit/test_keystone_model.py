"""KeystoneModel: password auth by name/id, scoping, validation, expiry, stack users, catalog."""
import pytest

from fakes.clock import ManualClock
from fakes.endpoints import Endpoints
from fakes.keystone.errors import BadRequest, Unauthorized
from fakes.keystone.model import TOKEN_LIFETIME, KeystoneModel


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def keystone(clock):
    return KeystoneModel(clock, Endpoints(host="192.0.2.1"), password="secret")


def password_auth(user, password="secret", scope=None):
    auth = {"identity": {"methods": ["password"], "password": {"user": dict(user, password=password)}}}
    if scope is not None:
        auth["scope"] = scope
    return auth


BY_NAME = {"name": "admin", "domain": {"name": "Default"}}
ADMIN_SCOPE = {"project": {"name": "admin", "domain": {"id": "default"}}}


def test_password_auth_by_name_scoped_by_name(keystone):
    token = keystone.authenticate(password_auth(BY_NAME, scope=ADMIN_SCOPE))
    assert token.project_id == keystone.admin_project_id
    assert token.user_id == keystone.admin_user_id
    assert token.is_admin and "admin" in token.roles
    assert keystone.validate(token.id) == token


def test_password_auth_by_id_scoped_by_id(keystone):
    token = keystone.authenticate(password_auth(
        {"id": keystone.admin_user_id}, scope={"project": {"id": keystone.admin_project_id}}))
    assert token.project_name == "admin"


def test_unscoped_token(keystone):
    token = keystone.authenticate(password_auth(BY_NAME))
    assert token.project_id is None and token.roles == ()


@pytest.mark.parametrize("auth", [
    password_auth(BY_NAME, password="wrong"),
    password_auth({"name": "nobody", "domain": {"name": "Default"}}),
    password_auth({"name": "admin", "domain": {"name": "Other"}}),
    password_auth(BY_NAME, scope={"project": {"id": "nope"}}),
])
def test_wrong_credentials_are_unauthorized(keystone, auth):
    with pytest.raises(Unauthorized):
        keystone.authenticate(auth)


@pytest.mark.parametrize("auth", [
    {}, {"identity": {"methods": []}}, {"identity": {"methods": ["password"]}},
    password_auth({"name": "admin"}), {"identity": {"methods": ["password"], "password": {"user": {}}}},
    password_auth(BY_NAME, scope={"domain": {"id": "default"}}),
])
def test_malformed_auth_is_a_bad_request(keystone, auth):
    with pytest.raises(BadRequest):
        keystone.authenticate(auth)


def test_tokens_expire(keystone, clock):
    token = keystone.authenticate(password_auth(BY_NAME, scope=ADMIN_SCOPE))
    clock.advance(TOKEN_LIFETIME + 1)
    assert keystone.validate(token.id) is None
    assert keystone.validate("unknown") is None


def test_stack_user_authenticates_by_id_into_its_project(keystone):
    user_id = keystone.create_user("stack-user", "pw2", keystone.admin_project_id)
    token = keystone.authenticate(password_auth(
        {"id": user_id}, password="pw2", scope={"project": {"id": keystone.admin_project_id}}))
    assert token.roles == ("heat_stack_user",) and not token.is_admin
    keystone.delete_user(user_id)
    assert keystone.validate(token.id) is None
    with pytest.raises(Unauthorized):
        keystone.authenticate(password_auth({"id": user_id}, password="pw2"))


def test_token_method_rescopes(keystone):
    unscoped = keystone.authenticate(password_auth(BY_NAME))
    token = keystone.authenticate({"identity": {"methods": ["token"], "token": {"id": unscoped.id}},
                                   "scope": ADMIN_SCOPE})
    assert token.project_id == keystone.admin_project_id


def test_generated_password_when_none_given(clock):
    assert len(KeystoneModel(clock, Endpoints()).admin_password) >= 16


def test_catalog_has_all_services_on_all_interfaces(keystone):
    pid = keystone.admin_project_id
    urls = {(s["type"], e["interface"]): e["url"] for s in keystone.catalog(pid) for e in s["endpoints"]}
    assert urls[("orchestration", "public")] == f"http://192.0.2.1:8004/v1/{pid}"
    assert urls[("object-store", "admin")] == f"http://192.0.2.1:8080/v1/AUTH_{pid}"
    assert urls[("cloudformation", "internal")] == "http://192.0.2.1:8000/v1"
    assert urls[("identity", "public")] == "http://192.0.2.1:5000"
    assert len(urls) == 12
