"""The suite's plugin end to end on synthetic checks: stage selection, prerequisites first,
dependents skipped with the reason, warnings, JSON results (hosts are never contacted)."""
from __future__ import annotations

import json

import pytest

pytest_plugins = ("pytester",)

# Defined in reverse dependency order on purpose: the plugin must reorder them.
CHECKS_MODULE = '''
from harness.conformance.checks import check, fail, warn

@check("CONN-002")
def test_heat(host):
    pass

@check("AGENT-001")
def test_agent(host):
    pass

@check("PKG-002")
def test_agent_installed(host):
    warn("installed from source, no package")

@check("CONN-001")
def test_ping(host):
    if host.backend.get_pytest_id() == "docker://beta":
        fail("no reply from 192.0.2.1")

@check("HOST-001")
def test_host(host):
    pass
'''


def run(pytester: pytest.Pytester, *extra: str, stage: str = "pre-deploy"):
    pytester.makepyfile(test_checks=CHECKS_MODULE)
    json_path = pytester.path / "results.json"
    result = pytester.runpytest(
        "-p", "harness.conformance.plugin", "-p", "no:cacheprovider", "--hosts", "docker://alpha,docker://beta",
        "--stage", stage, "--conformance-json", str(json_path), "-v", *extra)
    outcomes = {(r["host"], r["check_id"]): r for r in json.loads(json_path.read_text())}
    return result, outcomes


def test_outcomes_order_dependency_skips_warnings_and_junit(pytester):
    junit = pytester.path / "junit.xml"
    result, outcomes = run(pytester, "--junit-xml", str(junit), "-o", "junit_family=xunit1")
    assert result.ret == 1
    assert outcomes[("docker://alpha", "CONN-002")]["outcome"] == "pass"
    skipped = outcomes[("docker://beta", "CONN-002")]
    assert skipped["outcome"] == "skip-dep"
    assert skipped["message"] == "skipped: depends on CONN-001 which failed"
    failed = outcomes[("docker://beta", "CONN-001")]
    assert failed["outcome"] == "fail" and failed["message"] == "no reply from 192.0.2.1"
    assert failed["fix"].startswith("route the host")
    warned = outcomes[("docker://alpha", "PKG-002")]
    assert warned["outcome"] == "warn" and warned["message"] == "installed from source, no package"
    assert ("docker://alpha", "AGENT-001") not in outcomes  # post-deploy only: deselected
    result.stdout.fnmatch_lines(["*CONN-001 on docker://beta: no reply from 192.0.2.1", "Fix: route the host*"])
    # prerequisites ran first although the file defines them last
    ran = [line.split("::")[1].split("[")[0] for line in result.outlines
           if "::" in line and "docker://alpha" in line and "PASSED" in line]
    assert ran.index("test_host") < ran.index("test_ping") < ran.index("test_heat")
    text = junit.read_text()  # xunit1 keeps each check's outcome and message as properties
    assert 'name="outcome" value="skip-dep"' in text and 'value="no reply from 192.0.2.1"' in text


def test_stage_post_deploy_includes_the_agent_checks(pytester):
    _, outcomes = run(pytester, stage="post-deploy")
    assert outcomes[("docker://alpha", "AGENT-001")]["outcome"] == "pass"


def test_bad_option_is_a_usage_error(pytester):
    pytester.makepyfile(test_checks=CHECKS_MODULE)
    result = pytester.runpytest("-p", "harness.conformance.plugin", "--hosts", "docker://a",
                                           "--undercloud-port", "heat=1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--undercloud-port 'heat=1'" in result.stderr.str() + result.stdout.str()


def test_xdist_is_refused_with_the_way_to_parallelise(pytester):
    pytester.makepyfile(test_checks=CHECKS_MODULE)
    result = pytester.runpytest("-p", "harness.conformance.plugin", "--hosts", "docker://a", "-n", "2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "harness conformance -n N" in result.stderr.str() + result.stdout.str()
