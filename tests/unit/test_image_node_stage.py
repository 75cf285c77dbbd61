"""The node stage's build container: labelled, no network, removed on success, failure and Ctrl-C."""
from __future__ import annotations

import os

import pytest

from harness.image import node
from harness.image import recipe as r
from harness.image.errors import BuildStepFailed


class FakeContainer:
    def __init__(self, status=0, interrupt=False):
        self.status, self.interrupt, self.removed, self.exported = status, interrupt, False, False

    def start(self):
        pass

    def wait(self, timeout):
        if self.interrupt:
            raise KeyboardInterrupt
        return {"StatusCode": self.status}

    def logs(self):
        return b"Collecting os-collect-config\nERROR: No matching distribution found for os-collect-config\n"

    def export(self, chunk_size):
        self.exported = True
        return iter([b"tar"])

    def remove(self, force):
        self.removed = force


class FakeApi:
    def __init__(self):
        self.imports = []

    def import_image_from_stream(self, stream, repository, tag, changes):
        self.imports.append((list(stream), repository, tag, changes))


class FakeContainers:
    def __init__(self, container):
        self.container, self.created = container, None

    def create(self, image, **kwargs):
        self.created = (image, kwargs)
        return self.container


class FakeClient:
    def __init__(self, container):
        self.containers, self.api = FakeContainers(container), FakeApi()


@pytest.fixture(autouse=True)
def no_context(monkeypatch, tmp_path):
    monkeypatch.setattr(node, "prepare_context", lambda recipe, context: tmp_path)


def test_success_imports_the_exported_file_system_and_removes_the_container(tmp_path):
    container = FakeContainer()
    client = FakeClient(container)
    timings = {}
    recipe = r.Recipe()
    assert node.build_node(client, recipe, tmp_path, timings=timings) == recipe.node_tag
    image, kwargs = client.containers.created
    assert image == recipe.base_tag
    assert kwargs["labels"] == {"tripleo-harness.run": f"image-build-{os.getpid()}"}
    assert kwargs["network_mode"] == "none"
    assert kwargs["volumes"] == {str(tmp_path): {"bind": "/mnt", "mode": "ro"}}
    (stream, repository, tag, changes), = client.api.imports
    assert (stream, f"{repository}:{tag}") == ([b"tar"], recipe.node_tag)
    assert f"LABEL {r.RECIPE_LABEL}={recipe.node_hash()}" in changes
    assert container.removed and set(timings) == {"agents-fetch", "agents-install", "node-import"}


def test_failed_install_names_the_output_and_removes_the_container(tmp_path):
    container = FakeContainer(status=1)
    client = FakeClient(container)
    with pytest.raises(BuildStepFailed) as caught:
        node.build_node(client, r.Recipe(), tmp_path)
    assert "exit 1" in str(caught.value) and "No matching distribution" in str(caught.value)
    assert container.removed and not container.exported and client.api.imports == []


def test_ctrl_c_removes_the_container(tmp_path):
    container = FakeContainer(interrupt=True)
    with pytest.raises(KeyboardInterrupt):
        node.build_node(FakeClient(container), r.Recipe(), tmp_path)
    assert container.removed
