"""One pseudo-node: a Docker container with systemd as PID 1, driven through the Docker SDK."""
from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import docker.errors

from harness.nodes.base import ExecResult, Node, NodeSpec
from harness.image.runtime import STOP_TIMEOUT_S as STOP_TIMEOUT
from harness.nodes.errors import (HostLimit, NodeError, NodeGone, NodeNotReady,
                                  SystemdUnsupported)

READY_STATES = ("running", "degraded")
INOTIFY_LIMIT = "fs.inotify.max_user_instances"
# Answers that mean systemd is not (yet) reachable as PID 1 at all.
NO_SYSTEMD = ("offline", "unknown", "Failed to connect to bus", "System has not been booted")


class DockerNode(Node):
    """A node in a run; `network` is the run's docker Network object (for partition/heal)."""

    def __init__(self, container, spec: NodeSpec, network=None, run_options: dict | None = None,
                 ready_timeout: float = 180.0) -> None:
        self.container = container
        self.name = container.name
        self.spec = spec
        self.network = network
        self.run_options = run_options or {}
        self.ready_timeout = ready_timeout

    @property
    def testinfra_url(self) -> str:
        return f"docker://{self.name}"

    def status(self) -> str:
        try:
            self.container.reload()
        except docker.errors.NotFound:
            return "removed"
        return self.container.status

    def exec(self, command: list[str] | str, user: str = "root") -> ExecResult:
        argv = ["/bin/sh", "-c", command] if isinstance(command, str) else list(command)
        try:
            exit_code, (stdout, stderr) = self.container.exec_run(argv, user=user, demux=True)
        except docker.errors.NotFound:
            raise NodeGone(self.name) from None
        except docker.errors.APIError as error:  # 409: the container is not running
            if error.status_code != 409:
                raise
            raise NodeError(f"node {self.name} is {self.status()}, cannot run {argv!r} on it; "
                            f"power it on first") from None
        return ExecResult(exit_code, (stdout or b"").decode(errors="replace"),
                          (stderr or b"").decode(errors="replace"))

    def power_off(self) -> None:
        # stop_signal is SIGRTMIN+3 (set at create): systemd halts cleanly; restart policy "no"
        self.container.stop(timeout=STOP_TIMEOUT)

    def power_on(self) -> None:
        self.container.start()
        self.wait_ready()

    def reboot(self) -> None:
        # A container restart is a real fresh boot: new PID 1, fresh /run tmpfs, units started anew.
        self.container.restart(timeout=STOP_TIMEOUT)
        self.wait_ready()

    def partition(self) -> None:
        self.network.disconnect(self.container)

    def heal(self) -> None:
        self.network.connect(self.container, ipv4_address=self.address)

    def remove(self) -> None:
        with contextlib.suppress(docker.errors.NotFound):
            self.container.remove(force=True, v=True)

    def _put_archive(self, directory: str, tar_bytes: bytes) -> None:
        self.container.put_archive(directory, tar_bytes)

    def _get_archive(self, path: str) -> bytes:
        stream, _stat = self.container.get_archive(path)
        return b"".join(stream)

    def wait_ready(self, timeout: float | None = None, poll: float = 0.2) -> None:
        """Wait for `systemctl is-system-running` to say running/degraded, or say what was seen.

        One blocking `--wait` call per node instead of a tight poll: every `docker exec` costs
        CPU that N booting nodes share. Polling only covers the first moments, before systemd's
        bus answers, and states that --wait does not wait through (maintenance, stopping).
        """
        timeout = self.ready_timeout if timeout is None else timeout
        deadline, seen = time.monotonic() + timeout, "nothing yet"
        while (remaining := deadline - time.monotonic()) > 0:
            state = self.status()
            if state != "running":
                raise self._boot_failure(state)
            seen = self._system_state(wait_s=remaining)
            if seen in READY_STATES:
                return
            time.sleep(poll)
        if any(seen.startswith(marker) for marker in NO_SYSTEMD):
            raise SystemdUnsupported(self.name, f"after {timeout:.0f}s systemctl says {seen!r}",
                                     self.run_options)
        raise NodeNotReady(self.name, seen, timeout)

    def _system_state(self, wait_s: float = 0) -> str:
        command = ["systemctl", "is-system-running"]
        if wait_s >= 1:  # coreutils timeout bounds the wait by our deadline
            command = ["timeout", str(int(wait_s)), *command, "--wait"]
        result = self.exec(command)
        if result.exit_code == 124:  # the deadline passed while systemd was still starting
            return self._system_state()
        return (result.stdout.strip() or result.stderr.strip() or f"exit {result.exit_code}")

    def _boot_failure(self, state: str) -> NodeError:
        """Tell a used-up host limit (many nodes) apart from an engine that cannot run systemd."""
        seen = self._exit_description(state)
        used, allowed = inotify_instances()
        if allowed and used >= allowed * 0.9:
            return HostLimit(self.name, seen, INOTIFY_LIMIT, used, allowed)
        return SystemdUnsupported(self.name, seen, self.run_options)

    def _exit_description(self, state: str) -> str:
        attrs = self.container.attrs.get("State", {})
        logs = ""
        with contextlib.suppress(docker.errors.APIError):
            logs = self.container.logs(tail=5).decode(errors="replace").strip()
        return (f"container {state}, exit code {attrs.get('ExitCode')}"
                + (f", last output: {logs[-400:]!r}" if logs else ", no output"))


def inotify_instances() -> tuple[int, int]:
    """(inotify instances open on the host, fs.inotify.max_user_instances); (0, 0) if unknown."""
    try:
        allowed = int(Path(f"/proc/sys/{INOTIFY_LIMIT.replace('.', '/')}").read_text())
    except (OSError, ValueError):
        return 0, 0
    used = 0
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            used += sum(1 for fd in fd_dir.iterdir() if os.readlink(fd) == "anon_inode:inotify")
        except OSError:  # a process that ended meanwhile, or one we may not look into
            continue
    return used, allowed
