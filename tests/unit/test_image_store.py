"""list/prune look only at images labelled by this package and keep the current recipe's."""
from __future__ import annotations

import docker.errors

from harness.image import recipe as r
from harness.image.store import harness_images, prune


class FakeImage:
    def __init__(self, id, tags, labels, created="2026-01-01T00:00:00"):
        self.id, self.tags, self.labels = id, tags, labels
        self.attrs = {"Size": 1000, "Created": created}


class FakeImages:
    def __init__(self, images, in_use=()):
        self.images, self.in_use, self.removed, self.filters = images, set(in_use), [], None

    def list(self, filters):
        self.filters = filters
        key = filters["label"]
        return [image for image in self.images if key in image.labels]

    def remove(self, tag, noprune=False):
        if tag in self.in_use:
            raise docker.errors.APIError("conflict", explanation=f"image {tag} is being used by a container")
        self.removed.append(tag)


class FakeClient:
    def __init__(self, images):
        self.images = images


def _world(recipe):
    node = lambda h: {r.STAGE_LABEL: "pseudo-node", r.RECIPE_LABEL: h}  # noqa: E731
    return [
        FakeImage("sha256:1", [recipe.node_tag], node(recipe.node_hash())),
        FakeImage("sha256:2", ["tripleo-harness/pseudo-node:old1"], node("old1")),
        FakeImage("sha256:3", ["tripleo-harness/pseudo-node:old2"], node("old2")),
        FakeImage("sha256:4", [recipe.base_tag], {r.STAGE_LABEL: "base", r.RECIPE_LABEL: recipe.base_hash()}),
        FakeImage("sha256:5", ["someone/else:latest"], {"maintainer": "x"}),
        FakeImage("sha256:6", ["user/app:1"], {r.RECIPE_LABEL: "foreign"}),  # no stage label: not ours
    ]


def test_prune_removes_only_older_recipes_and_reports_images_in_use():
    recipe = r.Recipe()
    images = FakeImages(_world(recipe), in_use={"tripleo-harness/pseudo-node:old2"})
    outcome = prune(FakeClient(images), recipe)
    assert images.filters == {"label": r.STAGE_LABEL}
    assert images.removed == ["tripleo-harness/pseudo-node:old1"]
    assert [image.name for image, _ in outcome.kept_in_use] == ["tripleo-harness/pseudo-node:old2"]
    assert "being used" in outcome.kept_in_use[0][1]


def test_prune_dry_run_removes_nothing():
    recipe = r.Recipe()
    images = FakeImages(_world(recipe))
    outcome = prune(FakeClient(images), recipe, dry_run=True)
    assert images.removed == []
    assert sorted(image.recipe for image in outcome.removed) == ["old1", "old2"]


def test_listing_reads_stage_and_recipe_from_labels():
    recipe = r.Recipe()
    listed = harness_images(FakeClient(FakeImages(_world(recipe))))
    assert {(image.stage, image.recipe) for image in listed} == {
        ("pseudo-node", recipe.node_hash()), ("pseudo-node", "old1"), ("pseudo-node", "old2"),
        ("base", recipe.base_hash())}
