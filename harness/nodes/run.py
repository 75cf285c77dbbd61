"""A run: its id, who owns it, and its state directory (.harness/runs/<run-id>/).

The state directory holds what a user needs to reach kept nodes after the run's process is gone:
the per-run SSH key, the known_hosts written after boot, and a `kept` marker that tells the
reaper to leave the run alone until `harness down <run-id>`.
"""
from __future__ import annotations

import datetime
import os
import secrets
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

STATE_ENV = "TRIPLEO_HARNESS_HOME"
KEPT_MARKER = "kept"


def state_root() -> Path:
    """Where run state lives: $TRIPLEO_HARNESS_HOME or ./.harness."""
    return Path(os.environ.get(STATE_ENV) or Path.cwd() / ".harness").resolve()


def new_run_id() -> str:
    """Short, lower-case, valid in container and network names: r + 7 hex digits."""
    return "r" + secrets.token_hex(4)[:7]


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:  # not Linux: the reaper then relies on pid + host only
        return "unknown"


@dataclass(frozen=True)
class Owner:
    """The process that started a run; stored as labels so a crash can be recognised later."""

    pid: int
    host: str
    boot_id: str
    started: str

    @classmethod
    def current(cls) -> "Owner":
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        return cls(os.getpid(), socket.gethostname(), boot_id(), now)


@dataclass
class Run:
    """One run of nodes. `Run.new()` makes the id and the state directory."""

    run_id: str
    state_dir: Path
    owner: Owner = field(default_factory=Owner.current)

    @classmethod
    def new(cls, root: Path | None = None) -> "Run":
        run_id = new_run_id()
        state_dir = (root or state_root()) / "runs" / run_id
        state_dir.mkdir(parents=True, exist_ok=True)
        return cls(run_id, state_dir)

    @property
    def known_hosts(self) -> Path:
        return self.state_dir / "known_hosts"

    @property
    def ssh_dir(self) -> Path:
        return self.state_dir / "ssh"

    def mark_kept(self) -> None:
        (self.state_dir / KEPT_MARKER).write_text(f"kept by pid {os.getpid()}\n")

    def is_kept(self) -> bool:
        return is_kept(self.state_dir)


def is_kept(state_dir: str | Path | None) -> bool:
    return bool(state_dir) and (Path(state_dir) / KEPT_MARKER).exists()


def remove_state(state_dir: str | Path | None) -> None:
    """Delete a run's state directory, but only one that looks like ours (…/runs/<id>)."""
    if state_dir and Path(state_dir).parent.name == "runs":
        shutil.rmtree(state_dir, ignore_errors=True)
