"""tripleo-heat-templates' own deployed-server/scripts/get-occ-config.sh (removed in Train; the
10.6.2 Stein source distribution holds it) configures the agents of deploy-automatic, unchanged,
through `--configure-script`. The script is fetched into a cache at run time, never committed."""
from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from harness.runner import RunOptions, run_scenario
from harness.scenario.loader import load_scenario

pytestmark = pytest.mark.docker

VERSION = "10.6.2"
MEMBER = f"tripleo-heat-templates-{VERSION}/deployed-server/scripts/get-occ-config.sh"
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def cache_dir() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "tripleo-harness" / f"tripleo-heat-templates-{VERSION}"


def _run(command: list[str], **kwargs) -> None:
    completed = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if completed.returncode != 0:
        pytest.skip(f"cannot fetch tripleo-heat-templates {VERSION}: `{' '.join(command[:3])}...` "
                    f"exited {completed.returncode}: {completed.stderr.strip()[-400:]}")


def fetch_get_occ_config() -> Path:
    """The sdist's metadata step needs pbr told the version and setuptools < 58 (its setup.cfg
    uses keys newer setuptools refuse), so pip runs from a small build venv in the cache."""
    cache = cache_dir()
    script = cache / "get-occ-config.sh"
    if script.exists():
        return script
    cache.mkdir(parents=True, exist_ok=True)
    venv = cache / "build-venv"
    if not (venv / "bin" / "pip").exists():
        _run([sys.executable, "-m", "venv", str(venv)])
        _run([str(venv / "bin" / "pip"), "install", "--quiet", "setuptools<58", "wheel", "pbr"])
    sdist = cache / f"tripleo-heat-templates-{VERSION}.tar.gz"
    if not sdist.exists():
        _run([str(venv / "bin" / "pip"), "download", "--quiet", "--no-deps", "--no-binary", ":all:",
              "--no-build-isolation", f"tripleo-heat-templates=={VERSION}", "-d", str(cache)],
             env={**os.environ, "PBR_VERSION": VERSION})
    with tarfile.open(sdist) as archive:
        data = archive.extractfile(MEMBER).read()
    script.write_bytes(data)
    script.chmod(0o755)
    return script


def test_deploy_automatic_reaches_create_complete_with_get_occ_config(tmp_path):
    script = fetch_get_occ_config()
    assert script.read_text().startswith("#!/bin/bash") and "OVERCLOUD_ROLES" in script.read_text()
    outcome = run_scenario(load_scenario(SCENARIOS / "deploy-automatic.yaml"),
                           RunOptions(configure_script=str(script)))
    assert outcome.passed, f"{outcome.message}\nartefacts: {outcome.run_dir}"
    assert outcome.status == "CREATE_COMPLETE"
    log = (outcome.run_dir / "configure-script.log").read_text()
    assert "deployed-server.json configuration" in log
