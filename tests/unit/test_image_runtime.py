"""Run options, the per-run key and the node stage's image configuration."""
from __future__ import annotations

import shutil

import pytest

from harness.image import recipe as r
from harness.image.keys import authorized_keys_volume, make_run_keypair
from harness.image.node import image_changes, image_labels
from harness.image.runtime import RUN_OPTIONS, run_options


def test_run_options_for_cgroup_v1_mount_cgroups_read_only_and_never_privileged():
    options = run_options("1")
    assert options["volumes"]["/sys/fs/cgroup"] == {"bind": "/sys/fs/cgroup", "mode": "ro"}
    assert options["cgroupns"] == "host" and options["privileged"] is False
    assert set(options["tmpfs"]) == {"/run", "/run/lock"}
    assert options["stop_signal"] == "SIGRTMIN+3"
    assert options["environment"] == {"container": "docker"}


def test_run_options_are_copies():
    options = run_options(1)
    options["volumes"]["/x"] = {"bind": "/x"}
    assert "/x" not in RUN_OPTIONS["volumes"]
    assert run_options("2")["cgroupns"] == "private"


def test_image_configuration_carries_recipe_and_versions_but_no_run_label():
    recipe = r.Recipe()
    labels = image_labels(recipe)
    assert labels[r.RECIPE_LABEL] == recipe.node_hash()
    assert labels["tripleo-harness.versions.heat-agents"] == recipe.pins["heat-agents"]
    assert "tripleo-harness.run" not in labels
    changes = image_changes(recipe)
    assert 'CMD ["/sbin/init"]' in changes and "ENV container=docker" in changes
    assert f"LABEL {r.RECIPE_LABEL}={recipe.node_hash()}" in changes


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed on this host")
def test_per_run_keypair_and_its_mount(tmp_path):
    pair = make_run_keypair(tmp_path / "run", comment="th-test")
    assert pair.public_text.startswith("ssh-ed25519 ") and pair.public_text.endswith(" th-test")
    assert pair.private_key.stat().st_mode & 0o077 == 0
    again = make_run_keypair(tmp_path / "run")
    assert again.public_text == pair.public_text  # one key per run
    volume = authorized_keys_volume(pair)
    assert volume == {str(pair.public_key): {"bind": "/etc/ssh/authorized_keys/stack", "mode": "ro"}}
