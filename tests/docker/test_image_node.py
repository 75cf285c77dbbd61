"""The pseudo-node image, checked in fresh containers: systemd, the agents, sshd, the login user.

The image is built (or the cached one reused) through the same code path as `harness image build`.
Every container and network made here carries `tripleo-harness.run=image-test-<pid>` and is
removed in a `finally`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from harness.image import recipe as r
from harness.image.keys import LOGIN_USER, authorized_keys_volume, make_run_keypair
from harness.image.runtime import run_options

pytestmark = pytest.mark.docker

RUN_ID = f"image-test-{os.getpid()}"
LABELS = {"tripleo-harness.run": RUN_ID}
BOOT_DEADLINE_S = 180  # generous: the engine here is often shared with other test runs
ENTRY_POINTS = ("os-collect-config", "os-refresh-config", "os-apply-config", "dib-run-parts",
                "heat-config-notify")
SETTLED_STATES = ("running", "degraded", "maintenance", "stopping")
HOOKS = ("script", "hiera", "json-file", "apply-config")


@pytest.fixture(scope="session")
def client():
    from harness.image.build import docker_client
    from harness.image.errors import DockerUnavailable

    try:
        return docker_client()
    except DockerUnavailable as error:
        pytest.skip(f"no Docker engine answers: {error}")


@pytest.fixture(scope="session")
def built(client):
    from harness.image.build import build_image

    return build_image(client=client)


@pytest.fixture(scope="module")
def network(client):
    net = client.networks.create(f"th-{RUN_ID}", labels=LABELS)
    try:
        yield net
    finally:
        net.remove()


@pytest.fixture(scope="module")
def keypair(tmp_path_factory):
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed on this host")
    return make_run_keypair(tmp_path_factory.mktemp("run"), comment=RUN_ID)


@pytest.fixture(scope="module")
def node(client, built, network, keypair):
    options = run_options(client.info().get("CgroupVersion"))
    options["volumes"].update(authorized_keys_volume(keypair))
    container = client.containers.run(built.tag, detach=True, labels=LABELS, name=f"th-{RUN_ID}-node",
                                      hostname="node-0", network=network.name, **options)
    try:
        yield container
    finally:
        container.remove(force=True)


def sh(container, command: str, user: str = "root") -> tuple[int, str]:
    result = container.exec_run(["/bin/sh", "-c", command], user=user)
    return result.exit_code, result.output.decode(errors="replace").strip()


def wait_for_state(container, deadline_s: float = BOOT_DEADLINE_S) -> str:
    """Poll `systemctl is-system-running` until it settles or the deadline.

    Early answers such as `offline` (systemd not yet reachable), `initializing` and `starting`
    are not settled; `running`, `degraded`, `maintenance` and `stopping` are.
    """
    deadline = time.monotonic() + deadline_s
    state = "(no answer)"
    while time.monotonic() < deadline:
        _, state = sh(container, "systemctl is-system-running")
        if state in SETTLED_STATES:
            return state
        time.sleep(0.25)
    pytest.fail(f"systemd did not settle within {deadline_s} s; last state {state!r}")


def test_systemd_is_running_not_degraded(node):
    state = wait_for_state(node)
    _, failed = sh(node, "systemctl --failed --no-legend --plain")
    assert state == "running", f"system state {state!r}; failed units: {failed or '(none)'}"
    _, pid1 = sh(node, "cat /proc/1/comm")
    assert pid1 == "systemd"


def test_entry_points_resolve_on_the_path_systemd_gives_units(node, built):
    wait_for_state(node)
    lookups = "; ".join(f"command -v {tool}" for tool in ENTRY_POINTS)
    code, out = sh(node, f"systemd-run --wait --pipe --quiet /bin/sh -c '{lookups}; os-collect-config --version'")
    assert code == 0, out
    *paths, version = out.splitlines()
    assert paths == [f"/usr/bin/{tool}" for tool in ENTRY_POINTS]
    assert version == r.make_recipe().pins["os-collect-config"]


def test_agent_service_installed_as_shipped_but_not_enabled(node):
    wait_for_state(node)
    _, shown = sh(node, "systemctl show os-collect-config -p Environment -p ExecStart -p Restart "
                        "-p UnitFileState -p ActiveState")
    assert "Environment=LANG=C.UTF-8" in shown
    assert "path=/usr/bin/os-collect-config" in shown
    assert "Restart=on-failure" in shown
    assert "UnitFileState=disabled" in shown and "ActiveState=inactive" in shown
    _, conf = sh(node, "cat /etc/os-collect-config.conf")
    assert conf.splitlines() == ["[DEFAULT]", "command = os-refresh-config"]


def test_agent_collects_local_metadata_under_the_units_environment(node):
    """The `local` collector sorts under the C locale and restores the unit's (LANG=C.UTF-8)."""
    wait_for_state(node)
    _, environment = sh(node, "systemctl show os-collect-config -p Environment --value")
    sh(node, "mkdir -m 700 -p /var/lib/th-local && echo '{\"answer\": 42}' > /var/lib/th-local/a.json")
    properties = " ".join(f"-p Environment={item}" for item in environment.split())
    code, out = sh(node, f"systemd-run --wait --pipe --quiet {properties} os-collect-config "
                         "--one-time --print --local-path /var/lib/th-local local")
    assert code == 0, out
    assert '"answer": 42' in out


def test_heat_agents_elements_where_rdo_places_them(node):
    layout = {
        "/usr/libexec/os-refresh-config/configure.d/20-os-apply-config": "755",
        "/usr/libexec/os-refresh-config/configure.d/55-heat-config": "755",
        "/usr/libexec/os-apply-config/templates/etc/os-collect-config.conf": "600",
        "/usr/libexec/os-apply-config/templates/var/run/heat-config/heat-config": "600",
        "/usr/bin/heat-config-notify": "755",
        **{f"/usr/libexec/heat-config/hooks/{hook}": "755" for hook in HOOKS},
    }
    code, out = sh(node, "stat -c '%n %a' " + " ".join(layout))
    assert code == 0, out
    assert dict(line.rsplit(" ", 1) for line in out.splitlines()) == layout
    code, out = sh(node, "ls -d /usr/libexec/os-refresh-config/pre-configure.d "
                         "/usr/libexec/os-refresh-config/post-configure.d /usr/libexec/os-refresh-config/migration.d")
    assert code == 0, out


def test_python_hooks_find_their_imports(node):
    scripts = [f"/usr/libexec/heat-config/hooks/{hook}" for hook in HOOKS] + [
        "/usr/libexec/os-refresh-config/configure.d/55-heat-config", "/usr/bin/heat-config-notify"]
    for script in scripts:
        _, shebang = sh(node, f"head -1 {script}")
        interpreter = shebang.removeprefix("#!")
        code, out = sh(node, f"{interpreter} -c 'import yaml, requests, heatclient'")
        assert code == 0, f"{script}: {shebang}: {out}"


def test_sshd_runs_with_host_keys_made_at_boot_not_baked_in(client, node, built):
    wait_for_state(node)
    _, active = sh(node, "systemctl is-active ssh.service ssh-host-keys.service")
    assert active.splitlines() == ["active", "active"]
    code, keys = sh(node, "ls /etc/ssh/ | grep ssh_host_")
    assert keys.split() == ["ssh_host_ed25519_key", "ssh_host_ed25519_key.pub"], keys
    code, out = sh(node, "sshd -t && echo config-ok")
    assert (code, out) == (0, "config-ok")
    in_image = client.containers.run(built.tag, ["/bin/sh", "-c", "ls /etc/ssh/"], remove=True,
                                     labels=LABELS, network_mode="none", entrypoint=[])
    assert b"ssh_host_" not in in_image


def test_login_user_has_passwordless_sudo(node):
    code, out = sh(node, "sudo -n true && echo ok", user=LOGIN_USER)
    assert (code, out) == (0, "ok")


def test_ssh_login_with_the_per_run_key(node, network, keypair, tmp_path):
    wait_for_state(node)
    node.reload()
    address = node.attrs["NetworkSettings"]["Networks"][network.name]["IPAddress"]
    _, host_key = sh(node, "cat /etc/ssh/ssh_host_ed25519_key.pub")
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(f"{address} {' '.join(host_key.split()[:2])}\n")
    result = subprocess.run(
        ["ssh", "-i", str(keypair.private_key), "-o", f"UserKnownHostsFile={known_hosts}",
         "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
         f"{LOGIN_USER}@{address}", "sudo -n true && whoami"],
        capture_output=True, text=True, timeout=30)
    assert (result.returncode, result.stdout.strip()) == (0, LOGIN_USER), result.stderr


def test_image_labels_record_versions_and_recipe_without_a_run_label(client, built):
    labels = client.images.get(built.tag).labels
    recipe = r.make_recipe()
    assert labels[r.RECIPE_LABEL] == recipe.node_hash()
    for name, version in recipe.pins.items():
        assert labels[f"{r.VERSION_LABEL_PREFIX}{name}"] == version
    assert "tripleo-harness.run" not in labels


def test_second_build_is_a_cached_no_op(client, built):
    from harness.image.build import build_image

    again = build_image(client=client)
    assert again.cached and again.tag == built.tag and again.image_id == built.image_id
    ours = f"tripleo-harness.run=image-build-{os.getpid()}"
    assert client.containers.list(all=True, filters={"label": ours}) == []
