"""A failing install step on the real engine: a clear error, and no build container left behind."""
from __future__ import annotations

import os
import shutil

import pytest

from harness.image import node
from harness.image import recipe as r
from harness.image.errors import BuildStepFailed

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def client():
    from harness.image.build import docker_client
    from harness.image.errors import DockerUnavailable

    try:
        return docker_client()
    except DockerUnavailable as error:
        pytest.skip(f"no Docker engine answers: {error}")


def test_failed_install_removes_its_labelled_container(client, tmp_path, monkeypatch):
    from harness.image.build import build_image

    recipe = r.make_recipe()
    real_tag = recipe.node_tag
    build_image(recipe, client=client, base_only=True)  # the base stage (cached after the first run)
    files = tmp_path / "files"
    shutil.copytree(r.FILES_DIR, files)
    (files / "install-node.sh").write_text("#!/bin/bash\necho 'simulated install failure' >&2\nexit 3\n")
    monkeypatch.setattr(r, "FILES_DIR", files)
    broken_tag = recipe.node_tag  # the files' digest is part of the tag
    assert broken_tag != real_tag and client.images.list(name=broken_tag) == []
    with pytest.raises(BuildStepFailed) as caught:
        node.build_node(client, recipe, tmp_path / "scratch")
    assert "exit 3" in str(caught.value) and "simulated install failure" in str(caught.value)
    label = f"tripleo-harness.run=image-build-{os.getpid()}"
    assert client.containers.list(all=True, filters={"label": label}) == []
    assert client.images.list(name=broken_tag) == []
