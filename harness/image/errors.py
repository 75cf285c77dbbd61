"""Typed errors of the image build: each names the cause and the fix in its message.

The CLI prints `str(error)` and exits non-zero; nothing else needs to know the cause.
"""
from __future__ import annotations


class ImageBuildError(Exception):
    """The pseudo-node image cannot be built on this machine (the message says why and how to fix it)."""


class DockerUnavailable(ImageBuildError):
    """No Docker engine answers."""


class DebootstrapUnavailable(ImageBuildError):
    """debootstrap is missing and could not be installed."""


class MirrorNotFound(ImageBuildError):
    """No Debian mirror could be read from apt's configuration, and none was given."""


class WheelFetchFailed(ImageBuildError):
    """pip could not fetch the agents (or build a wheel for them) on the host."""


class BuildStepFailed(ImageBuildError):
    """A build step (debootstrap, import, the Dockerfile build) failed."""


class BadPin(ImageBuildError):
    """A `--pin` / HARNESS_IMAGE_PINS entry is malformed or names an unknown package."""
