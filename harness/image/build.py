"""Build (or reuse) the pseudo-node image: base stage, then node stage, each cached by tag.

`build_image()` is the one code path used by the CLI, the Docker tests and the benchmark. A second
call with the same recipe finds both tags and returns at once (no network, no build).
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from harness.image import recipe as r
from harness.image.base import build_base
from harness.image.errors import DockerUnavailable
from harness.image.mirror import find_mirror
from harness.image.scratch import make_scratch, remove_scratch
from harness.image.wheels import cache_root

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    tag: str
    base_tag: str
    cached: bool  # True when nothing was built
    image_id: str
    timings: dict[str, float] = field(default_factory=dict)  # seconds per build phase


def docker_client(factory: Callable | None = None):
    """A Docker SDK client that has answered a ping, or DockerUnavailable naming the fix."""
    import docker  # imported here so the CLI's --help works without the SDK's import cost

    factory = factory or docker.from_env
    try:
        client = factory()
        client.ping()
    except Exception as error:  # DockerException, requests ConnectionError, PermissionError...
        raise DockerUnavailable(
            f"no Docker engine answers ({error.__class__.__name__}: {error}); start the engine "
            "(e.g. `systemctl start docker` or `dockerd &`) or point DOCKER_HOST at one, then "
            "re-run `harness image build`") from error
    return client


def image_id(client, tag: str) -> str | None:
    """The id of the image tagged `tag`, or None: the whole cache check is this one API call."""
    import docker.errors

    try:
        return client.images.get(tag).id
    except docker.errors.ImageNotFound:
        return None


def build_image(recipe: r.Recipe | None = None, mirror: str | None = None, client=None,
                base_only: bool = False, workdir: Path | None = None) -> BuildResult:
    """The image's tag, built if missing; concurrent builds on this host wait for each other."""
    recipe = recipe or r.make_recipe()
    client = client or docker_client()
    target = recipe.base_tag if base_only else recipe.node_tag
    found = image_id(client, target)
    if found:  # the cached path: no lock, no network, no build
        return BuildResult(target, recipe.base_tag, True, found)
    timings: dict[str, float] = {}
    with _build_lock():
        found = image_id(client, target)
        if found:  # another process built it while we waited
            return BuildResult(target, recipe.base_tag, True, found)
        scratch = make_scratch(workdir)
        try:
            if not image_id(client, recipe.base_tag):
                build_base(client, recipe, find_mirror(recipe.release, mirror), scratch, timings=timings)
            if not base_only:
                from harness.image.node import build_node

                build_node(client, recipe, scratch, timings=timings)
        finally:
            remove_scratch(scratch)
    return BuildResult(target, recipe.base_tag, False, image_id(client, target), timings)


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    """One build at a time on this host (pytest-xdist workers, parallel CLI runs)."""
    path = cache_root() / "build.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
