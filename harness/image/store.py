"""The images this package built, found by label only: listing and pruning older recipes.

Only images labelled `tripleo-harness.image-stage` are ever looked at; prune removes those whose
`tripleo-harness.recipe` is not the current recipe's, and never forces (an image a container still
uses is kept and reported).
"""
from __future__ import annotations

from dataclasses import dataclass

from harness.image import recipe as r


@dataclass(frozen=True)
class StoredImage:
    id: str
    tags: tuple[str, ...]
    stage: str
    recipe: str
    size: int
    created: str
    labels: dict

    @property
    def name(self) -> str:
        return self.tags[0] if self.tags else self.id[7:19]


@dataclass(frozen=True)
class PruneOutcome:
    removed: list[StoredImage]
    kept_in_use: list[tuple[StoredImage, str]]


def harness_images(client) -> list[StoredImage]:
    found = []
    for image in client.images.list(filters={"label": r.STAGE_LABEL}):
        labels = image.labels or {}
        found.append(StoredImage(
            id=image.id, tags=tuple(image.tags), stage=labels.get(r.STAGE_LABEL, "?"),
            recipe=labels.get(r.RECIPE_LABEL, "?"), size=image.attrs.get("Size", 0),
            created=image.attrs.get("Created", "")[:19], labels=labels))
    return sorted(found, key=lambda image: (image.stage, image.created))


def current_hashes(recipe: r.Recipe) -> dict[str, str]:
    return {"base": recipe.base_hash(), "pseudo-node": recipe.node_hash()}


def stale_images(images: list[StoredImage], recipe: r.Recipe) -> list[StoredImage]:
    current = current_hashes(recipe)
    return [image for image in images if current.get(image.stage) != image.recipe]


def prune(client, recipe: r.Recipe, dry_run: bool = False) -> PruneOutcome:
    import docker.errors

    removed, kept = [], []
    for image in stale_images(harness_images(client), recipe):
        if dry_run:
            removed.append(image)
            continue
        try:
            for tag in image.tags or (image.id,):
                client.images.remove(tag, noprune=False)
            removed.append(image)
        except docker.errors.APIError as error:  # 409: a container still uses it
            kept.append((image, getattr(error, "explanation", None) or str(error)))
    return PruneOutcome(removed, kept)
