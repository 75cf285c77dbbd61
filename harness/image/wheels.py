"""Host side of the agents: a wheelhouse for the IMAGE's Python and the heat-agents source tree.

pip runs on the host (the image build needs no network). Wheels are fetched for CPython
`IMAGE_PYTHON_VERSION` on manylinux x86_64; a package that publishes only an sdist is built into a
wheel on the host, which is only right when the host's Python is the image's (same minor version).
Everything is cached under ~/.cache/tripleo-harness so re-builds do not refetch.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

from harness.image import recipe as r
from harness.image.errors import WheelFetchFailed

log = logging.getLogger(__name__)

Runner = Callable[..., subprocess.CompletedProcess]
COMPLETE_MARKER = ".complete"


def cache_root(environ=os.environ) -> Path:
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tripleo-harness"


def pip_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pip", "--disable-pip-version-check",
            "--cache-dir", str(cache_root() / "pip"), *args]


def wheelhouse(recipe: r.Recipe, run: Runner = subprocess.run) -> Path:
    """A directory of wheels for the venv's requirements (cached per pins)."""
    key = hashlib.sha256(json.dumps(
        [recipe.venv_requirements(), r.IMAGE_PYTHON_VERSION, r.WHEEL_PLATFORMS]).encode()).hexdigest()[:16]
    target = cache_root() / "wheelhouse" / key
    if (target / COMPLETE_MARKER).exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    done = run(download_command(recipe, target), capture_output=True, text=True)
    if done.returncode != 0:
        log.info("binary-only download failed; building missing wheels on the host")
        _build_wheels_on_host(recipe, target, done.stderr, run)
    (target / COMPLETE_MARKER).write_text("\n".join(recipe.venv_requirements()) + "\n")
    return target


def download_command(recipe: r.Recipe, target: Path) -> list[str]:
    platforms = [arg for platform in r.WHEEL_PLATFORMS for arg in ("--platform", platform)]
    abi = "cp" + r.IMAGE_PYTHON_VERSION.replace(".", "")
    return pip_command("download", "--only-binary=:all:", "--python-version", r.IMAGE_PYTHON_VERSION,
                       "--implementation", "cp", "--abi", abi, *platforms,
                       "--dest", str(target), *recipe.venv_requirements())


def _build_wheels_on_host(recipe: r.Recipe, target: Path, why: str, run: Runner) -> None:
    host_python = "%d.%d" % tuple(sys.version_info[:2])
    if host_python != r.IMAGE_PYTHON_VERSION:
        raise WheelFetchFailed(
            f"pip found no wheels for Python {r.IMAGE_PYTHON_VERSION} of some agent requirement "
            f"({_tail(why)}) and this host runs Python {host_python}, so it cannot build them; "
            f"run `harness image build` with a Python {r.IMAGE_PYTHON_VERSION} interpreter or pin "
            "versions that publish wheels (--pin NAME=VERSION)")
    done = run(pip_command("wheel", "--wheel-dir", str(target), *recipe.venv_requirements()),
               capture_output=True, text=True)
    if done.returncode != 0:
        raise WheelFetchFailed(
            f"pip could not fetch or build the agents {', '.join(recipe.venv_requirements())}: "
            f"{_tail(done.stderr)}; check the package index is reachable (pip config) and the pins exist")


def heat_agents_tree(recipe: r.Recipe, dest: Path, run: Runner = subprocess.run) -> Path:
    """The heat-agents source distribution (its elements), unpacked into `dest`.

    The sdist, not the wheel: the wheel on the registry carries none of the elements.
    """
    version = recipe.pins[r.ELEMENTS_PACKAGE]
    sdists = cache_root() / "sdist" / f"{r.ELEMENTS_PACKAGE}-{version}"
    archives = list(sdists.glob("*.tar.gz"))
    if not archives:
        sdists.mkdir(parents=True, exist_ok=True)
        done = run(pip_command("download", "--no-binary", ":all:", "--no-deps", "--dest", str(sdists),
                               f"{r.ELEMENTS_PACKAGE}=={version}"), capture_output=True, text=True)
        archives = list(sdists.glob("*.tar.gz"))
        if done.returncode != 0 or not archives:
            raise WheelFetchFailed(
                f"pip could not download the {r.ELEMENTS_PACKAGE}=={version} source distribution: "
                f"{_tail(done.stderr)}; check the index is reachable and the version exists "
                f"(--pin {r.ELEMENTS_PACKAGE}=VERSION)")
    with tarfile.open(archives[0]) as archive:
        archive.extractall(dest, filter="data")
    (top,) = [p for p in dest.iterdir() if p.is_dir()]
    return top


def _tail(text: str, lines: int = 6) -> str:
    return " | ".join(text.strip().splitlines()[-lines:]) or "(no output)"
