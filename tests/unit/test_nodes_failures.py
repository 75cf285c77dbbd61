"""When the machine cannot run pseudo-nodes, each cause gets its own typed error and fix."""
from __future__ import annotations

import docker.errors
import pytest
import requests.exceptions

from harness.nodes import cleanup, docker_node
from harness.nodes.docker import DockerBackend, connect
from harness.nodes.errors import HostLimit, NodeError, EngineUnavailable, ImageMissing, NodeNotReady, SystemdUnsupported
from harness.nodes.run import Run
from test_nodes_fake import FakeDocker


@pytest.fixture
def run(tmp_path):
    run = Run("rtest01", tmp_path / "runs" / "rtest01")
    yield run
    cleanup.unregister(run.run_id)


def _backend(run, client, **kwargs):
    backend = DockerBackend(run, image="pseudo:test", client=client, **kwargs)
    backend.run_options = {"tmpfs": {"/run": ""}, "cgroupns": "host"}
    return backend


def test_no_engine_says_how_to_start_one():
    def factory():
        raise docker.errors.DockerException(
            "Error while fetching server API version: ('Connection aborted.', "
            "FileNotFoundError(2, 'No such file or directory'))")
    with pytest.raises(EngineUnavailable) as caught:
        connect(factory)
    message = str(caught.value)
    assert "systemctl start docker" in message and "dockerd" in message
    assert "Error while fetching server API version" in message


def test_engine_that_does_not_answer_ping_is_unavailable():
    class Silent(FakeDocker):
        def ping(self):
            raise requests.exceptions.ConnectionError("connection refused")
    with pytest.raises(EngineUnavailable, match="connection refused"):
        connect(Silent)


def test_missing_image_says_to_build_it(run):
    with pytest.raises(ImageMissing) as caught:
        DockerBackend(run, image="tripleo-harness/pseudo-node:abc", client=FakeDocker())
    assert "harness image build" in str(caught.value)
    assert "tripleo-harness/pseudo-node:abc" in str(caught.value)


def test_no_image_built_at_all_says_to_build_it(run):
    with pytest.raises(ImageMissing, match="harness image build"):
        DockerBackend(run, client=FakeDocker())


@pytest.fixture
def inotify(monkeypatch):
    """Set what the host's inotify use looks like: (in use, fs.inotify.max_user_instances)."""
    def set_use(used, allowed):
        monkeypatch.setattr(docker_node, "inotify_instances", lambda: (used, allowed))
    set_use(10, 128)
    return set_use


def test_container_that_exits_at_boot_names_cgroups_and_run_options(run, inotify):
    client = FakeDocker(behaviour={"after_start": "exited", "exit_code": 255,
                                   "logs": b"Failed to mount cgroup at /sys/fs/cgroup/systemd"})
    backend = _backend(run, client, ready_timeout=5)
    with pytest.raises(SystemdUnsupported) as caught:
        backend.start(1, role="Compute")
    message = str(caught.value)
    assert "th-rtest01-compute-0" in message
    assert "exit code 255" in message and "Failed to mount cgroup" in message
    assert "cgroup" in message and "'cgroupns': 'host'" in message


def test_used_up_inotify_instances_are_named_with_the_sysctl_to_raise(run, inotify):
    inotify(126, 128)
    client = FakeDocker(behaviour={"after_start": "exited", "exit_code": 255})
    with pytest.raises(HostLimit) as caught:
        _backend(run, client).start(1)
    message = str(caught.value)
    assert "th-rtest01-overcloud-0" in message and "exit code 255" in message
    assert "fs.inotify.max_user_instances=128 is used up (126 in use" in message
    assert "sysctl -w fs.inotify.max_user_instances=1024" in message


def test_systemd_never_reachable_is_reported_as_unsupported(run):
    client = FakeDocker(behaviour={"system": "offline"})
    with pytest.raises(SystemdUnsupported, match="th-rtest01-overcloud-0.*'offline'"):
        _backend(run, client, ready_timeout=0.3).start(1)


def test_systemd_stuck_starting_names_node_and_answer(run):
    client = FakeDocker(behaviour={"system": "starting"})
    with pytest.raises(NodeNotReady) as caught:
        _backend(run, client, ready_timeout=0.3).start(2, role="Controller")
    message = str(caught.value)
    assert "th-rtest01-controller-" in message and "'starting'" in message
    assert "systemctl --failed" in message
    assert caught.value.__notes__ == ["1 more node(s) of 2 failed to boot too"]


def test_exec_on_a_powered_off_node_says_to_power_it_on(run):
    client = FakeDocker()
    node = _backend(run, client).start(1)[0]
    node.container.status = "exited"
    with pytest.raises(NodeError, match="th-rtest01-overcloud-0 is exited.*power it on first"):
        node.exec(["true"])


def test_a_role_that_cannot_name_a_host_is_refused(run):
    with pytest.raises(ValueError, match="role 'compute_node' cannot name a node"):
        _backend(run, FakeDocker()).start(1, role="compute_node")
