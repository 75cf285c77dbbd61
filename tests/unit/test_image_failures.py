"""Each reason the machine cannot build the image gives one message naming the cause and the fix."""
from __future__ import annotations

import subprocess

import docker.errors
import pytest
from click.testing import CliRunner

from harness.image import base, build
from harness.image.cli import image
from harness.image.errors import DebootstrapUnavailable, DockerUnavailable, MirrorNotFound


def _unreachable_engine():
    raise docker.errors.DockerException("Error while fetching server API version: "
                                        "('Connection aborted.', FileNotFoundError(2, 'No such file'))")


class _SilentEngine:
    def ping(self):
        raise ConnectionError("connection refused")


@pytest.mark.parametrize("factory", [_unreachable_engine, _SilentEngine])
def test_no_docker_engine(factory):
    with pytest.raises(DockerUnavailable) as caught:
        build.docker_client(factory)
    message = str(caught.value)
    assert message.startswith("no Docker engine answers")
    assert "DOCKER_HOST" in message and "start the engine" in message


def _completed(returncode, stderr=""):
    return subprocess.CompletedProcess([], returncode, stdout="", stderr=stderr)


def test_debootstrap_found_needs_nothing():
    calls = []
    found = base.ensure_debootstrap(euid=lambda: 0, which=lambda name: f"/usr/sbin/{name}", run=calls.append)
    assert found == "/usr/sbin/debootstrap" and calls == []


def test_debootstrap_missing_and_no_apt_get():
    with pytest.raises(DebootstrapUnavailable) as caught:
        base.ensure_debootstrap(euid=lambda: 0, which=lambda name: None)
    assert "apt-get is not available" in str(caught.value)
    assert "install debootstrap" in str(caught.value)


def test_debootstrap_missing_and_apt_get_fails():
    commands = []

    def run(command, **kwargs):
        commands.append(command)
        return _completed(100, "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)")

    which = {"apt-get": "/usr/bin/apt-get"}.get
    with pytest.raises(DebootstrapUnavailable) as caught:
        base.ensure_debootstrap(euid=lambda: 0, which=which, run=run)
    message = str(caught.value)
    assert commands == [["apt-get", "update", "-q"]]  # update once, first; stop at its failure
    assert "Permission denied" in message and "as root" in message


def test_debootstrap_installed_by_apt_get():
    installed = []

    def which(name):
        if name == "debootstrap":
            return "/usr/sbin/debootstrap" if installed else None
        return "/usr/bin/apt-get"

    def run(command, **kwargs):
        if command[1] == "install":
            installed.append(command)
        return _completed(0)

    assert base.ensure_debootstrap(euid=lambda: 0, which=which, run=run) == "/usr/sbin/debootstrap"
    assert installed == [["apt-get", "install", "-y", "-q", "debootstrap"]]


@pytest.mark.parametrize("error", [
    DockerUnavailable("no Docker engine answers (x); start the engine"),
    DebootstrapUnavailable("debootstrap is not installed; install debootstrap"),
    MirrorNotFound("no Debian mirror found in apt's configuration; give one with --mirror"),
])
def test_cli_prints_the_cause_and_exits_non_zero(monkeypatch, error):
    def failing_build(*args, **kwargs):
        raise error

    monkeypatch.setattr(build, "build_image", failing_build)
    result = CliRunner().invoke(image, ["build"])
    assert result.exit_code == 1
    assert str(error).split(";")[0] in result.output
    assert "Traceback" not in result.output


def test_cli_list_without_engine(monkeypatch):
    monkeypatch.setattr(build, "docker_client", lambda: (_ for _ in ()).throw(
        DockerUnavailable("no Docker engine answers (refused); start the engine")))
    result = CliRunner().invoke(image, ["list"])
    assert result.exit_code == 1 and "no Docker engine answers" in result.output


def test_mirror_missing_stops_before_any_debootstrap(monkeypatch, tmp_path):
    """build_image asks for the mirror only when the base must be built, and fails cleanly."""
    class Images:
        def get(self, tag):
            raise docker.errors.ImageNotFound(tag)

    class Client:
        images = Images()

    def no_mirror(release, override):
        raise MirrorNotFound("no Debian mirror found; give one with --mirror")

    monkeypatch.setattr(build, "find_mirror", no_mirror)
    monkeypatch.setattr(build, "build_base", lambda *a: pytest.fail("debootstrap must not run"))
    with pytest.raises(MirrorNotFound):
        build.build_image(client=Client(), workdir=tmp_path)
    assert list(tmp_path.iterdir()) == []  # the scratch directory is gone


def test_scratch_mounts_left_by_an_interrupted_debootstrap_are_found_deepest_first(tmp_path):
    from harness.image.scratch import mounts_under

    root = tmp_path / "th-image-x"
    mountinfo = "\n".join([
        "22 1 0:21 / /proc rw - proc proc rw",
        f"90 1 0:5 / {root}/rootfs/proc rw - proc proc rw",
        f"91 90 0:6 / {root}/rootfs/proc/sys/fs/binfmt_misc rw - binfmt_misc x rw",
        f"92 1 0:7 / {root}/rootfs/sys rw - sysfs sysfs rw",
        f"93 1 0:8 / {root}-other/sys rw - sysfs sysfs rw",
    ])
    assert mounts_under(root, mountinfo) == [
        f"{root}/rootfs/proc/sys/fs/binfmt_misc", f"{root}/rootfs/proc", f"{root}/rootfs/sys"]


def test_scratch_with_a_mount_that_will_not_go_is_left_in_place(tmp_path, monkeypatch):
    from harness.image import scratch

    root = scratch.make_scratch(tmp_path)
    (root / "rootfs").mkdir()
    monkeypatch.setattr(scratch, "mounts_under", lambda path: [f"{path}/rootfs/proc"])
    monkeypatch.setattr(scratch.subprocess, "run", lambda *a, **k: None)
    scratch.remove_scratch(root)
    assert (root / "rootfs").is_dir()
    monkeypatch.setattr(scratch, "mounts_under", lambda path: [])
    scratch.remove_scratch(root)
    assert not root.exists()


def test_debootstrap_needs_root():
    with pytest.raises(DebootstrapUnavailable) as caught:
        base.ensure_debootstrap(euid=lambda: 1000, which=lambda name: "/usr/sbin/debootstrap")
    assert "needs root" in str(caught.value) and "sudo harness image build" in str(caught.value)
