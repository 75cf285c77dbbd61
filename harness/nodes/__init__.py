"""Pseudo-node backends behind one small interface (harness.nodes.base), chosen by name or scheme.

    backend_class = node_backend("docker")            # or node_backend("docker://th-r1-compute-0")
    node = node_from_url("docker://th-r1-compute-0")  # an existing node
    testinfra.get_host(node.testinfra_url)            # commands go through testinfra

A new backend is one line in BACKENDS: name (= URL scheme = the class's NAME) -> "module:Class".
"""
from __future__ import annotations

import importlib

from harness.nodes.errors import UnknownBackend

BACKENDS = {
    "docker": "harness.nodes.docker:DockerBackend",
}


def node_backend(name_or_url: str):
    """The backend class for a name ("docker") or a URL whose scheme names it ("docker://x")."""
    name = name_or_url.split("://", 1)[0] if "://" in name_or_url else name_or_url
    target = BACKENDS.get(name)
    if target is None:
        raise UnknownBackend(name, list(BACKENDS))
    module_name, class_name = target.split(":")
    return getattr(importlib.import_module(module_name), class_name)


def node_from_url(url: str):
    """An existing node named by a testinfra-style URL, e.g. docker://th-r1a2b3c4-compute-0."""
    if "://" not in url:
        raise UnknownBackend(url, list(BACKENDS))
    return node_backend(url).node_from_url(url)
