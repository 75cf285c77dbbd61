"""Clean-up: owner checks, reaping by label only, the keep policy, guards and signals."""
from __future__ import annotations

import dataclasses
import io
import os
import signal
import subprocess
import sys

import pytest

from harness.nodes import cleanup
from harness.nodes.run import Owner, Run
from test_nodes_fake import FakeDocker


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _run(tmp_path, run_id, owner):
    return Run(run_id, tmp_path / "runs" / run_id, owner)


def test_labels_carry_run_and_owner(tmp_path):
    run = _run(tmp_path, "r1", Owner(42, "box", "boot-1", "2026-01-01T00:00:00+00:00"))
    labels = cleanup.run_labels(run)
    assert labels["tripleo-harness.run"] == "r1"
    assert cleanup.owner_from_labels(labels) == run.owner


def test_owner_alive_checks_pid_host_and_boot():
    here = Owner.current()
    assert cleanup.owner_alive(here, here)
    assert not cleanup.owner_alive(dataclasses.replace(here, pid=_dead_pid()), here)
    assert not cleanup.owner_alive(dataclasses.replace(here, boot_id="another-boot"), here)
    # same kernel, other host name: not ours to judge, so it counts as alive
    assert cleanup.owner_alive(dataclasses.replace(here, host="elsewhere", pid=_dead_pid()), here)


def test_a_reused_pid_does_not_keep_a_dead_run_alive():
    here = Owner.current()
    long_ago = dataclasses.replace(here, started="1971-01-01T00:00:00+00:00")
    assert not cleanup.owner_alive(long_ago, here)


def test_reap_removes_only_stale_unkept_runs_and_says_so(tmp_path):
    client, here = FakeDocker(), Owner.current()
    alive = _run(tmp_path, "ralive", here)
    dead = _run(tmp_path, "rdead", dataclasses.replace(here, pid=_dead_pid()))
    kept = _run(tmp_path, "rkept", dataclasses.replace(here, pid=_dead_pid()))
    for run in (alive, dead, kept):
        run.state_dir.mkdir(parents=True)
        client.add_container(f"th-{run.run_id}-compute-0", cleanup.run_labels(run))
        client.networks.create(f"th-{run.run_id}", labels=cleanup.run_labels(run))
    kept.mark_kept()
    client.add_container("someone-elses", {"owner": "not us"})
    client.add_container("th-image-build-1", {"tripleo-harness.run": "image-build-1"})
    stream = io.StringIO()

    assert cleanup.reap_stale(client, stream) == ["rdead"]

    assert set(client.container_map) == {"th-ralive-compute-0", "th-rkept-compute-0",
                                         "someone-elses", "th-image-build-1"}
    assert {n.name for n in client.networks.list()} == {"th-ralive", "th-rkept"}
    assert not dead.state_dir.exists() and kept.state_dir.exists()
    notice = stream.getvalue()
    assert notice.count("\n") == 1 and "rdead" in notice and "reaped 2" in notice


def test_keep_policy_modes_and_notice():
    assert not cleanup.KeepPolicy("never").keeps(failed=True)
    assert cleanup.KeepPolicy("on-failure").keeps(failed=True)
    assert not cleanup.KeepPolicy("on-failure").keeps(failed=False)
    assert cleanup.KeepPolicy("always").keeps(failed=False)
    assert "harness down r123" in cleanup.KeepPolicy.notice("r123")
    with pytest.raises(ValueError, match="never, on-failure, always"):
        cleanup.KeepPolicy("sometimes")


@pytest.mark.parametrize("raised", [RuntimeError("boom"), KeyboardInterrupt()])
def test_guard_tears_down_on_error_and_interrupt(tmp_path, raised):
    torn = []
    run = _run(tmp_path, "rguard", Owner.current())
    with pytest.raises(type(raised)):
        with cleanup.guarded(run, lambda: torn.append(run.run_id), stream=io.StringIO()):
            raise raised
    assert torn == ["rguard"]
    assert "rguard" not in cleanup._ACTIVE


def test_guard_keeps_on_failure_when_asked_and_says_how_to_remove(tmp_path):
    torn, stream = [], io.StringIO()
    run = _run(tmp_path, "rkeep", Owner.current())
    run.state_dir.mkdir(parents=True)
    with pytest.raises(RuntimeError):
        with cleanup.guarded(run, lambda: torn.append(1), cleanup.KeepPolicy("on-failure"), stream):
            raise RuntimeError("scenario failed")
    assert torn == [] and run.is_kept()
    assert "harness down rkeep" in stream.getvalue()


@pytest.fixture
def restored_signals():
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_sigterm_tears_down_then_raises_keyboard_interrupt(tmp_path, restored_signals):
    torn = []
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    cleanup._install_signal_handlers()
    cleanup.register("rsignal", lambda: torn.append("rsignal"))
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGTERM)
    assert torn == ["rsignal"]
    assert "rsignal" not in cleanup._ACTIVE


def test_atexit_teardown_skips_runs_of_another_process():
    torn = []
    cleanup.register("rfork", lambda: torn.append("rfork"))
    cleanup._teardown_all(owner_pid=os.getpid() + 1)
    assert torn == []
    cleanup._teardown_all(owner_pid=os.getpid())
    assert torn == ["rfork"]


def test_an_ignored_signal_stays_ignored(restored_signals):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    cleanup._install_signal_handlers()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
