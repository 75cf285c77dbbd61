"""The pytest plugin (entry point `tripleo_harness`): options, markers and skip logic in one place."""
from __future__ import annotations

import functools

import pytest

KEEP_CHOICES = ("never", "on-failure", "always")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "deployed-server harness")
    group.addoption("--backend", default="docker", help="pseudo-node backend (registry name or URL scheme)")
    group.addoption("--keep", default="never", choices=KEEP_CHOICES,
                    help="keep pseudo-nodes after a scenario: never, on-failure or always")
    group.addoption("--image", default=None, help="pseudo-node image (default: build or reuse the cached one)")
    group.addoption("--polling-interval", type=int, default=1,
                    help="os-collect-config polling interval on pseudo-nodes, seconds (30 is real timing)")
    group.addoption("--configure-script", default=None,
                    help="external agent configuration script (e.g. get-occ-config.sh) for automatic scenarios")
    group.addoption("--run-slow", action="store_true", default=False,
                    help="also run the long soak and fuzz forms (make test-long)")


def pytest_configure(config: pytest.Config) -> None:
    for line in (
        "docker: needs a Docker engine (select with -m docker)",
        "integration: uses real sockets on loopback",
        "slow: long forms, run by make test-long",
        "fault: fault-injection scenarios",
    ):
        config.addinivalue_line("markers", line)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("slow") and not item.config.getoption("--run-slow"):
        pytest.skip("long form: run with --run-slow (make test-long)")
    if item.get_closest_marker("docker"):
        problem = docker_problem()
        if problem:
            pytest.skip(f"no Docker engine: {problem}")


@functools.lru_cache(maxsize=1)
def docker_problem() -> str | None:
    """Why Docker tests cannot run here, or None when an engine answers."""
    try:
        import docker
    except ImportError:  # pragma: no cover - a dependency of the project
        return "the docker SDK is not installed (pip install docker)"
    try:
        client = docker.from_env(timeout=5)
        client.ping()
    except Exception as error:  # the SDK raises several unrelated types here
        return f"{error} (start one with `dockerd` or `systemctl start docker`)"
    return None
