"""Keystone state: domains, projects, users, tokens and the service catalog. No HTTP here.

Password authentication only (plus re-scoping with the `token` method), the way keystoneauth,
the `openstack` CLI, os-collect-config's heat collector and heat-config-notify use it.
"""
from __future__ import annotations

import secrets
import threading
import uuid
from dataclasses import dataclass, field

from fakes.endpoints import Endpoints
from fakes.keystone.errors import BadRequest, Unauthorized

TOKEN_LIFETIME = 3600.0  # keystone's default [token] expiration
DEFAULT_DOMAIN_ID = "default"
ADMIN_ROLES = ("admin", "member", "reader")
STACK_USER_ROLE = "heat_stack_user"
CATALOG_SERVICES = (  # (service type, name) in the order keystone lists them
    ("identity", "keystone"),
    ("orchestration", "heat"),
    ("cloudformation", "heat-cfn"),
    ("object-store", "swift"),
)
INTERFACES = ("public", "internal", "admin")


@dataclass
class Domain:
    id: str
    name: str


@dataclass
class Project:
    id: str
    name: str
    domain_id: str


@dataclass
class User:
    id: str
    name: str
    domain_id: str
    password: str
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # project id -> role names
    default_project_id: str | None = None


@dataclass(frozen=True)
class Token:
    id: str
    user_id: str
    user_name: str
    user_domain: Domain
    project_id: str | None
    project_name: str | None
    project_domain: Domain | None
    roles: tuple[str, ...]
    issued_at: float
    expires_at: float
    is_admin: bool
    methods: tuple[str, ...] = ("password",)


class KeystoneModel:
    def __init__(self, clock, endpoints: Endpoints, username: str = "admin",
                 password: str | None = None, project_name: str = "admin",
                 user_domain: str = "Default", project_domain: str = "Default",
                 region: str = "regionOne") -> None:
        self.clock = clock
        self.endpoints = endpoints
        self.region = region
        self.admin_password = password or secrets.token_urlsafe(18)
        self._lock = threading.Lock()
        self._domains = {DEFAULT_DOMAIN_ID: Domain(DEFAULT_DOMAIN_ID, "Default")}
        self._projects: dict[str, Project] = {}
        self._users: dict[str, User] = {}
        self._tokens: dict[str, Token] = {}
        self._role_ids = {name: uuid.uuid4().hex for name in (*ADMIN_ROLES, STACK_USER_ROLE)}
        self._endpoint_ids = {(svc, iface): uuid.uuid4().hex
                              for svc, _ in CATALOG_SERVICES for iface in INTERFACES}
        self._service_ids = {svc: uuid.uuid4().hex for svc, _ in CATALOG_SERVICES}
        user_domain_id = self._ensure_domain(user_domain)
        project = self._add_project(project_name, self._ensure_domain(project_domain))
        self.admin_project_id = project.id
        self.admin_user_id = self._add_user(username, self.admin_password, user_domain_id,
                                            {project.id: ADMIN_ROLES}).id

    # -- identities -----------------------------------------------------------------------
    def _ensure_domain(self, name_or_id: str) -> str:
        for domain in self._domains.values():
            if name_or_id in (domain.id, domain.name):
                return domain.id
        domain = Domain(uuid.uuid4().hex, name_or_id)
        self._domains[domain.id] = domain
        return domain.id

    def _add_project(self, name: str, domain_id: str) -> Project:
        project = Project(uuid.uuid4().hex, name, domain_id)
        self._projects[project.id] = project
        return project

    def _add_user(self, name, password, domain_id, roles, default_project_id=None) -> User:
        user = User(uuid.uuid4().hex, name, domain_id, password, dict(roles), default_project_id)
        self._users[user.id] = user
        return user

    def create_user(self, name: str, password: str, project_id: str) -> str:
        """A Heat stack user: authenticates by id + password, scoped to `project_id`."""
        with self._lock:
            user = self._add_user(name, password, DEFAULT_DOMAIN_ID,
                                  {project_id: (STACK_USER_ROLE,)}, project_id)
            return user.id

    def delete_user(self, user_id: str) -> None:
        with self._lock:
            self._users.pop(user_id, None)
            self._tokens = {k: t for k, t in self._tokens.items() if t.user_id != user_id}

    def project(self, project_id: str) -> Project | None:
        return self._projects.get(project_id)

    def domain(self, domain_id: str) -> Domain:
        return self._domains[domain_id]

    def role_id(self, name: str) -> str:
        return self._role_ids[name]

    # -- tokens ---------------------------------------------------------------------------
    def authenticate(self, auth: dict) -> Token:
        """Issue a token for the `auth` object of `POST /v3/auth/tokens`."""
        if not isinstance(auth, dict) or not isinstance(auth.get("identity"), dict):
            raise BadRequest("Invalid input for field 'identity': 'identity' is a required property")
        identity = auth["identity"]
        methods = identity.get("methods")
        if not isinstance(methods, list) or not methods:
            raise BadRequest("Invalid input for field 'identity/methods': "
                             "a non-empty list of methods is required")
        with self._lock:
            if "password" in methods:
                user = self._password_user(_section(identity, "password"))
                default_scope = user.default_project_id
            elif "token" in methods:
                previous = self._valid_token(_section(identity, "token").get("id"))
                user = self._users.get(previous.user_id) if previous else None
                default_scope = previous.project_id if previous else None
            else:
                raise Unauthorized(f"Unsupported authentication method(s): {', '.join(map(str, methods))}"
                                   " (this fake supports 'password' and 'token').")
            if user is None:
                raise Unauthorized()
            project = self._scope_project(auth.get("scope"), default_scope)
            return self._issue(user, project, tuple(m for m in methods if m in ("password", "token")))

    def _password_user(self, password_section: dict) -> User | None:
        spec = password_section.get("user")
        if not isinstance(spec, dict) or not isinstance(spec.get("password"), str):
            raise BadRequest("Invalid input for field 'identity/password/user': "
                             "a user with 'password' and 'id' or 'name' + 'domain' is required")
        if "id" in spec:
            user = self._users.get(spec["id"])
        elif "name" in spec:
            domain_id = self._find_domain_id(spec.get("domain"))
            user = next((u for u in self._users.values()
                         if u.name == spec["name"] and u.domain_id == domain_id), None)
        else:
            raise BadRequest("Invalid input for field 'identity/password/user': "
                             "'id' or 'name' is required")
        if user is None or not secrets.compare_digest(user.password.encode(),
                                                      spec["password"].encode()):
            raise Unauthorized()
        return user

    def _find_domain_id(self, spec) -> str | None:
        if not isinstance(spec, dict) or not ({"id", "name"} & spec.keys()):
            raise BadRequest("Invalid input for field 'domain': 'id' or 'name' is required "
                             "when a user or project is given by name")
        for domain in self._domains.values():
            if spec.get("id") == domain.id or spec.get("name") == domain.name:
                return domain.id
        return None

    def _scope_project(self, scope, default_project_id: str | None) -> Project | None:
        if scope is None or scope == {}:
            return self._projects.get(default_project_id) if default_project_id else None
        if not isinstance(scope, dict) or not isinstance(scope.get("project"), dict):
            kinds = ", ".join(scope) if isinstance(scope, dict) else repr(scope)
            raise BadRequest(f"Invalid scope {kinds}: this fake keystone scopes tokens to "
                             "projects only ({'project': {'id': ...}} or name + domain).")
        spec = scope["project"]
        if "id" in spec:
            return self._require_project(self._projects.get(spec["id"]))
        if "name" not in spec:
            raise BadRequest("Invalid input for field 'scope/project': 'id' or 'name' is required")
        domain_id = self._find_domain_id(spec.get("domain"))
        return self._require_project(next(
            (p for p in self._projects.values()
             if p.name == spec["name"] and p.domain_id == domain_id), None))

    @staticmethod
    def _require_project(project: Project | None) -> Project:
        if project is None:
            raise Unauthorized()
        return project

    def _issue(self, user: User, project: Project | None, methods: tuple[str, ...]) -> Token:
        if project is not None and project.id not in user.roles:
            raise Unauthorized(f"User {user.id} has no access to project {project.id}")
        roles = user.roles.get(project.id, ()) if project else ()
        now = self.clock.now()
        token = Token(
            id="gAAAAAB" + secrets.token_urlsafe(96), user_id=user.id, user_name=user.name,
            user_domain=self._domains[user.domain_id],
            project_id=project.id if project else None,
            project_name=project.name if project else None,
            project_domain=self._domains[project.domain_id] if project else None,
            roles=roles, issued_at=now, expires_at=now + TOKEN_LIFETIME,
            is_admin="admin" in roles, methods=methods or ("password",))
        self._tokens[token.id] = token
        return token

    def _valid_token(self, token_id) -> Token | None:
        token = self._tokens.get(token_id) if isinstance(token_id, str) else None
        if token is None or token.expires_at <= self.clock.now() or token.user_id not in self._users:
            return None
        return token

    def validate(self, token_id: str) -> Token | None:
        """The token if it is known and not expired, else None."""
        with self._lock:
            return self._valid_token(token_id)

    def revoke(self, token_id: str) -> bool:
        with self._lock:
            return self._tokens.pop(token_id, None) is not None

    # -- catalog --------------------------------------------------------------------------
    def service_url(self, service_type: str, project_id: str | None) -> str:
        e = self.endpoints
        urls = {
            # TripleO registers keystone unversioned; keystoneauth discovers v3 from the 300 doc.
            "identity": lambda: e.identity_root,
            "orchestration": lambda: e.orchestration_url(project_id or "%(tenant_id)s"),
            "cloudformation": lambda: e.cfn_url,
            "object-store": lambda: e.swift_url(project_id or "%(tenant_id)s"),
        }
        return urls[service_type]()

    def catalog(self, project_id: str | None = None) -> list:
        """The `catalog` of a token body: every service on every interface in one region."""
        return [{
            "id": self._service_ids[svc], "type": svc, "name": name,
            "endpoints": [{
                "id": self._endpoint_ids[(svc, iface)], "interface": iface,
                "region": self.region, "region_id": self.region,
                "url": self.service_url(svc, project_id),
            } for iface in INTERFACES],
        } for svc, name in CATALOG_SERVICES]


def _section(identity: dict, method: str) -> dict:
    section = identity.get(method)
    if not isinstance(section, dict):
        raise BadRequest(f"Invalid input for field 'identity/{method}': "
                         f"method '{method}' is listed but its section is missing")
    return section
