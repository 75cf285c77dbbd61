"""Typed errors of the node backends: each names what is wrong and how to fix it."""
from __future__ import annotations


class NodeError(Exception):
    """Base of every pseudo-node error."""


class UnknownBackend(NodeError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(
            f"unknown node backend {name!r}; known backends: {', '.join(sorted(known))} "
            f"(use a name or a URL such as docker://<container>)")


class EngineUnavailable(NodeError):
    """No container engine answers."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"no Docker engine answers ({detail}); start it with `systemctl start docker` "
            f"(or run `dockerd` as root) and check that DOCKER_HOST points at it")


class ImageMissing(NodeError):
    def __init__(self, image: str) -> None:
        self.image = image
        super().__init__(
            f"pseudo-node image {image!r} is not in the local Docker engine (nothing can be "
            f"pulled); build it with `harness image build`")


class SystemdUnsupported(NodeError):
    """The engine started the container but systemd could not run as PID 1 in it."""

    def __init__(self, node: str, seen: str, run_options: dict) -> None:
        self.node = node
        super().__init__(
            f"node {node}: systemd did not come up as PID 1 ({seen}). This engine cannot run "
            f"systemd containers with the run options tried {run_options!r}; check the cgroup "
            f"setup (/sys/fs/cgroup must be mountable into containers: cgroup v1 needs the "
            f"'systemd' hierarchy, cgroup v2 needs cgroupns=private) and the Docker cgroup driver")


class HostLimit(NodeError):
    """systemd could not start because a host-wide kernel limit is used up."""

    def __init__(self, node: str, seen: str, limit: str, used: int, allowed: int) -> None:
        self.node = node
        super().__init__(
            f"node {node}: systemd exited at boot ({seen}); the host limit {limit}={allowed} is "
            f"used up ({used} in use; every node's systemd, dbus and logind take some): raise it, "
            f"e.g. `sysctl -w {limit}={max(1024, allowed * 8)}`, or start fewer nodes")


class NodeNotReady(NodeError):
    """systemd runs but the node did not settle within the deadline."""

    def __init__(self, node: str, seen: str, deadline: float,
                 awaited: str = "`systemctl is-system-running` to answer running/degraded") -> None:
        self.node = node
        super().__init__(
            f"node {node}: waited {deadline:.0f}s for {awaited}; last seen: {seen!r} "
            f"(see `systemctl --failed` and `journalctl -b` on the node)")


class NodeGone(NodeError):
    def __init__(self, name: str) -> None:
        super().__init__(f"node {name!r} does not exist (was its run removed with `harness down`?)")


class NoFreeSubnet(NodeError):
    def __init__(self, pool: str) -> None:
        super().__init__(
            f"every /24 of {pool} is taken by a Docker network or a host route; remove old runs "
            f"with `harness down --all` or free some networks")
