"""The recipe: pins in one place, overridable, and content hashes that name the images."""
from __future__ import annotations

import pytest

from harness.image import recipe as r
from harness.image.errors import BadPin


def test_default_recipe_pins_every_agent_and_heat_agents():
    recipe = r.make_recipe(environ={})
    assert set(recipe.pins) == {*r.VENV_PACKAGES, r.ELEMENTS_PACKAGE}
    assert recipe.venv_requirements()[0] == f"os-collect-config=={r.DEFAULT_PINS['os-collect-config']}"


def test_pin_arguments_override_environment_which_overrides_defaults():
    environ = {r.PINS_ENV: "os-collect-config=13.0.0, heat-agents=12.0.0"}
    recipe = r.make_recipe(["os-collect-config=14.0.1"], environ=environ)
    assert recipe.pins["os-collect-config"] == "14.0.1"
    assert recipe.pins["heat-agents"] == "12.0.0"
    assert recipe.pins["os-apply-config"] == r.DEFAULT_PINS["os-apply-config"]


@pytest.mark.parametrize("entry, expected", [
    ("os-collect-config", "not NAME=VERSION"),
    ("=1.0", "not NAME=VERSION"),
    ("nova=1.0", "'nova' is not a pinned package"),
])
def test_bad_pins_are_named_with_the_fix(entry, expected):
    with pytest.raises(BadPin) as caught:
        r.make_recipe([entry], environ={})
    assert expected in str(caught.value)
    assert "--pin" in str(caught.value)


def test_hashes_are_stable_and_follow_pins_not_the_environment(monkeypatch):
    monkeypatch.setenv("HARNESS_DEBIAN_MIRROR", "http://mirror.invalid/debian")
    default = r.make_recipe(environ={})
    again = r.make_recipe(environ={"HARNESS_DEBIAN_MIRROR": "http://other.invalid/debian"})
    assert default.node_hash() == again.node_hash()
    assert default.base_hash() == again.base_hash()
    pinned = r.make_recipe(["dib-utils=0.0.10"], environ={})
    assert pinned.node_hash() != default.node_hash()
    assert pinned.base_hash() == default.base_hash()  # the base does not depend on agent pins


def test_release_changes_both_hashes():
    default = r.Recipe()
    other = r.Recipe(release="trixie")
    assert other.base_hash() != default.base_hash()
    assert other.node_hash() != default.node_hash()


def test_files_digest_follows_content_and_exec_bit(tmp_path):
    (tmp_path / "a.sh").write_text("echo one\n")
    first = r.files_digest(tmp_path)
    (tmp_path / "a.sh").chmod(0o755)
    second = r.files_digest(tmp_path)
    (tmp_path / "a.sh").write_text("echo two\n")
    assert len({first, second, r.files_digest(tmp_path)}) == 3


def test_tags_and_labels():
    recipe = r.Recipe()
    assert recipe.node_tag == f"tripleo-harness/pseudo-node:{recipe.node_hash()}"
    assert recipe.base_tag == f"tripleo-harness/base:{recipe.base_hash()}"
    labels = recipe.version_labels()
    assert labels["tripleo-harness.versions.os-collect-config"] == recipe.pins["os-collect-config"]
    assert labels["tripleo-harness.versions.debian"] == "bookworm"
