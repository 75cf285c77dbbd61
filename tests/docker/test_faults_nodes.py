"""Node faults on a real pseudo-node (harness/faults/node.py): a SIGKILLed agent is restarted by
systemd (a new MainPID, active again); the disk filler refuses to take the host's disk, fills a
bounded amount when allowed, and is removed again."""
from __future__ import annotations

import time
from types import SimpleNamespace

import docker
import pytest

from harness.faults import apply
from harness.faults.node import FILLER
from harness.nodes import cleanup
from harness.nodes.docker import DockerBackend
from harness.nodes.run import Run
from harness.runner_state import StepFailed

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def image(pytestconfig):
    from harness.image.build import build_image
    from harness.image.errors import ImageBuildError
    if pytestconfig.getoption("--image"):
        return pytestconfig.getoption("--image")
    try:
        return build_image().tag
    except ImageBuildError as error:
        pytest.skip(f"the pseudo-node image is not built and cannot be built here: {error}")


@pytest.fixture
def node_run(image, tmp_path):
    backend = DockerBackend(Run.new(tmp_path), image=image)
    with backend.guarded():
        [node] = backend.start(1, role="Compute")
        logged = []
        run = SimpleNamespace(members={"Compute-0": node}, snapshots={}, echo=logged.append,
                              undercloud=None, logged=logged)
        run.select = lambda selector: [run.members[selector]]
        run.label_of = lambda n: "Compute-0"
        yield run, node
    assert docker.from_env().containers.list(
        all=True, filters={"label": f"{cleanup.LABEL_RUN}={backend.run.run_id}"}) == []


def _main_pid(node) -> str:
    return node.exec(["systemctl", "show", "-p", "MainPID", "--value", "os-collect-config"]).stdout.strip()


def test_a_sigkilled_agent_is_restarted_by_systemd(node_run):
    run, node = node_run
    assert node.exec(["systemctl", "start", "os-collect-config"]).ok
    before = _main_pid(node)
    apply(run, SimpleNamespace(args={"kind": "kill_agent", "nodes": "Compute-0"}))
    assert f"pid {before}" in run.logged[-1]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # RestartSec is 100 ms by default; a poll with a deadline
        pid = _main_pid(node)
        if pid not in ("", "0", before):
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"os-collect-config was not restarted within 60 s (MainPID {_main_pid(node)})")
    restarts = node.exec(["systemctl", "show", "-p", "NRestarts", "--value", "os-collect-config"]).stdout
    assert int(restarts.strip() or 0) >= 1


def test_the_disk_filler_is_bounded_and_undone(node_run):
    run, node = node_run
    with pytest.raises(StepFailed, match="max_bytes"):
        apply(run, SimpleNamespace(args={"kind": "fill_disk", "nodes": "Compute-0",
                                         "params": {"max_bytes": 1 << 20}}))
    apply(run, SimpleNamespace(args={"kind": "fill_disk", "nodes": "Compute-0",
                                     "params": {"bytes": 8 << 20, "max_bytes": 16 << 20}}))
    size = node.exec(["stat", "-c", "%s", FILLER])
    assert size.ok and int(size.stdout) == 8 << 20
    apply(run, SimpleNamespace(args={"kind": "free_disk", "nodes": "Compute-0"}))
    assert not node.exec(["test", "-e", FILLER]).ok


def test_the_moment_probes_do_not_match_their_own_shell(node_run):
    """`hook` must not see the probe's own command line (which holds the pattern), and `idle`
    must be true on a node whose agent runs nothing."""
    from harness.faults.node import wait_for_moment
    run, node = node_run
    assert wait_for_moment(run, node, {"when": "idle", "timeout": 30}) == "the agent idle between polls"
    with pytest.raises(StepFailed, match="waited 2s for a heat-config hook running"):
        wait_for_moment(run, node, {"when": "hook", "timeout": 2})
