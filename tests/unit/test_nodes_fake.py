"""A fake Docker client for the nodes unit tests (no engine, no sockets), and tests of the fake.

It keeps containers and networks in dicts and applies `label` filters the way the engine does
(`key` or `key=value`), which is what the clean-up code relies on.
"""
from __future__ import annotations

import itertools

import docker.errors

_ids = itertools.count(1)


def _matches(labels: dict, filters: dict | None) -> bool:
    selector = (filters or {}).get("label")
    if selector is None:
        return True
    key, _, value = selector.partition("=")
    return key in labels and (not value or labels[key] == value)


class _Response:
    def __init__(self, status_code):
        self.status_code = status_code


class FakeContainer:
    def __init__(self, client, name, labels, behaviour):
        self.client, self.name, self.labels = client, name, dict(labels)
        self.id = f"c{next(_ids)}"
        self.status = "created"
        self.behaviour = behaviour  # {"after_start": status, "system": answer, "logs": bytes}
        self.attrs = {"Config": {"Labels": self.labels}, "State": {"ExitCode": 0}}
        self.removed = False

    def start(self):
        self.status = self.behaviour.get("after_start", "running")
        if self.status == "exited":
            self.attrs["State"]["ExitCode"] = self.behaviour.get("exit_code", 255)

    def reload(self):
        if self.removed:
            raise docker.errors.NotFound(self.name)

    def exec_run(self, argv, user="root", demux=True):
        if self.status != "running":
            raise docker.errors.APIError(f"Container {self.id} is not running",
                                         response=_Response(409))
        if "is-system-running" in argv:
            answer = self.behaviour.get("system", "running")
            code = 0 if answer == "running" else 1
            return code, ((answer + "\n").encode(), None)
        if "ssh_host_ed25519_key" in " ".join(argv):  # the host key read: an image without sshd
            return 3, (b"", None)
        return 1, (b"", b"fake engine: no such command\n")

    def logs(self, tail=None):
        return self.behaviour.get("logs", b"")

    def remove(self, force=False, v=False):
        self.removed = True
        self.client.container_map.pop(self.name, None)


class FakeNetwork:
    def __init__(self, name, labels, subnet):
        self.name, self.id = name, f"n{next(_ids)}"
        self.attrs = {"Labels": dict(labels or {}), "IPAM": {"Config": [{"Subnet": subnet}]}}
        self.removed = False

    def remove(self):
        self.removed = True


class FakeContainers:
    def __init__(self, client):
        self.client = client

    def create(self, image, name, labels=None, **options):
        self.client.created_options.append(options)
        container = FakeContainer(self.client, name, labels or {}, self.client.behaviour)
        self.client.container_map[name] = container
        return container

    def list(self, all=False, filters=None, ignore_removed=False):
        return [c for c in self.client.container_map.values() if _matches(c.labels, filters)]

    def get(self, name):
        if name not in self.client.container_map:
            raise docker.errors.NotFound(name)
        return self.client.container_map[name]


class FakeNetworks:
    def __init__(self, client):
        self.client = client

    def create(self, name, driver=None, ipam=None, labels=None, check_duplicate=None):
        if self.client.network_failures:
            raise docker.errors.APIError(self.client.network_failures.pop(0))
        subnet = ipam["Config"][0]["Subnet"] if ipam else "172.31.0.0/24"
        network = FakeNetwork(name, labels, subnet)
        self.client.network_map[name] = network
        return network

    def list(self, filters=None, names=None):
        return [n for n in self.client.network_map.values()
                if not n.removed and _matches(n.attrs["Labels"], filters)]

    def get(self, name_or_id):
        for network in self.client.network_map.values():
            if name_or_id in (network.name, network.id):
                return network
        raise docker.errors.NotFound(name_or_id)


class FakeImages:
    def __init__(self, client):
        self.client = client

    def get(self, name):
        if name not in self.client.image_tags:
            raise docker.errors.ImageNotFound(f"No such image: {name}")
        return name

    def list(self, name=None):
        return []


class FakeAPI:
    def create_endpoint_config(self, **config):
        return dict(config)


class FakeDocker:
    """Enough of docker.DockerClient for the nodes code."""

    def __init__(self, images=("pseudo:test",), behaviour=None, network_failures=()):
        self.image_tags = set(images)
        self.behaviour = behaviour or {}
        self.network_failures = list(network_failures)
        self.container_map: dict[str, FakeContainer] = {}
        self.network_map: dict[str, FakeNetwork] = {}
        self.created_options: list[dict] = []
        self.containers, self.networks = FakeContainers(self), FakeNetworks(self)
        self.images, self.api = FakeImages(self), FakeAPI()

    def ping(self):
        return True

    def info(self):
        return {"CgroupVersion": "1"}

    def add_container(self, name, labels, status="running"):
        container = FakeContainer(self, name, labels, {})
        container.status = status
        self.container_map[name] = container
        return container


def test_label_filters_select_by_key_or_key_and_value():
    client = FakeDocker()
    client.add_container("a", {"tripleo-harness.run": "r1"})
    client.add_container("b", {"tripleo-harness.run": "r2"})
    client.add_container("plain", {})
    assert {c.name for c in client.containers.list(filters={"label": "tripleo-harness.run"})} == {"a", "b"}
    assert [c.name for c in client.containers.list(filters={"label": "tripleo-harness.run=r2"})] == ["b"]
    assert len(client.containers.list(all=True)) == 3
