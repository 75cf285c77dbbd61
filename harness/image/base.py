"""Stage 1: a Debian root filesystem by debootstrap, imported as `tripleo-harness/base:<hash>`.

Runs on the host as root (debootstrap needs it). The root filesystem is made in a scratch
directory, tidied (no SSH host keys, no machine id, no apt caches: an image never carries
per-machine identity) and imported with the Docker SDK from a tar file.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from harness.image import recipe as r
from harness.image.errors import BuildStepFailed, DebootstrapUnavailable
from harness.image.mirror import Mirror
from harness.image.scratch import remove_scratch
from harness.image.timing import timed

log = logging.getLogger(__name__)

Runner = Callable[..., subprocess.CompletedProcess]
# What debootstrap leaves that must not be in an image: per-machine identity and caches.
PER_MACHINE_GLOBS = ("etc/ssh/ssh_host_*", "var/cache/apt/archives/*.deb", "var/lib/apt/lists/*_*",
                     "var/cache/apt/*.bin", "var/log/*.log", "var/log/apt/*")
BASE_CHANGES = ('CMD ["/sbin/init"]', "ENV container=docker")


def ensure_debootstrap(which: Callable[[str], str | None] = shutil.which,
                       run: Runner = subprocess.run, euid: Callable[[], int] = os.geteuid) -> str:
    """The debootstrap executable, installed with apt-get (update once first) if missing."""
    if euid() != 0:
        raise DebootstrapUnavailable(
            "building the base image runs debootstrap, which needs root (it creates device nodes "
            "and chroots); run `sudo harness image build` once, later builds reuse the image")
    found = which("debootstrap")
    if found:
        return found
    if not which("apt-get"):
        raise DebootstrapUnavailable(
            "debootstrap is not installed and apt-get is not available to install it; "
            "install debootstrap with your package manager and re-run `harness image build`")
    log.info("installing debootstrap with apt-get")
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "debootstrap"]):
        done = run(command, capture_output=True, text=True,
                   env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
        if done.returncode != 0:
            raise DebootstrapUnavailable(
                f"debootstrap is missing and `{' '.join(command)}` failed "
                f"(exit {done.returncode}): {_tail(done.stderr)}; install debootstrap as root "
                "(`apt-get install debootstrap`) and re-run `harness image build`")
    found = which("debootstrap")
    if not found:
        raise DebootstrapUnavailable(
            "apt-get installed debootstrap but it is not on PATH; add /usr/sbin to PATH and re-run")
    return found


def debootstrap_command(debootstrap: str, mirror: Mirror, target: Path,
                        release: str = r.DEBIAN_RELEASE) -> list[str]:
    return [debootstrap, f"--variant={r.DEBOOTSTRAP_VARIANT}",
            f"--include={','.join(r.BASE_PACKAGES)}", release, str(target), mirror.uri]


def build_base(client, recipe: r.Recipe, mirror: Mirror, workdir: Path,
               run: Runner = subprocess.run, timings: dict | None = None) -> str:
    """Debootstrap, tidy, import; returns the base tag."""
    debootstrap = ensure_debootstrap(run=run)
    rootfs = workdir / "rootfs"
    command = debootstrap_command(debootstrap, mirror, rootfs, recipe.release)
    log.info("debootstrap %s from %s (%s)", recipe.release, mirror.uri, mirror.origin)
    with timed(timings, "debootstrap"):
        done = run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildStepFailed(
            f"debootstrap of {recipe.release} from {mirror.uri} (taken from {mirror.origin}) failed "
            f"(exit {done.returncode}): {_tail(done.stdout + done.stderr)}; check the mirror is "
            f"reachable or give another with --mirror")
    with timed(timings, "base-import"):
        tidy_rootfs(rootfs)
        tarball = workdir / "rootfs.tar"
        _tar(rootfs, tarball, run)
        remove_scratch(rootfs)
        import_rootfs(client, tarball, recipe)
        tarball.unlink(missing_ok=True)
    return recipe.base_tag


def tidy_rootfs(rootfs: Path) -> None:
    for pattern in PER_MACHINE_GLOBS:
        for path in rootfs.glob(pattern):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
    # An empty machine-id makes systemd generate one per container at boot.
    (rootfs / "etc/machine-id").write_text("")
    dbus_id = rootfs / "var/lib/dbus/machine-id"
    if dbus_id.exists() or dbus_id.is_symlink():
        dbus_id.unlink()


def import_rootfs(client, tarball: Path, recipe: r.Recipe) -> None:
    repository, tag = recipe.base_tag.split(":")
    labels = [f"LABEL {r.RECIPE_LABEL}={recipe.base_hash()}", f"LABEL {r.STAGE_LABEL}=base",
              f"LABEL {r.VERSION_LABEL_PREFIX}debian={recipe.release}"]
    try:
        client.api.import_image_from_file(str(tarball), repository=repository, tag=tag,
                                          changes=[*BASE_CHANGES, *labels])
    except Exception as error:  # the SDK raises APIError / requests errors
        raise BuildStepFailed(f"docker import of the base root filesystem failed: {error}") from error


def _tar(rootfs: Path, tarball: Path, run: Runner) -> None:
    # tar keeps device nodes, ownership and xattrs exactly (tarfile would need care for each).
    done = run(["tar", "--numeric-owner", "--xattrs", "-C", str(rootfs), "-cf", str(tarball), "."],
               capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildStepFailed(f"packing the root filesystem failed: {_tail(done.stderr)}")


def _tail(text: str, lines: int = 8) -> str:
    return " | ".join(text.strip().splitlines()[-lines:]) or "(no output)"
