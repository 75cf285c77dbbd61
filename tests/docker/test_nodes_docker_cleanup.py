"""Nothing is left behind: failing tests, SIGTERM, and SIGKILL (reaped by the next run).

Each case runs the harness in a child process on purpose, then inspects the engine by label.
"""
from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import textwrap

import docker
import pytest

from harness.nodes import cleanup
from harness.nodes.docker import DockerBackend
from harness.nodes.run import Run
from test_nodes_docker import pseudo_node_image

pytestmark = pytest.mark.docker

# A child that starts one node, prints the run id, then waits to be killed.
CHILD = """
import sys, time
from harness.nodes.docker import DockerBackend
from harness.nodes.run import Run
backend = DockerBackend(Run.new(), image={image!r})
with backend.guarded():
    backend.start(1)
    print(backend.run.run_id, flush=True)
    time.sleep(600)
"""

FAILING_SESSION = """
import pytest
from harness.nodes.docker import DockerBackend
from harness.nodes.run import Run

@pytest.fixture
def backend():
    backend = DockerBackend(Run.new(), image={image!r})
    with backend.guarded():
        yield backend

def test_passes(backend):
    backend.start(1)
    print("RUN", backend.run.run_id)

def test_fails_mid_run(backend):
    backend.start(1)
    print("RUN", backend.run.run_id)
    assert False, "failing on purpose with nodes up"
"""


@pytest.fixture(scope="module")
def image(pytestconfig):
    return pseudo_node_image(pytestconfig)


@pytest.fixture
def child_env(tmp_path):
    return {**os.environ, "TRIPLEO_HARNESS_HOME": str(tmp_path / "state")}


def _leftovers(run_id: str) -> list[str]:
    client, selector = docker.from_env(), {"label": f"{cleanup.LABEL_RUN}={run_id}"}
    return ([c.name for c in client.containers.list(all=True, filters=selector, ignore_removed=True)]
            + [n.name for n in client.networks.list(filters=selector)])


def _start_child(image, env):
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(image=image)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    run_id = child.stdout.readline().strip()
    if not run_id:
        child.kill()
        pytest.fail(f"child did not start a node: {child.stderr.read()}")
    return child, run_id


def test_a_session_with_a_failing_test_leaves_nothing(image, tmp_path, child_env):
    test_file = tmp_path / "test_child_session.py"
    test_file.write_text(textwrap.dedent(FAILING_SESSION.format(image=image)))
    result = subprocess.run([sys.executable, "-m", "pytest", "-s", "-q", "-p", "no:cacheprovider",
                             str(test_file)], env=child_env, capture_output=True, text=True,
                            timeout=300, cwd=tmp_path)
    assert "1 failed, 1 passed" in result.stdout, result.stdout + result.stderr
    run_ids = re.findall(r"RUN (r[0-9a-f]+)", result.stdout)
    assert len(run_ids) == 2
    for run_id in run_ids:
        assert _leftovers(run_id) == []


def test_sigterm_removes_the_run_before_the_process_ends(image, child_env):
    child, run_id = _start_child(image, child_env)
    assert _leftovers(run_id)  # the node is up
    child.send_signal(signal.SIGTERM)
    _out, err = child.communicate(timeout=120)
    assert "KeyboardInterrupt" in err
    assert _leftovers(run_id) == []


def test_ctrl_c_removes_the_run(image, child_env):
    child, run_id = _start_child(image, child_env)
    child.send_signal(signal.SIGINT)
    child.communicate(timeout=120)
    assert _leftovers(run_id) == []


def test_a_run_killed_with_sigkill_is_reaped_by_the_next_run(image, tmp_path, child_env):
    child, run_id = _start_child(image, child_env)
    child.kill()
    child.communicate(timeout=60)
    assert _leftovers(run_id), "SIGKILL leaves the run behind: nothing could run"

    notices = io.StringIO()
    backend = DockerBackend(Run.new(tmp_path), image=image, stream=notices)
    with backend.guarded():
        backend.plan_addresses(1)  # creating the run network reaps first
    assert _leftovers(run_id) == []
    assert f"run {run_id}" in notices.getvalue() and "is gone" in notices.getvalue()
