"""The conformance suite's pytest plugin: options and hooks (fixtures live in conftest.py).

Run: `pytest -p harness.conformance.plugin --pyargs harness.conformance --hosts ssh://stack@h1,docker://node
--undercloud IP` (`harness conformance` does this for you). The plugin is loaded with `-p` because a
package's conftest.py cannot add command-line options when it is named with --pyargs.
Hosts come from testinfra's own options (--hosts, --connection, --ssh-config, --ssh-identity-file,
--ansible-inventory); the `host` fixture is testinfra's. The hooks select checks by --stage, run
each host's checks prerequisites first, skip
the dependents of a failed prerequisite, and turn each report into an outcome
(pass/fail/warn/skip/error) with a message that says what was found and how to fix it.
"""
from __future__ import annotations

import os

import pytest

from harness.conformance import checks, settings
from harness.conformance.results import ResultRecorder, host_id_of

SETTINGS_KEY = pytest.StashKey[settings.UndercloudSettings]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "deployed-server conformance suite")
    group.addoption("--undercloud", default=None, metavar="IP",
                    help="the undercloud's local_ip (undercloud.conf) as the hosts reach it")
    group.addoption("--undercloud-scheme", default="http", choices=settings.SCHEMES,
                    help="how the undercloud serves its APIs (https needs the CA on the hosts: --ca-file)")
    group.addoption("--undercloud-port", action="append", default=[], metavar="NAME=PORT",
                    help="a service port other than the guide's (keystone=5000, cfn=8000, swift=8080)")
    group.addoption("--ca-file", default=None, metavar="PATH",
                    help="the undercloud's CA certificate, a path ON THE HOSTS, for curl --cacert")
    group.addoption("--stage", default="post-deploy", choices=checks.STAGES,
                    help="which checks apply: before the deployment, after it, or on removed hosts")
    group.addoption("--stack", default="overcloud", help="the overcloud stack name (with --os-auth-url)")
    for name in settings.CREDENTIAL_OPTIONS:
        flag = "--os-" + name.replace("_", "-")
        group.addoption(flag, dest="os_" + name, default=None,
                        help=f"undercloud credential (default: ${'OS_' + name.upper()}); with --os-auth-url "
                             "the metadata URL is compared with the one Heat holds for the host")
    group.addoption("--conformance-json", default=None, metavar="PATH",
                    help="write every (host, check) outcome and message to PATH as JSON")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{checks.MARK}(id): the conformance check a test implements")
    credential_options = {name: config.getoption("os_" + name) for name in settings.CREDENTIAL_OPTIONS}
    try:
        config.stash[SETTINGS_KEY] = settings.build(
            config.getoption("undercloud"), config.getoption("undercloud_scheme"),
            config.getoption("undercloud_port"), config.getoption("ca_file"), config.getoption("stack"),
            credential_options, os.environ)
    except settings.SettingsError as error:
        raise pytest.UsageError(str(error)) from None
    refuse_spread_hosts(config)
    config.pluginmanager.register(ResultRecorder(config), "conformance-results")


def refuse_spread_hosts(config: pytest.Config) -> None:
    """A host's checks must run in one process, in order, to see their prerequisites' outcomes.
    pytest-xdist cannot keep them together under this pytest (its loadgroup renames node ids
    through an attribute pytest 9 no longer reads), so hosts run in parallel as separate pytest
    processes instead: `harness conformance -n N`."""
    workers = config.getoption("numprocesses", None)
    if workers not in (None, 0) and config.getoption("dist", "no") != "no":
        raise pytest.UsageError("the conformance suite does not run under pytest-xdist (-n): a host's checks "
                                "must stay in one process. Check hosts in parallel with `harness conformance "
                                "-n N` (one pytest process per host) or harness.conformance.api.run_checks(parallel=N)")


def check_id_of(item: pytest.Item) -> str | None:
    mark = item.get_closest_marker(checks.MARK)
    return mark.args[0] if mark else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    stage = config.getoption("stage")
    wanted = {entry.id for entry in checks.checks_for_stage(stage)}
    selected, deselected = [], []
    for item in items:
        check_id = check_id_of(item)
        (selected if check_id is None or check_id in wanted else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
    order = {check_id: index for index, check_id in enumerate(checks.run_order(wanted))}
    selected.sort(key=lambda item: (host_id_of(item) or "", order.get(check_id_of(item), len(order))))
    items[:] = selected


def pytest_runtest_setup(item: pytest.Item) -> None:
    check_id, host_id = check_id_of(item), host_id_of(item)
    if check_id is None or host_id is None:
        return
    recorder: ResultRecorder = item.config.pluginmanager.get_plugin("conformance-results")
    reason = checks.skip_message(check_id, recorder.outcomes_for(host_id))
    if reason:
        recorder.mark_dependency_skip(host_id, check_id)
        pytest.skip(reason)
