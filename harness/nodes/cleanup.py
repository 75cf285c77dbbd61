"""Clean-up that cannot be skipped: labels, owner checks, reaping, the keep policy, guards.

Everything the harness creates in the engine carries `tripleo-harness.run=<run-id>` and the
owner labels below; removal only ever selects by those labels, so nothing unlabelled is touched.
A run is removed on success, failure, exception, Ctrl-C and SIGTERM (context manager + signal
handlers + atexit); a run whose owner died (SIGKILL, power loss) is reaped by the next run.
"""
from __future__ import annotations

import atexit
import contextlib
import datetime
import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from harness.nodes.run import Owner, Run, boot_id, is_kept, remove_state

LABEL_RUN = "tripleo-harness.run"
LABEL_PID = "tripleo-harness.owner.pid"
LABEL_HOST = "tripleo-harness.owner.host"
LABEL_BOOT = "tripleo-harness.owner.boot-id"
LABEL_STARTED = "tripleo-harness.owner.started"
LABEL_STATE = "tripleo-harness.state-dir"


def run_labels(run: Run) -> dict[str, str]:
    owner = run.owner
    return {LABEL_RUN: run.run_id, LABEL_PID: str(owner.pid), LABEL_HOST: owner.host,
            LABEL_BOOT: owner.boot_id, LABEL_STARTED: owner.started,
            LABEL_STATE: str(run.state_dir)}


def owner_from_labels(labels: dict[str, str]) -> Owner:
    return Owner(int(labels.get(LABEL_PID) or 0), labels.get(LABEL_HOST, ""),
                 labels.get(LABEL_BOOT, ""), labels.get(LABEL_STARTED, ""))


def owner_alive(owner: Owner, here: Owner | None = None) -> bool:
    """Is the process that started the run still there? Unknown hosts count as alive."""
    here = here or Owner.current()
    if owner.boot_id != here.boot_id:
        return False  # the machine rebooted since: every process of that run is gone
    if owner.host != here.host:
        return True  # same kernel, other name (e.g. a container sharing the engine): not ours
    return _pid_alive(owner.pid) and not _pid_reused(owner)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid_reused(owner: Owner) -> bool:
    """True when the pid now belongs to a process that started after the run did."""
    started = _process_start(owner.pid)
    try:
        run_started = datetime.datetime.fromisoformat(owner.started).timestamp()
    except ValueError:
        return False
    return started is not None and started > run_started + 1


def _process_start(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        btime = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                     if line.startswith("btime "))
        return btime + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, StopIteration, ValueError):
        return None


def labelled_runs(client) -> dict[str, dict[str, str]]:
    """run id -> labels of one of its objects, for every labelled container and network."""
    runs: dict[str, dict[str, str]] = {}
    selector = {"label": LABEL_RUN}
    for obj in [*client.containers.list(all=True, filters=selector, ignore_removed=True),
                *client.networks.list(filters=selector)]:
        labels = obj.attrs.get("Labels") or obj.attrs.get("Config", {}).get("Labels") or {}
        runs.setdefault(labels[LABEL_RUN], labels)
    return runs


def remove_run(client, run_id: str) -> int:
    """Remove the run's containers, then its networks, then its state dir. Returns the count."""
    selector = {"label": f"{LABEL_RUN}={run_id}"}
    containers = client.containers.list(all=True, filters=selector, ignore_removed=True)
    state_dirs = {(c.labels or {}).get(LABEL_STATE) for c in containers}
    _remove_containers(containers)
    networks = client.networks.list(filters=selector)
    for network in networks:
        state_dirs.add((network.attrs.get("Labels") or {}).get(LABEL_STATE))
        with contextlib.suppress(Exception):  # already gone (a parallel down)
            network.remove()
    for state_dir in state_dirs:
        remove_state(state_dir)
    return len(containers) + len(networks)


def _remove_containers(containers) -> None:
    """In parallel (a 25-node run), or one by one at interpreter exit where no pool may start."""
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(_remove_container, containers))
    except RuntimeError:  # "cannot schedule new futures after interpreter shutdown"
        for container in containers:
            _remove_container(container)


def _remove_container(container) -> None:
    with contextlib.suppress(Exception):  # already gone
        container.remove(force=True, v=True)


def reap_stale(client, stream=sys.stderr) -> list[str]:
    """Remove leftovers of runs whose owner is gone (and that nobody asked to keep)."""
    here, reaped = Owner.current(), []
    for run_id, labels in sorted(labelled_runs(client).items()):
        if LABEL_PID not in labels:
            continue  # no owner recorded (e.g. an image build): nothing to judge it by
        owner = owner_from_labels(labels)
        if is_kept(labels.get(LABEL_STATE)) or owner_alive(owner, here):
            continue
        removed = remove_run(client, run_id)
        reaped.append(run_id)
        print(f"harness: reaped {removed} leftover object(s) of run {run_id} (owner pid "
              f"{owner.pid} on {owner.host} is gone)", file=stream)
    return reaped


@dataclass(frozen=True)
class KeepPolicy:
    """--keep=never|on-failure|always: whether a run's nodes outlive it."""

    mode: str = "never"
    MODES = ("never", "on-failure", "always")

    def __post_init__(self) -> None:
        if self.mode not in self.MODES:
            raise ValueError(f"--keep={self.mode!r} is not one of {', '.join(self.MODES)}")

    def keeps(self, failed: bool) -> bool:
        return self.mode == "always" or (self.mode == "on-failure" and failed)

    @staticmethod
    def notice(run_id: str) -> str:
        return f"harness: kept the nodes of run {run_id}; remove them with `harness down {run_id}`"


_ACTIVE: dict[str, Callable[[], None]] = {}
_LOCK = threading.RLock()
_INSTALLED_IN: list[int] = []  # the pid that installed the handlers (a fork must not inherit)


def register(run_id: str, teardown: Callable[[], None]) -> None:
    with _LOCK:
        _ACTIVE[run_id] = teardown
        if os.getpid() not in _INSTALLED_IN:
            _INSTALLED_IN.append(os.getpid())
            atexit.register(_teardown_all, os.getpid())
            _install_signal_handlers()


def unregister(run_id: str) -> None:
    with _LOCK:
        _ACTIVE.pop(run_id, None)


def _teardown_all(owner_pid: int | None = None) -> None:
    if owner_pid is not None and owner_pid != os.getpid():
        return  # a forked child: the parent owns these runs
    with _LOCK:
        pending = list(_ACTIVE.items())
        _ACTIVE.clear()
    for run_id, teardown in pending:
        try:
            teardown()
        except Exception as error:  # keep going: the other runs must go too
            print(f"harness: clean-up of run {run_id} failed: {error}", file=sys.stderr)


def _install_signal_handlers() -> None:
    """Only the main thread may set handlers (pytest-xdist workers run tests there too)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(signum)
        if previous is signal.SIG_IGN:  # e.g. SIGINT of a background job: keep ignoring it
            continue
        signal.signal(signum, _make_handler(previous))


def _make_handler(previous):
    def handler(signum, frame):
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip it
        try:
            _teardown_all()
        finally:
            signal.signal(signal.SIGINT, old)
        if callable(previous) and previous is not signal.default_int_handler:
            return previous(signum, frame)
        raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")
    return handler


@contextlib.contextmanager
def guarded(run: Run, teardown: Callable[[], None], keep: KeepPolicy = KeepPolicy(),
            stream=sys.stderr) -> Iterator[None]:
    """Tear the run down however the block ends, unless the keep policy says otherwise."""
    register(run.run_id, teardown)
    failed = True
    try:
        yield
        failed = False
    finally:
        unregister(run.run_id)
        if keep.keeps(failed):
            run.mark_kept()
            print(keep.notice(run.run_id), file=stream)
        else:
            teardown()
