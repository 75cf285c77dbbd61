"""The node-backend interface: lifecycle only. Commands go through testinfra.

A backend owns one run's nodes and their network. A node is one pseudo (or real) server:

    backend = DockerBackend(run)
    addresses = backend.plan_addresses(2)       # known before anything starts
    nodes = backend.start(2, role="Compute")    # parallel, returns when systemd is running
    host = testinfra.get_host(nodes[0].testinfra_url)
    backend.teardown()
"""
from __future__ import annotations

import abc
import io
import tarfile
from dataclasses import dataclass


@dataclass(frozen=True)
class ExecResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


@dataclass(frozen=True)
class NodeSpec:
    """What a node will be, decided before it is started."""

    role: str
    index: int
    address: str

    @property
    def hostname(self) -> str:
        return f"{self.role.lower()}-{self.index}"


class Node(abc.ABC):
    """One node of a run. Every method blocks until the engine has done it."""

    name: str
    spec: NodeSpec

    @property
    def role(self) -> str:
        return self.spec.role

    @property
    def index(self) -> int:
        return self.spec.index

    @property
    def hostname(self) -> str:
        return self.spec.hostname

    @property
    def address(self) -> str:
        """The node's address on the run network (stable across reboot and partition)."""
        return self.spec.address

    @property
    @abc.abstractmethod
    def testinfra_url(self) -> str:
        """Give this to `testinfra.get_host()`; the transport is testinfra's."""

    @abc.abstractmethod
    def status(self) -> str:
        """The engine's view: running, exited, created, ..."""

    @abc.abstractmethod
    def exec(self, command: list[str] | str, user: str = "root") -> ExecResult:
        """Run a command on the node (for lifecycle checks; tests use testinfra)."""

    @abc.abstractmethod
    def power_off(self) -> None:
        """A clean shutdown of systemd; the node stays off until power_on()."""

    @abc.abstractmethod
    def power_on(self) -> None:
        """Boot again; returns once systemd answers running/degraded."""

    @abc.abstractmethod
    def reboot(self) -> None:
        """A fresh boot of systemd (new PID 1); returns once it is running again."""

    @abc.abstractmethod
    def partition(self) -> None:
        """Cut the node off the undercloud network, keeping its address for heal()."""

    @abc.abstractmethod
    def heal(self) -> None:
        """Reconnect the node to the undercloud network with the same address."""

    @abc.abstractmethod
    def remove(self) -> None:
        """Destroy the node; idempotent."""

    def journal(self, unit: str) -> str:
        """The unit's journal, as `journalctl -u UNIT --no-pager -o short-iso` prints it."""
        return self.exec(["journalctl", "-u", unit, "--no-pager", "-o", "short-iso"]).stdout

    def boot_marker(self) -> str:
        """Changes on every fresh boot of systemd (its userspace start time)."""
        return self.exec(["systemctl", "show", "-p", "UserspaceTimestampMonotonic"]).stdout.strip()

    def put_file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        """Write a file on the node (parents must exist)."""
        self._put_archive(path.rsplit("/", 1)[0] or "/", _tar_one(path.rsplit("/", 1)[1], data, mode))

    def get_file(self, path: str) -> bytes:
        with tarfile.open(fileobj=io.BytesIO(self._get_archive(path))) as archive:
            member = archive.next()
            extracted = archive.extractfile(member) if member else None
            if extracted is None:
                raise IsADirectoryError(f"{self.name}:{path} is not a regular file")
            return extracted.read()

    def _put_archive(self, directory: str, tar_bytes: bytes) -> None:
        raise NotImplementedError(f"{type(self).__name__} cannot copy files")

    def _get_archive(self, path: str) -> bytes:
        raise NotImplementedError(f"{type(self).__name__} cannot copy files")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.address}>"


class NodeBackend(abc.ABC):
    """The nodes and network of one run. NAME is the registry key and URL scheme."""

    NAME: str

    @abc.abstractmethod
    def plan_addresses(self, count: int) -> list[str]:
        """The addresses the next `count` started nodes will get, in order."""

    @abc.abstractmethod
    def start(self, count: int, role: str = "overcloud") -> list[Node]:
        """Start `count` nodes of `role` in parallel; return when all are ready."""

    @abc.abstractmethod
    def nodes(self) -> list[Node]:
        """The run's nodes, in start order."""

    @abc.abstractmethod
    def teardown(self) -> None:
        """Remove every node and the network of the run; idempotent."""

    @property
    @abc.abstractmethod
    def gateway(self) -> str:
        """The host's address on the run network: where the fake undercloud binds."""

    @classmethod
    @abc.abstractmethod
    def node_from_url(cls, url: str) -> Node:
        """An existing node named by a testinfra-style URL."""


def _tar_one(name: str, data: bytes, mode: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo(name)
        info.size, info.mode = len(data), mode
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
