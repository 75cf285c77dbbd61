"""Backends are chosen by name or URL scheme from one registry."""
from __future__ import annotations

import importlib

import pytest

from harness.nodes import BACKENDS, node_backend, node_from_url
from harness.nodes.base import NodeBackend
from harness.nodes.errors import UnknownBackend


@pytest.mark.parametrize("name", sorted(BACKENDS))
def test_every_registry_entry_imports_and_is_named_by_its_key(name):
    module_name, class_name = BACKENDS[name].split(":")
    backend_class = getattr(importlib.import_module(module_name), class_name)
    assert issubclass(backend_class, NodeBackend)
    assert backend_class.NAME == name


def test_name_and_url_scheme_select_the_same_backend():
    assert node_backend("docker") is node_backend("docker://th-r1-compute-0")


def test_unknown_scheme_lists_the_known_ones():
    with pytest.raises(UnknownBackend) as caught:
        node_backend("lxd://box")
    assert "'lxd'" in str(caught.value) and "docker" in str(caught.value)


def test_url_without_scheme_is_refused():
    with pytest.raises(UnknownBackend, match="docker://"):
        node_from_url("th-r1-compute-0")
