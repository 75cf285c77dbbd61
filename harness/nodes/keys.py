"""The per-run SSH key (in the run's state dir) and the known_hosts written after boot.

The image's `stack` user trusts the run's public key: as the image documents
(harness/image/files/sshd-tripleo-harness.conf), it is bind-mounted read-only at
/etc/ssh/authorized_keys/stack, so no exec is needed. The host keys are made at each node's first
boot (ssh-host-keys.service), so known_hosts is written from each node once it is up.
"""
from __future__ import annotations

import time
from pathlib import Path

from harness.image.keys import LOGIN_USER, KeyPair, authorized_keys_volume, make_run_keypair
from harness.nodes.errors import NodeNotReady
from harness.nodes.run import Run

HOST_KEY = "/etc/ssh/ssh_host_ed25519_key.pub"
SSHD = "/usr/sbin/sshd"
NO_SSHD = 3  # the exit code that says "this image has no sshd"


def run_keypair(run: Run) -> KeyPair:
    """The run's keypair, made once in its state dir by the image's helper."""
    return make_run_keypair(run.ssh_dir, comment=f"tripleo-harness-{run.run_id}")


def ssh_command(keypair: KeyPair, run: Run, address: str) -> str:
    return (f"ssh -i {keypair.private_key} -o UserKnownHostsFile={run.known_hosts} "
            f"{LOGIN_USER}@{address}")


def container_options(keypair: KeyPair) -> dict:
    """Docker create options that give the login user the run's key."""
    return {"volumes": authorized_keys_volume(keypair, LOGIN_USER)}


def merge_options(*option_sets: dict) -> dict:
    """Merge docker create options; dict-valued options (volumes, tmpfs) are merged, not replaced."""
    merged: dict = {}
    for options in option_sets:
        for key, value in options.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            elif isinstance(value, list) and isinstance(merged.get(key), list):
                merged[key] = merged[key] + [item for item in value if item not in merged[key]]
            else:
                merged[key] = value
    return merged


def host_key_line(node, timeout: float = 30.0) -> str | None:
    """`<address> ssh-ed25519 AAAA...` once the node's first boot made its host key; None
    for an image without sshd (it cannot be reached by SSH anyway)."""
    deadline, seen = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        result = node.exec(f"test -x {SSHD} || exit {NO_SSHD}; cat {HOST_KEY}")
        if result.exit_code == NO_SSHD:
            return None
        if result.ok and result.stdout.strip():
            algorithm, key = result.stdout.split()[:2]
            return f"{node.address} {algorithm} {key}"
        seen = result.stderr.strip()
        time.sleep(0.2)
    raise NodeNotReady(node.name, seen, timeout, awaited=f"the host key {HOST_KEY}")


def write_known_hosts(run: Run, lines) -> Path:
    """The run's known_hosts, one line per node that runs sshd."""
    run.known_hosts.write_text("".join(line + "\n" for line in lines if line))
    return run.known_hosts
