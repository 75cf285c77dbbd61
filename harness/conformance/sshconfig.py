"""One OpenSSH client configuration per conformance run: connections reused, no prompts.

testinfra's `ssh://` backend runs the `ssh` command with `-F <file>` when --ssh-config is given.
The file written here includes the user's own configuration first (OpenSSH keeps the first
value it reads, so the user's settings win), then adds: BatchMode (a missing key or unknown host
fails at once instead of prompting), ControlMaster/ControlPath (one TCP+auth handshake per host,
every later command rides on it), and the known_hosts file to trust. Host-key checking stays on
unless the user asks for `insecure` (--ssh-insecure).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

CONTROL_PERSIST_SECONDS = 60


def render(control_dir: str, user_config: str | None = None, known_hosts: str | None = None,
           insecure: bool = False) -> str:
    lines = []
    if user_config:
        lines.append(f"Include {os.path.abspath(os.path.expanduser(user_config))}")
    lines += [
        "Host *",
        "  BatchMode yes",
        "  ControlMaster auto",
        f"  ControlPersist {CONTROL_PERSIST_SECONDS}s",
        f"  ControlPath {control_dir}/%C",
        "  ServerAliveInterval 10",
    ]
    if insecure:
        lines += ["  StrictHostKeyChecking no", "  UserKnownHostsFile /dev/null", "  LogLevel ERROR"]
    elif known_hosts:
        lines += [f"  UserKnownHostsFile {os.path.abspath(os.path.expanduser(known_hosts))}",
                  "  StrictHostKeyChecking yes"]
    return "\n".join(lines) + "\n"


def ssh_targets(urls: list[str]) -> list[tuple[str, str]]:
    """(destination, port) of every ssh:// URL, for closing the shared connections."""
    targets = []
    for url in urls:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme in ("ssh", "safe-ssh") and parts.hostname:
            user = f"{parts.username}@" if parts.username else ""
            targets.append((f"{user}{parts.hostname}", str(parts.port or "")))
    return targets


class RunSshConfig:
    """A temporary ssh_config and control-socket directory for one run (a context manager)."""

    def __init__(self, user_config: str | None = None, known_hosts: str | None = None, insecure: bool = False):
        if user_config is None and Path("~/.ssh/config").expanduser().is_file():
            user_config = "~/.ssh/config"  # -F replaces the default file: keep the user's settings
        self.user_config, self.known_hosts, self.insecure = user_config, known_hosts, insecure
        self.directory: str | None = None
        self.path: str | None = None

    def __enter__(self) -> RunSshConfig:
        # short path: a unix socket path must stay under ~100 characters
        self.directory = tempfile.mkdtemp(prefix="thc-", dir="/tmp")
        self.path = os.path.join(self.directory, "ssh_config")
        Path(self.path).write_text(render(self.directory, self.user_config, self.known_hosts, self.insecure))
        return self

    def close_connections(self, urls: list[str]) -> None:
        for destination, port in ssh_targets(urls):
            command = ["ssh", "-F", self.path, "-O", "exit", destination]
            if port:
                command[1:1] = ["-p", port]
            subprocess.run(command, capture_output=True, timeout=10, check=False)

    def __exit__(self, *exc_info) -> None:
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
