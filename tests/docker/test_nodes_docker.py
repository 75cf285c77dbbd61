"""The docker backend against the real engine: systemd PID 1, static addresses, lifecycle."""
from __future__ import annotations

import re
import subprocess

import docker
import pytest
import testinfra

from harness.nodes import cleanup, keys, node_from_url
from harness.nodes.docker import DockerBackend, resolve_image
from harness.nodes.errors import ImageMissing
from harness.nodes.run import Run

pytestmark = pytest.mark.docker


def pseudo_node_image(config) -> str:
    """--image if given; else build (or reuse) the current recipe's image through harness.image;
    if that build fails, the newest older build; skip only when there is none at all."""
    if config.getoption("--image"):
        return config.getoption("--image")
    from harness.image.build import build_image
    from harness.image.errors import ImageBuildError
    try:
        return build_image().tag
    except ImageBuildError as error:
        try:
            return resolve_image(docker.from_env(), None)
        except ImageMissing:
            pytest.skip(f"the pseudo-node image is not built and cannot be built here: {error}")


@pytest.fixture(scope="module")
def image(pytestconfig):
    return pseudo_node_image(pytestconfig)


@pytest.fixture
def backend(image, tmp_path):
    backend = DockerBackend(Run.new(tmp_path), image=image)
    with backend.guarded():
        yield backend
    assert docker.from_env().containers.list(
        all=True, filters={"label": f"{cleanup.LABEL_RUN}={backend.run.run_id}"}) == []


def _gateway_reachable(node, gateway) -> bool:
    return node.exec(["ping", "-c", "1", "-W", "1", gateway]).ok


def test_two_nodes_run_systemd_at_the_planned_addresses(backend):
    planned = backend.plan_addresses(2)
    nodes = backend.start(2, role="Compute")

    assert [node.address for node in nodes] == planned
    assert [node.name for node in nodes] == [f"th-{backend.run.run_id}-compute-{i}" for i in (0, 1)]
    for node in nodes:
        assert node.status() == "running"
        assert node.exec(["cat", "/proc/1/comm"]).stdout.strip() == "systemd"
        assert node.exec(["systemctl", "is-system-running"]).stdout.strip() in ("running", "degraded")
        host = testinfra.get_host(node.testinfra_url)
        assert host.check_output("hostname") == node.hostname
        assert node.address in host.check_output("ip -4 -o addr show")


def test_containers_and_network_carry_run_and_owner_labels(backend):
    node = backend.start(1)[0]
    client = docker.from_env()
    network = client.networks.get(f"th-{backend.run.run_id}")
    container = client.containers.get(node.name)
    for labels in (container.labels, network.attrs["Labels"]):
        assert labels[cleanup.LABEL_RUN] == backend.run.run_id
        assert cleanup.owner_from_labels(labels) == backend.run.owner
    assert network.attrs["IPAM"]["Config"][0]["Gateway"] == backend.gateway
    assert container.attrs["HostConfig"]["RestartPolicy"]["Name"] in ("", "no")
    assert container.attrs["HostConfig"]["Privileged"] is False


def test_ssh_with_the_run_key_and_known_hosts(backend):
    node = backend.start(1)[0]
    command = keys.ssh_command(backend.keypair, backend.run, node.address).split()
    result = subprocess.run(command[:1] + ["-o", "BatchMode=yes", "-o", "ConnectTimeout=10"]
                            + command[1:] + ["id -un"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "stack"


def test_exec_gives_exit_code_and_both_streams(backend):
    node = backend.start(1)[0]
    result = node.exec("echo out; echo err >&2; exit 3")
    assert (result.exit_code, result.stdout, result.stderr) == (3, "out\n", "err\n")


def test_partition_cuts_the_undercloud_network_and_heal_restores_it(backend):
    node = backend.start(1)[0]
    assert _gateway_reachable(node, backend.gateway)
    node.partition()
    assert not _gateway_reachable(node, backend.gateway)
    node.heal()
    assert _gateway_reachable(node, backend.gateway)
    assert node.address in node.exec("ip -4 -o addr show").stdout


def test_power_off_stays_off_until_power_on(backend):
    node = backend.start(1)[0]
    node.power_off()
    assert node.status() == "exited"
    node.power_on()
    assert node.status() == "running"
    assert node.exec(["systemctl", "is-system-running"]).stdout.strip() in ("running", "degraded")
    assert _gateway_reachable(node, backend.gateway)


def test_reboot_is_a_fresh_boot_of_systemd(backend):
    node = backend.start(1)[0]
    node.put_file("/run/marker", b"before reboot")
    before = node.boot_marker()
    node.reboot()
    assert node.boot_marker() != before
    assert not node.exec(["test", "-e", "/run/marker"]).ok  # /run is a fresh tmpfs
    assert node.address in node.exec("ip -4 -o addr show").stdout


def test_journal_of_a_unit_in_short_iso(backend):
    node = backend.start(1)[0]
    journal = node.journal("ssh")
    assert "Server listening" in journal
    assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} ", journal, re.MULTILINE)


def test_files_go_in_and_come_out(backend):
    node = backend.start(1)[0]
    node.put_file("/tmp/hello.txt", b"hello node\n", mode=0o600)
    assert node.get_file("/tmp/hello.txt") == b"hello node\n"
    assert node.exec(["stat", "-c", "%a", "/tmp/hello.txt"]).stdout.strip() == "600"


def test_node_from_url_finds_a_running_node(backend):
    node = backend.start(1, role="Controller")[0]
    found = node_from_url(node.testinfra_url)
    assert (found.name, found.role, found.index, found.address) == (
        node.name, "Controller", 0, node.address)
    assert found.exec(["hostname"]).stdout.strip() == "controller-0"


def test_roles_are_numbered_separately_and_addresses_continue(backend):
    first = backend.start(1, role="Controller")
    more = backend.start(2, role="Compute")
    assert [n.hostname for n in first + more] == ["controller-0", "compute-0", "compute-1"]
    assert len({n.address for n in backend.nodes()}) == 3
