"""The conformance suite's fixtures. Options and hooks come from harness.conformance.plugin,
loaded with `-p harness.conformance.plugin` (see that module)."""
from __future__ import annotations

import pytest

from harness.conformance import heat, settings
from harness.conformance.facts import HostFacts
from harness.conformance.plugin import SETTINGS_KEY


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("conformance-results"):
        raise pytest.UsageError("the conformance suite needs its plugin: run `pytest -p harness.conformance.plugin "
                                "--pyargs harness.conformance ...` or `harness conformance ...`")


@pytest.fixture(scope="session")
def undercloud(pytestconfig: pytest.Config) -> settings.UndercloudSettings:
    """Where the undercloud is (--undercloud, --undercloud-scheme, --undercloud-port, --ca-file)."""
    return pytestconfig.stash[SETTINGS_KEY]


@pytest.fixture(scope="session")
def _facts_cache() -> dict[str, HostFacts]:
    return {}


@pytest.fixture
def facts(host, undercloud, _facts_cache) -> HostFacts:
    """What the checks read from `host`, shared by every check on that host."""
    key = host.backend.get_pytest_id()
    if key not in _facts_cache:
        _facts_cache[key] = HostFacts(host, cacert=undercloud.ca_file)
    return _facts_cache[key]


@pytest.fixture
def require_undercloud(undercloud) -> settings.UndercloudSettings:
    if not undercloud.address:
        pytest.skip("no undercloud address given (--undercloud IP, the undercloud's local_ip)")
    return undercloud


@pytest.fixture(scope="session")
def _heat_cache() -> dict:
    return {}


@pytest.fixture
def heat_view(undercloud, _heat_cache) -> heat.HeatView:
    """The deployed servers Heat holds (needs --os-auth-url or OS_AUTH_URL); read once per run."""
    if undercloud.credentials is None:
        pytest.skip("no undercloud credentials (--os-auth-url/--os-username/--os-password or a "
                    "sourced stackrc): cannot compare with what Heat holds")
    if "view" not in _heat_cache:
        try:
            _heat_cache["view"] = heat.load(heat.connect(undercloud.credentials), undercloud.stack)
        except Exception as error:  # openstacksdk raises many types; say which call failed
            _heat_cache["view"] = RuntimeError(
                f"cannot read stack {undercloud.stack!r} from Heat at {undercloud.credentials.auth_url}: "
                f"{type(error).__name__}: {error}")
    view = _heat_cache["view"]
    if isinstance(view, Exception):
        raise view
    return view
