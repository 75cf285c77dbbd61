"""`harness image build | list | prune` on top of fakes of the build and the engine."""
from __future__ import annotations

from click.testing import CliRunner

from harness.image import build
from harness.image import recipe as r
from harness.image.cli import image
from test_image_store import FakeClient, FakeImages, _world


def test_build_prints_the_tag_on_stdout_and_passes_pins_and_mirror(monkeypatch):
    seen = {}

    def fake_build(recipe, mirror=None, base_only=False):
        seen.update(recipe=recipe, mirror=mirror, base_only=base_only)
        return build.BuildResult(recipe.node_tag, recipe.base_tag, True, "sha256:1")

    monkeypatch.setattr(build, "build_image", fake_build)
    result = CliRunner().invoke(image, ["build", "--pin", "dib-utils=0.0.10", "--mirror", "http://m.invalid/d"])
    assert result.exit_code == 0, result.output
    assert seen["recipe"].pins["dib-utils"] == "0.0.10" and seen["mirror"] == "http://m.invalid/d"
    assert result.stdout.strip().endswith(seen["recipe"].node_tag)
    assert "cached" in result.output


def test_list_and_prune_show_only_harness_images(monkeypatch):
    recipe = r.make_recipe()
    images = FakeImages(_world(recipe))
    monkeypatch.setattr(build, "docker_client", lambda: FakeClient(images))
    listed = CliRunner().invoke(image, ["list"])
    assert listed.exit_code == 0, listed.output
    assert recipe.node_tag in listed.output and "someone/else" not in listed.output
    pruned = CliRunner().invoke(image, ["prune"])
    assert pruned.exit_code == 0
    assert "removed tripleo-harness/pseudo-node:old1" in pruned.output
    assert sorted(images.removed) == ["tripleo-harness/pseudo-node:old1", "tripleo-harness/pseudo-node:old2"]
