"""The pytest plugin (entry point `tripleo_harness`): options, markers, skip logic, scenario
files as test items (`pytest scenarios/`) and the `undercloud`, `nodes`, `overcloud` fixtures.

A YAML file under a directory named `scenarios` is a scenario: one item named after it, with the
file's `markers` applied (and `docker` unless it is refused before any node starts). A schema
error is a collection error naming the file and the key path.
"""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

KEEP_CHOICES = ("never", "on-failure", "always")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "deployed-server harness")
    group.addoption("--backend", default="docker", help="pseudo-node backend (registry name or URL scheme)")
    group.addoption("--keep", default="never", choices=KEEP_CHOICES,
                    help="keep pseudo-nodes after a scenario: never, on-failure or always")
    group.addoption("--image", default=None, help="pseudo-node image (default: build or reuse the cached one)")
    group.addoption("--polling-interval", type=int, default=None,
                    help="os-collect-config polling interval on pseudo-nodes, seconds (default: the "
                    "scenario's, else 1; 30 is real timing)")
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
        "overcloud(roles=..., plan=...): the overcloud the `overcloud` fixtures build",
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


# -- scenario files ---------------------------------------------------------------------------
def is_scenario_file(file_path: Path, root: Path | None = None) -> bool:
    """A YAML file under a `scenarios` directory, and under no `data/` directory (roles,
    environments, and test corpora such as tests/data/broken/scenarios/ are data, not scenarios).
    Parts are taken relative to `root` (pytest's rootdir) so the checkout's own location never counts."""
    if root is not None and file_path.is_relative_to(root):
        file_path = file_path.relative_to(root)
    parts = file_path.parent.parts
    return file_path.suffix in (".yaml", ".yml") and "scenarios" in parts and "data" not in parts


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if is_scenario_file(file_path, parent.config.rootpath):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFailed(Exception):
    """The scenario did not end as its `expect` says; the message holds the report."""


class ScenarioFile(pytest.File):
    def collect(self):
        from harness.scenario.loader import ScenarioError, load_scenario

        try:
            scenario = load_scenario(self.path)
        except ScenarioError as error:
            raise self.CollectError(str(error)) from None
        item = ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)
        markers = list(scenario.get("markers") or [])
        if not (scenario.get("expect") or {}).get("refused") and "docker" not in markers:
            markers.append("docker")
        for marker in markers:
            item.add_marker(getattr(pytest.mark, marker))
        yield item


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self) -> None:
        from harness.runner import run_scenario

        outcome = run_scenario(self.scenario, run_options(self.config))
        self.user_properties.append(("artefacts", str(outcome.run_dir)))
        if not outcome.passed:
            raise ScenarioFailed(f"{outcome.message}\nartefacts: {outcome.run_dir}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, 0, f"scenario {self.scenario.name}"


def run_options(config: pytest.Config):
    from harness.runner_state import RunOptions

    return RunOptions(backend=config.getoption("--backend"), keep=config.getoption("--keep"),
                      image=config.getoption("--image"),
                      polling_interval=config.getoption("--polling-interval"),
                      configure_script=config.getoption("--configure-script"))


# -- fixtures for scenario tests written in Python ----------------------------------------------
DEFAULT_OVERCLOUD = {"roles": {"ControllerDeployedServer": 1, "ComputeDeployedServer": 1},
                     "plan": "short"}


@pytest.fixture
def harness_session(request):
    """One run (nodes, undercloud) shaped by `@pytest.mark.overcloud(roles=..., plan=...)`."""
    if docker_problem():
        pytest.skip(f"no Docker engine: {docker_problem()}")
    from harness.runner_session import Session

    marker = request.node.get_closest_marker("overcloud")
    data = {**DEFAULT_OVERCLOUD, **(marker.kwargs if marker else {})}
    session = Session(data, run_options(request.config), name=request.node.name.lower()
                      .replace("_", "-").replace("[", "-").replace("]", "")[:60])
    with session:
        yield session


@pytest.fixture
def undercloud(harness_session):
    """The run's fake undercloud (fakes.undercloud.Undercloud), on the nodes' gateway."""
    return harness_session.undercloud


@pytest.fixture
def nodes(harness_session):
    """The run's nodes, `"<Role>-<index>"` -> harness.nodes.base.Node, started and ready."""
    return harness_session.nodes


@pytest.fixture
def overcloud(harness_session):
    """The session itself: `overcloud.step("deploy")`, `.step("configure", method="manual")`,
    `.step("wait", status="CREATE_COMPLETE")`, `.run` (harness.runner_state.ScenarioRun)."""
    return harness_session
