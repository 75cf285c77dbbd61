"""Stage 2: the agents and the node setup, installed by a container of the base image.

The container has no network and the build context mounted read-only at /mnt; it runs
files/install-node.sh. It carries the label `tripleo-harness.run=image-build-<pid>` and is removed
in a `finally` (also on failure and Ctrl-C). The finished container's file system is then exported and imported as the image (one layer):
a `docker commit` would copy the build container's run label into the image (the engine merges
container labels into a commit), and an image must not carry a run label, since every container
made from it would inherit it. `docker import` cannot set STOPSIGNAL, so SIGRTMIN+3 is a run option
(harness.image.runtime.RUN_OPTIONS), where systemd needs it anyway.
"""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from harness.image import recipe as r
from harness.image.errors import BuildStepFailed
from harness.image.timing import timed
from harness.image.wheels import heat_agents_tree, wheelhouse

log = logging.getLogger(__name__)

RUN_LABEL = "tripleo-harness.run"
BUILD_MOUNT = "/mnt"  # empty in the base image: the mount point leaves nothing in the node image
INSTALL_TIMEOUT_S = 900
IMAGE_ENV = ["container=docker", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]


def build_run_id() -> str:
    return f"image-build-{os.getpid()}"


def prepare_context(recipe: r.Recipe, context: Path) -> Path:
    """wheels/, heat-agents/, files/ and requirements.txt, as install-node.sh expects them."""
    context.mkdir(parents=True, exist_ok=True)
    shutil.copytree(wheelhouse(recipe), context / "wheels", ignore=shutil.ignore_patterns(".complete"))
    tree = heat_agents_tree(recipe, context / "sdist")
    tree.rename(context / "heat-agents")
    shutil.copytree(r.FILES_DIR, context / "files", ignore=shutil.ignore_patterns("__pycache__"))
    (context / "requirements.txt").write_text("\n".join(recipe.venv_requirements()) + "\n")
    return context


def image_labels(recipe: r.Recipe) -> dict[str, str]:
    return {r.RECIPE_LABEL: recipe.node_hash(), r.STAGE_LABEL: "pseudo-node", **recipe.version_labels()}


def image_changes(recipe: r.Recipe) -> list[str]:
    """Dockerfile-style changes applied at import: the image's whole configuration."""
    env = [f"ENV {name}={value}" for name, value in (item.split("=", 1) for item in IMAGE_ENV)]
    labels = [f"LABEL {name}={value}" for name, value in image_labels(recipe).items()]
    return ['CMD ["/sbin/init"]', *env, *labels]


def build_node(client, recipe: r.Recipe, scratch: Path, timings: dict | None = None) -> str:
    with timed(timings, "agents-fetch"):
        context = prepare_context(recipe, scratch / "context")
    repository, tag = recipe.node_tag.split(":")
    container = client.containers.create(
        recipe.base_tag, command=["/bin/bash", f"{BUILD_MOUNT}/files/install-node.sh"],
        labels={RUN_LABEL: build_run_id()}, network_mode="none",
        volumes={str(context): {"bind": BUILD_MOUNT, "mode": "ro"}},
        name=f"th-{build_run_id()}")
    try:
        with timed(timings, "agents-install"):
            container.start()
            status = _wait(container)
        if status.get("StatusCode") != 0:
            output = container.logs().decode(errors="replace").strip().splitlines()[-15:]
            raise BuildStepFailed(
                f"installing the agents in the image failed (exit {status.get('StatusCode')}): "
                + " | ".join(output))
        with timed(timings, "node-import"):
            _export_import(client, container, repository, tag, image_changes(recipe))
    finally:
        container.remove(force=True)
    return recipe.node_tag


def _wait(container) -> dict:
    try:
        return container.wait(timeout=INSTALL_TIMEOUT_S)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as error:  # requests' ReadTimeout, engine errors
        raise BuildStepFailed(f"installing the agents did not finish within {INSTALL_TIMEOUT_S} s "
                              f"({error.__class__.__name__}: {error}); the engine may be overloaded: "
                              "re-run `harness image build -v` when it is quieter") from error


def _export_import(client, container, repository: str, tag: str, changes: list[str]) -> None:
    try:
        stream = container.export(chunk_size=1024 * 1024)
        client.api.import_image_from_stream(stream, repository=repository, tag=tag, changes=changes)
    except Exception as error:  # APIError, connection errors
        raise BuildStepFailed(f"importing the built file system as {repository}:{tag} failed: "
                              f"{error}") from error
