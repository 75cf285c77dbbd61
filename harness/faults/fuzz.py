"""Bad input against the fakes' HTTP surfaces: seeded random requests built from the services'
real routes with garbage spliced in (segments, query, headers, bodies; valid and forged tokens and
temp URLs), and the checks every answer must pass: no 5xx, no traceback in the body, and the
service still answers afterwards.

    target = FuzzTarget.in_process(undercloud)      # werkzeug clients, no sockets
    stats = fuzz(target, requests=500, seed=1)      # -> FuzzStats; stats.problems lists failures

tests/unit/test_fuzz_fakes.py drives `random_request` through hypothesis; bench/fuzz.py runs the
long form and publishes the figures.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from urllib.parse import quote

from werkzeug.test import Client

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "COPY", "TRACE")
GARBAGE = ("", "x", "..", "%00", "%ff%fe", "a" * 300, "ü", "%2F", "{}", "*", "-1", "0", "null",
           "'", '"', "<script>", "%", "a b", "\t", "9" * 40, "stacks", "v1", "AUTH_")
ROUTES = {
    "keystone": ("/", "/v3", "/v3/auth/tokens", "/v3/auth/catalog", "/v3/auth/projects",
                 "/v3/projects", "/v3/projects/{p}", "/v3/users/{x}", "/v3/services", "/v3/endpoints",
                 "/v2.0", "/v3/{x}"),
    "heat": ("/", "/v1/{p}/stacks", "/v1/{p}/stacks/detail", "/v1/{p}/stacks/{x}",
             "/v1/{p}/stacks/{x}/{x}", "/v1/{p}/stacks/{x}/{x}/resources",
             "/v1/{p}/stacks/{x}/{x}/resources/{x}", "/v1/{p}/stacks/{x}/{x}/resources/{x}/metadata",
             "/v1/{p}/stacks/{x}/{x}/resources/{x}/signal", "/v1/{p}/stacks/{x}/{x}/events",
             "/v1/{p}/stacks/{x}/{x}/actions", "/v1/{p}/stacks/{x}/{x}/outputs/{x}",
             "/v1/{p}/stacks/{x}/{x}/template", "/v1/{p}/stacks/{x}/{x}/environment",
             "/v1/{p}/software_configs", "/v1/{p}/software_configs/{x}",
             "/v1/{p}/software_deployments", "/v1/{p}/software_deployments/{x}",
             "/v1/{p}/software_deployments/metadata/{x}", "/v1/{p}/resource_types",
             "/v1/{p}/template_versions", "/v1/{p}/build_info", "/v1/{x}"),
    "cfn": ("/", "/v1", "/v1/", "/v1/signal/{x}", "/v1/waitcondition/{x}"),
    "swift": ("/", "/info", "/v1/{a}", "/v1/{a}/{c}", "/v1/{a}/{c}/{o}", "/v1/{a}/{x}",
              "/v1/{a}/{c}/{x}", "/v1/{x}/{x}/{x}", "/v1/{a}/{c}/{o}/{x}"),
}
BODIES = (b"", b"{", b"[]", b"null", b'{"auth": {}}', b'{"stack_name": 5}', b"\xff\xfe\x00",
          b'{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": 1}}}}}',
          b'{"stack_name": "s", "template": {"heat_template_version": "2016-10-14"}}',
          b'{"stack_name": "s", "template": "heat_template_version: 2013-05-23\\nresources: {x: 1}"}',
          b'{"config": 1, "group": [], "inputs": "x"}', b'{"server_id": null, "config_id": "x"}',
          b"x" * 5000, json.dumps({"a" * 50: [1] * 50}).encode())
CONTENT_TYPES = (None, "application/json", "text/plain", "application/x-www-form-urlencoded",
                 "multipart/form-data; boundary=x", "application/json; charset=utf-16")


@dataclass
class FuzzTarget:
    """What the generator may use: a client per service and the valid values it splices in."""

    clients: dict
    token: str
    project: str
    account: str
    container: str
    obj: str
    temp_urls: list = field(default_factory=list)

    @classmethod
    def in_process(cls, undercloud) -> "FuzzTarget":
        clients = {s: Client(undercloud.wsgi_app(s, control=False)) for s in undercloud.services}
        project = undercloud.keystone.admin_project_id
        token = undercloud.keystone.issue_token_for_fuzz() if hasattr(
            undercloud.keystone, "issue_token_for_fuzz") else _password_token(clients["keystone"], undercloud)
        account = f"AUTH_{project}"
        undercloud.swift.put_container(account, "c")
        undercloud.swift.put_object(account, "c", "o", b'{"deployments": []}')
        urls = [undercloud.swift.temp_url(m, account, "c", "o") for m in ("GET", "PUT", "HEAD")]
        return cls(clients, token, project, account, "c", "o", urls)


def _password_token(keystone: Client, undercloud) -> str:
    answer = keystone.post("/v3/auth/tokens", json={"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": undercloud.username, "domain": {"name": "Default"},
            "password": undercloud.password}}},
        "scope": {"project": {"name": undercloud.project_name, "domain": {"name": "Default"}}}}})
    if answer.status_code != 201:
        raise RuntimeError(f"could not get a token from the fake keystone: {answer.status_code}")
    return answer.headers["X-Subject-Token"]


@dataclass(frozen=True)
class FuzzRequest:
    service: str
    method: str
    path: str
    query: str
    headers: tuple
    body: bytes

    def describe(self) -> str:
        return f"{self.service} {self.method} {self.path}?{self.query} headers={dict(self.headers)} body={self.body[:80]!r}"


def random_request(rng: random.Random, target: FuzzTarget) -> FuzzRequest:
    service = rng.choice(sorted(ROUTES))
    if service == "swift" and target.temp_urls and rng.random() < 0.3:
        path, _, query = _mangled_temp_url(rng, rng.choice(target.temp_urls)).partition("?")
    else:
        path = _fill(rng, rng.choice(ROUTES[service]), target)
        query = _query(rng)
    headers = []
    token = rng.choice((None, target.token, target.token, "bogus", target.token[:-2] + "xx", ""))
    if token is not None:
        headers.append(("X-Auth-Token", token))
    content_type = rng.choice(CONTENT_TYPES)
    if content_type:
        headers.append(("Content-Type", content_type))
    for name in rng.sample(("X-Subject-Token", "X-Container-Meta-Temp-Url-Key", "X-Object-Meta-A",
                            "Range", "If-None-Match", "X-Openstack-Request-Id", "Accept"), rng.randint(0, 2)):
        headers.append((name, rng.choice(GARBAGE[:12]).replace("%", "")))
    body = rng.choice(BODIES) if rng.random() < 0.6 else bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64)))
    return FuzzRequest(service, rng.choice(METHODS), path, query, tuple(headers), body)


def _fill(rng, route: str, target: FuzzTarget) -> str:
    values = {"p": (target.project, rng.choice(GARBAGE)), "a": (target.account, "AUTH_" + rng.choice(GARBAGE)),
              "c": (target.container, rng.choice(GARBAGE)), "o": (target.obj, rng.choice(GARBAGE))}
    path = route
    for key, (good, bad) in values.items():
        path = path.replace("{" + key + "}", good if rng.random() < 0.7 else bad)
    while "{x}" in path:
        path = path.replace("{x}", rng.choice(GARBAGE) or "x", 1)
    return path


def _query(rng) -> str:
    keys = ("limit", "marker", "sort_keys", "sort_dir", "nested_depth", "with_detail", "format",
            "temp_url_sig", "temp_url_expires", "filename", "prefix", "resolve_outputs", "x")
    return "&".join(f"{rng.choice(keys)}={quote(rng.choice(GARBAGE), safe='%')}"
                    for _ in range(rng.randint(0, 3)))


def _mangled_temp_url(rng, url: str) -> str:
    """A real temp URL, sometimes intact (must work with its method), sometimes damaged."""
    choice = rng.randint(0, 4)
    if choice == 0:
        return url
    if choice == 1:
        return url.replace("temp_url_sig=", "temp_url_sig=0")
    if choice == 2:
        return url.replace("temp_url_expires=", "temp_url_expires=" + rng.choice(("-", "1", "abc", "9" * 30)))
    if choice == 3:
        return url + "&" + _query(rng)
    return url.split("?")[0] + "?temp_url_sig=" + rng.choice(GARBAGE) + "&temp_url_expires=" + rng.choice(GARBAGE)


# Bugs of the fakes that fuzzing found and that are not fixed yet (the fakes are not this
# module's): such an answer is counted under `known`, not `problems`; each has an xfail test
# in tests/unit/test_fuzz_fakes.py so that its fix is noticed.
# Known 5xx bugs of the fakes, by name -> a predicate on the request; fixed ones are removed.
KNOWN_BUGS: dict = {}


def known_bug(request: FuzzRequest, status: int) -> str | None:
    if status < 500:
        return None
    return next((name for name, matches in KNOWN_BUGS.items() if matches(request)), None)


def problems_of(request: FuzzRequest, status: int, body: bytes) -> list[str]:
    found = []
    if status >= 500:
        found.append(f"{status} for {request.describe()}")
    if b"Traceback" in body or b'File "/' in body:
        found.append(f"traceback in the body for {request.describe()}")
    return found


@dataclass
class FuzzStats:
    requests: int = 0
    statuses: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    known: dict = field(default_factory=dict)   # known bug name -> hits

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def send(target: FuzzTarget, request: FuzzRequest):
    client = target.clients[request.service]
    response = client.open(request.path, method=request.method, query_string=request.query,
                           headers=list(request.headers), data=request.body)
    return response.status_code, response.get_data()


def still_answers(target: FuzzTarget, sender=send) -> list[str]:
    """Each service answers its root (or version document) with no 5xx after the barrage."""
    return [f"{service} answered {status} to GET / after fuzzing"
            for service in target.clients
            for status in [sender(target, FuzzRequest(service, "GET", "/", "", (), b""))[0]]
            if status >= 500]


def fuzz(target: FuzzTarget, requests: int, seed: int = 0, sender=send) -> FuzzStats:
    rng, stats = random.Random(seed), FuzzStats()
    for _ in range(requests):
        request = random_request(rng, target)
        status, body = sender(target, request)
        stats.requests += 1
        stats.statuses[status] = stats.statuses.get(status, 0) + 1
        bug = known_bug(request, status)
        if bug:
            stats.known[bug] = stats.known.get(bug, 0) + 1
        else:
            stats.problems += problems_of(request, status, body)
    stats.problems += still_answers(target, sender)
    return stats
