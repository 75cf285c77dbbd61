"""The docker backend: one bridge network and N systemd containers per run, via the Docker SDK.

    with DockerBackend(Run.new()) as backend:        # torn down however the block ends
        backend.plan_addresses(2)                    # ['172.30.7.2', '172.30.7.3']
        nodes = backend.start(2, role="Compute")     # th-<run>-compute-0, -1; systemd running
"""
from __future__ import annotations

import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import docker
import docker.errors
import requests.exceptions

from harness.image.recipe import make_recipe
from harness.image.runtime import STOP_SIGNAL, run_options
from harness.nodes import cleanup, keys
from harness.nodes.base import Node, NodeBackend, NodeSpec
from harness.nodes.docker_node import DockerNode
from harness.nodes.errors import EngineUnavailable, ImageMissing, NodeError, NodeGone
from harness.nodes.network import RunNetwork, create_run_network
from harness.nodes.run import Run

IMAGE_REPOSITORY = "tripleo-harness/pseudo-node"
LABEL_ROLE = "tripleo-harness.role"
LABEL_INDEX = "tripleo-harness.index"
LABEL_ADDRESS = "tripleo-harness.address"
DEFAULT_MEMORY = "256m"
ROLE_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9-]*")


def connect(client_factory=docker.from_env):
    """A Docker client that has answered a ping, or EngineUnavailable."""
    try:
        client = client_factory()
        client.ping()
    except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
        raise EngineUnavailable(str(error).splitlines()[0] if str(error) else type(error).__name__) from None
    return client


def systemd_run_options(client) -> dict:
    """The docker run options that make systemd PID 1 work without --privileged (the image's)."""
    return run_options(client.info().get("CgroupVersion", "1"))


def resolve_image(client, image: str | None, stream=sys.stderr) -> str:
    """The image asked for; else the current recipe's build; else the newest older build."""
    if image:
        try:
            client.images.get(image)
        except docker.errors.ImageNotFound:
            raise ImageMissing(image) from None
        return image
    current = make_recipe().node_tag
    builds = [found for found in client.images.list(name=IMAGE_REPOSITORY)
              if any(tag.startswith(IMAGE_REPOSITORY + ":") for tag in found.tags)]
    if not builds:
        raise ImageMissing(current)
    if any(current in found.tags for found in builds):
        return current
    newest = max(builds, key=lambda found: found.attrs.get("Created", ""))
    tag = next(tag for tag in newest.tags if tag.startswith(IMAGE_REPOSITORY + ":"))
    print(f"harness: {current} (the current image recipe) is not built; using the older {tag}; "
          f"run `harness image build` to build the current one", file=stream)
    return tag


class DockerBackend(NodeBackend):
    NAME = "docker"

    def __init__(self, run: Run, image: str | None = None, memory: str = DEFAULT_MEMORY,
                 ready_timeout: float = 180.0, client=None, stream=sys.stderr) -> None:
        self.run = run
        self.client = client or connect()
        self.image = resolve_image(self.client, image, stream)
        self.memory = memory
        self.ready_timeout = ready_timeout
        self.run_options = systemd_run_options(self.client)
        self.labels = cleanup.run_labels(run)
        self.stream = stream
        self._network: RunNetwork | None = None
        self._nodes: list[DockerNode] = []
        self._host_keys: dict[str, str] = {}
        self._planned = 0
        self._lock = threading.Lock()
        self._closing = False
        self.keypair = keys.run_keypair(run)

    @property
    def network(self) -> RunNetwork:
        """The run's bridge, created on first use so addresses can be planned before start()."""
        with self._lock:
            if self._network is None:
                cleanup.register(self.run.run_id, self.teardown)
                cleanup.reap_stale(self.client, self.stream)
                self._network = create_run_network(self.client, f"th-{self.run.run_id}", self.labels)
            return self._network

    @property
    def gateway(self) -> str:
        return self.network.gateway

    def plan_addresses(self, count: int) -> list[str]:
        return [self.network.address(self._planned + offset) for offset in range(count)]

    def nodes(self) -> list[Node]:
        return list(self._nodes)

    def start(self, count: int, role: str = "overcloud") -> list[Node]:
        specs = self._reserve(count, role)
        with ThreadPoolExecutor(max_workers=min(count, 16) or 1) as pool:
            created = list(pool.map(self._create, specs))
            self._nodes.extend(created)
            outcomes = list(pool.map(self._boot, created))
        errors = [error for error in outcomes if error is not None]
        if errors:
            if len(errors) > 1:
                errors[0].add_note(f"{len(errors) - 1} more node(s) of {count} failed to boot too")
            raise errors[0]
        keys.write_known_hosts(self.run, self._host_keys.values())
        return created

    def _reserve(self, count: int, role: str) -> list[NodeSpec]:
        if not ROLE_PATTERN.fullmatch(role):
            raise ValueError(f"role {role!r} cannot name a node: use letters, digits and '-', "
                             f"starting with a letter (e.g. Compute, ControllerDeployedServer)")
        addresses = self.plan_addresses(count)
        first = 1 + max((node.index for node in self._nodes if node.role.lower() == role.lower()),
                        default=-1)
        self._planned += count
        return [NodeSpec(role, first + i, address) for i, address in enumerate(addresses)]

    def _create(self, spec: NodeSpec) -> DockerNode:
        if self._closing:
            raise NodeError(f"run {self.run.run_id} is being torn down; not starting more nodes")
        name = f"th-{self.run.run_id}-{spec.role.lower()}-{spec.index}"
        endpoint = self.client.api.create_endpoint_config(ipv4_address=spec.address)
        labels = {**self.labels, LABEL_ROLE: spec.role, LABEL_INDEX: str(spec.index),
                  LABEL_ADDRESS: spec.address}
        options = keys.merge_options({"stop_signal": STOP_SIGNAL}, self.run_options,
                                     keys.container_options(self.keypair))
        container = self.client.containers.create(
            self.image, name=name, hostname=spec.hostname, detach=True, labels=labels,
            mem_limit=self.memory, restart_policy={"Name": "no"},
            network=self.network.name, networking_config={self.network.name: endpoint}, **options)
        network = self.client.networks.get(self.network.network_id)
        return DockerNode(container, spec, network, options, self.ready_timeout)

    def _boot(self, node: DockerNode) -> Exception | None:
        try:
            node.container.start()
            node.wait_ready()
            # host keys are made at first boot, so only now can they be read
            self._host_keys[node.name] = keys.host_key_line(node)
        except Exception as error:  # reported after every node had its chance
            return error
        return None

    def teardown(self) -> None:
        """Remove everything labelled with this run (also what a killed thread half-made)."""
        self._closing = True
        cleanup.unregister(self.run.run_id)
        cleanup.remove_run(self.client, self.run.run_id)
        self._nodes.clear()

    def guarded(self, keep: cleanup.KeepPolicy = cleanup.KeepPolicy()):
        return cleanup.guarded(self.run, self.teardown, keep, self.stream)

    def __enter__(self) -> "DockerBackend":
        cleanup.register(self.run.run_id, self.teardown)
        return self

    def __exit__(self, *exc_info) -> None:
        self.teardown()

    @classmethod
    def node_from_url(cls, url: str, client=None) -> DockerNode:
        name = url.split("://", 1)[-1].strip("/")
        client = client or connect()
        try:
            container = client.containers.get(name)
        except docker.errors.NotFound:
            raise NodeGone(name) from None
        return node_from_container(client, container)


def node_from_container(client, container) -> DockerNode:
    labels = container.labels or {}
    spec = NodeSpec(labels.get(LABEL_ROLE, "unknown"), int(labels.get(LABEL_INDEX, 0)),
                    labels.get(LABEL_ADDRESS, ""))
    run_id = labels.get(cleanup.LABEL_RUN)
    network = client.networks.get(f"th-{run_id}") if run_id else None
    return DockerNode(container, spec, network)
