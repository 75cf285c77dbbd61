"""The host side: wheels for the image's Python, heat-agents from its sdist, cached."""
from __future__ import annotations

import io
import subprocess
import sys
import tarfile

import pytest

from harness.image import recipe as r
from harness.image import wheels
from harness.image.errors import WheelFetchFailed


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_download_targets_the_images_python_not_the_hosts(tmp_path):
    command = wheels.download_command(r.Recipe(), tmp_path)
    joined = " ".join(command)
    assert "--only-binary=:all:" in command
    assert f"--python-version {r.IMAGE_PYTHON_VERSION}" in joined
    assert "--abi cp311" in joined and "--platform manylinux2014_x86_64" in joined
    assert command[-len(r.VENV_PACKAGES):] == r.Recipe().venv_requirements()
    assert "tripleo-harness/pip" in joined  # the pip cache lives under ~/.cache/tripleo-harness


def test_wheelhouse_is_fetched_once_then_reused(cache_home):
    calls = []

    def run(command, **kwargs):
        calls.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    first = wheels.wheelhouse(r.Recipe(), run=run)
    second = wheels.wheelhouse(r.Recipe(), run=run)
    assert first == second and first.is_relative_to(cache_home / "tripleo-harness")
    assert len(calls) == 1


def test_sdist_only_requirement_on_another_python_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(sys, "version_info", (3, 12, 0))

    def run(command, **kwargs):
        return subprocess.CompletedProcess(command, 1, "", "ERROR: No matching distribution found for x")

    with pytest.raises(WheelFetchFailed) as caught:
        wheels.wheelhouse(r.Recipe(), run=run)
    assert "Python 3.12" in str(caught.value) and "Python 3.11 interpreter" in str(caught.value)


def test_sdist_only_requirement_is_built_on_a_matching_host(monkeypatch):
    monkeypatch.setattr(sys, "version_info", (3, 11, 2))
    commands = []

    def run(command, **kwargs):
        commands.append(command)
        return subprocess.CompletedProcess(command, 1 if "download" in command else 0, "", "no wheel")

    wheels.wheelhouse(r.Recipe(), run=run)
    assert "wheel" in commands[1] and "--wheel-dir" in commands[1]


def _fake_sdist(directory, version):
    directory.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO(b"#!/bin/bash\nexec os-apply-config\n")
    info = tarfile.TarInfo(f"heat_agents-{version}/heat-config/os-refresh-config/configure.d/20-os-apply-config")
    info.size = len(buffer.getvalue())
    with tarfile.open(directory / f"heat_agents-{version}.tar.gz", "w:gz") as archive:
        archive.addfile(info, buffer)


def test_heat_agents_comes_from_the_source_distribution(tmp_path, cache_home):
    version = r.DEFAULT_PINS["heat-agents"]
    downloads = []

    def run(command, **kwargs):
        downloads.append(command)
        _fake_sdist(cache_home / "tripleo-harness" / "sdist" / f"heat-agents-{version}", version)
        return subprocess.CompletedProcess(command, 0, "", "")

    tree = wheels.heat_agents_tree(r.Recipe(), tmp_path / "a", run=run)
    assert (tree / "heat-config/os-refresh-config/configure.d/20-os-apply-config").is_file()
    assert "--no-binary" in downloads[0] and f"heat-agents=={version}" in downloads[0]
    wheels.heat_agents_tree(r.Recipe(), tmp_path / "b", run=run)  # cached: no second download
    assert len(downloads) == 1


def test_heat_agents_download_failure_names_the_pin(tmp_path):
    def run(command, **kwargs):
        return subprocess.CompletedProcess(command, 1, "", "No matching distribution found")

    with pytest.raises(WheelFetchFailed, match="--pin heat-agents=VERSION"):
        wheels.heat_agents_tree(r.Recipe(pins={**r.DEFAULT_PINS, "heat-agents": "0.0.0"}), tmp_path, run=run)
