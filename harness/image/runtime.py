"""How to run the pseudo-node image so systemd is PID 1 without --privileged.

Found on this engine (Docker 20.10, cgroup v1, cgroupfs driver, fuse-overlayfs storage):

- `tmpfs` /run and /run/lock: systemd wants fresh runtime directories (sshd's /run/sshd,
  /run/systemd, the journal's socket) on a tmpfs it does not have to mount itself.
- `-v /sys/fs/cgroup:/sys/fs/cgroup:ro` with the host cgroup namespace (the v1 default, set
  explicitly): systemd finds its own cgroup (/docker/<id>) under the bind-mounted hierarchies and
  manages its units below it. Without the mount systemd exits at once (status 255); a private
  cgroup namespace without it fails the same way.
- `container=docker` in the environment (also set in the image): systemd skips what a container
  cannot do and `systemd-detect-virt` says `docker`.
- stop signal SIGRTMIN+3: systemd's "halt" signal (SIGTERM only makes it re-execute), so
  `docker stop` shuts the node down cleanly instead of waiting for the kill. `docker import` cannot
  set STOPSIGNAL in the image, so it is a run option.
- the image masks what cannot work in a container (udev, gettys, kernel file system mounts,
  remount-fs, pstore) and the apt/fstrim/e2scrub timers (files/masked-units.conf), so
  `systemctl is-system-running` reaches `running`, not `degraded`.

RUN_OPTIONS are keyword arguments for the Docker SDK's `containers.run()` / `containers.create()`;
the caller adds `image`, `name`, `labels`, `network`, `hostname`, `detach` and the key mount
(harness.image.keys.authorized_keys_volume). `run_options(cgroup_version)` picks the set for the
engine's cgroup version (`client.info()["CgroupVersion"]`); the cgroup v2 set is the usual one for
systemd containers there (private namespace, writable cgroup2) and was not tested on this machine.
"""
from __future__ import annotations

import copy

STOP_SIGNAL = "SIGRTMIN+3"
STOP_TIMEOUT_S = 10

_COMMON = {
    "tmpfs": {"/run": "rw,nosuid,nodev,mode=755", "/run/lock": "rw,nosuid,nodev,noexec,mode=1777"},
    "environment": {"container": "docker"},
    "stop_signal": STOP_SIGNAL,
    "privileged": False,
}

RUN_OPTIONS = {
    **_COMMON,
    "volumes": {"/sys/fs/cgroup": {"bind": "/sys/fs/cgroup", "mode": "ro"}},
    "cgroupns": "host",
}

RUN_OPTIONS_CGROUP_V2 = {
    **_COMMON,
    "volumes": {"/sys/fs/cgroup": {"bind": "/sys/fs/cgroup", "mode": "rw"}},
    "cgroupns": "private",
}


def run_options(cgroup_version: str | int | None = "1") -> dict:
    """A fresh copy of the run options for the engine's cgroup version ("1" or "2")."""
    chosen = RUN_OPTIONS_CGROUP_V2 if str(cgroup_version) == "2" else RUN_OPTIONS
    return copy.deepcopy(chosen)
