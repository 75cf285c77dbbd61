"""The recipe of the pseudo-node image, in one place: Debian release, base packages, agent pins.

The image tags are content hashes of this recipe (and of the files under `files/`), never of the
mirror's state or anything per run, so a second build with the same recipe is a tag lookup.

Pins are overridable per build: `harness image build --pin os-collect-config=14.0.1` or the
environment `HARNESS_IMAGE_PINS="os-collect-config=14.0.1,heat-agents=12.0.0"`.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.image.errors import BadPin

DEBIAN_RELEASE = "bookworm"
DEBOOTSTRAP_VARIANT = "minbase"
# The image's Python (bookworm ships CPython 3.11): the wheelhouse is fetched for it.
IMAGE_PYTHON_VERSION = "3.11"
WHEEL_PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64")

BASE_PACKAGES = (
    "systemd", "systemd-sysv", "dbus", "openssh-server", "sudo", "python3", "python3-venv",
    "iproute2", "iputils-ping", "curl", "ca-certificates", "procps", "jq",
    # en_US.UTF-8 must exist: Python 3.11's locale.getlocale() reports C.UTF-8 as en_US.UTF-8,
    # and os-collect-config's local collector restores that locale after sorting.
    "locales",
)

# The agents installed into the venv (pip names) and heat-agents (its sdist gives the elements).
DEFAULT_PINS = {
    "os-collect-config": "14.1.0",
    "os-refresh-config": "14.1.0",
    "os-apply-config": "14.1.0",
    "dib-utils": "0.0.11",
    "python-heatclient": "5.3.0",
    "heat-agents": "13.0.0",
}
VENV_PACKAGES = ("os-collect-config", "os-refresh-config", "os-apply-config", "dib-utils",
                 "python-heatclient")
ELEMENTS_PACKAGE = "heat-agents"

PINS_ENV = "HARNESS_IMAGE_PINS"
IMAGE_REPOSITORY = "tripleo-harness/pseudo-node"
BASE_REPOSITORY = "tripleo-harness/base"
LABEL_PREFIX = "tripleo-harness"
RECIPE_LABEL = f"{LABEL_PREFIX}.recipe"
STAGE_LABEL = f"{LABEL_PREFIX}.image-stage"
VERSION_LABEL_PREFIX = f"{LABEL_PREFIX}.versions."

# Bump when the build code changes what ends up in an image without changing the data above.
BASE_STEPS_VERSION = 1
NODE_STEPS_VERSION = 2

FILES_DIR = Path(__file__).parent / "files"


@dataclass(frozen=True)
class Recipe:
    """Everything an image's content depends on; its hashes name the images."""

    pins: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_PINS))
    release: str = DEBIAN_RELEASE
    # A separate cache line with the same content (the benchmark's from-nothing builds use one,
    # so they never remove images that running nodes use). Empty for every ordinary build.
    cache_line: str = ""

    def base_hash(self) -> str:
        return _digest(self._keyed({
            "release": self.release, "variant": DEBOOTSTRAP_VARIANT,
            "packages": sorted(BASE_PACKAGES), "steps": BASE_STEPS_VERSION,
        }))

    def node_hash(self) -> str:
        return _digest(self._keyed({
            "base": self.base_hash(), "pins": dict(sorted(self.pins.items())),
            "python": IMAGE_PYTHON_VERSION, "platforms": WHEEL_PLATFORMS,
            "files": files_digest(), "steps": NODE_STEPS_VERSION,
        }))

    def _keyed(self, data: dict) -> dict:
        return {**data, "cache_line": self.cache_line} if self.cache_line else data

    @property
    def base_tag(self) -> str:
        return f"{BASE_REPOSITORY}:{self.base_hash()}"

    @property
    def node_tag(self) -> str:
        return f"{IMAGE_REPOSITORY}:{self.node_hash()}"

    def venv_requirements(self) -> list[str]:
        return [f"{name}=={self.pins[name]}" for name in VENV_PACKAGES]

    def version_labels(self) -> dict[str, str]:
        labels = {f"{VERSION_LABEL_PREFIX}{name}": version for name, version in self.pins.items()}
        labels[f"{VERSION_LABEL_PREFIX}debian"] = self.release
        return labels


def make_recipe(pin_args: Iterable[str] = (), environ: Mapping[str, str] | None = None) -> Recipe:
    """The default recipe with pins overridden by the environment, then by `--pin` arguments."""
    environ = os.environ if environ is None else environ
    pins = dict(DEFAULT_PINS)
    env_value = environ.get(PINS_ENV, "")
    entries = [entry for entry in env_value.split(",") if entry.strip()]
    pins.update(parse_pins(entries, source=PINS_ENV))
    pins.update(parse_pins(pin_args, source="--pin"))
    return Recipe(pins=pins)


def parse_pins(entries: Iterable[str], source: str) -> dict[str, str]:
    parsed = {}
    for entry in entries:
        name, sep, version = entry.strip().partition("=")
        name, version = name.strip(), version.strip().lstrip("=")
        if not sep or not name or not version:
            raise BadPin(f"{source}: {entry!r} is not NAME=VERSION "
                         f"(e.g. os-collect-config={DEFAULT_PINS['os-collect-config']})")
        if name not in DEFAULT_PINS:
            raise BadPin(f"{source}: {name!r} is not a pinned package; "
                         f"pinnable: {', '.join(sorted(DEFAULT_PINS))}")
        parsed[name] = version
    return parsed


def files_digest(root: Path | None = None) -> str:
    """Hash of every file under `files/` (path, mode's exec bit and content)."""
    root = FILES_DIR if root is None else root
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(b"x" if os.access(path, os.X_OK) else b"-")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
