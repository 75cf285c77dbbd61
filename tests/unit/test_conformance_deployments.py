"""Which deployments ran, signalled and failed, from the metadata and heat-config's files."""
from __future__ import annotations

from harness.conformance import deployments

METADATA = {"deployments": [
    {"id": "c1", "name": "HostsEntryDeployment", "group": "script"},
    {"id": "c2", "name": "InstanceIdDeployment", "group": "apply-config"},
    {"id": "c3", "name": "NetworkDeployment", "group": "os-apply-config"},
    {"name": "no id"},
], "os-collect-config": {}}


def listed():
    return deployments.deployments_in(METADATA)


def test_deployments_with_ids_are_listed():
    assert [d.id for d in listed()] == ["c1", "c2", "c3"]
    assert deployments.deployments_in({"deployments": "nonsense"}) == []


def test_all_signalled():
    names = ["c1.json", "c1.notify.json", "c2.json", "c2.notify.json"]
    assert deployments.not_signalled(listed(), names, {"script", "apply-config"}) == []


def test_os_apply_config_group_needs_no_notify_file():
    names = ["c1.notify.json", "c2.notify.json"]
    assert deployments.not_signalled(listed(), names, {"script", "apply-config"}) == []


def test_how_far_each_unsignalled_deployment_got():
    problems = deployments.not_signalled(listed(), ["c1.json"], {"script"})
    assert problems == [
        "HostsEntryDeployment (c1) started but never signalled (its hook is still running or died)",
        "InstanceIdDeployment (c2) not run: no hook for group 'apply-config' in /usr/libexec/heat-config/hooks"]
    assert deployments.not_signalled(listed()[:1], [], {"script"}) == ["HostsEntryDeployment (c1) not run yet"]


def test_a_failed_deployment_is_named_with_code_and_stderr_tail():
    notify = {"c1": {"deploy_status_code": 0}, "c2": {"deploy_status_code": 1,
              "deploy_stderr": "\n".join(f"line {n}" for n in range(1, 9))}}
    problems = deployments.failures(listed(), ["c1.notify.json", "c2.notify.json"], notify.get)
    assert len(problems) == 1
    assert problems[0].startswith("deployment InstanceIdDeployment (c2) failed with exit code 1")
    assert problems[0].endswith("line 4\nline 5\nline 6\nline 7\nline 8") and "line 3" not in problems[0]


def test_status_codes_as_strings_count():
    assert deployments.status_code_ok("0") and deployments.status_code_ok(0)
    assert not deployments.status_code_ok(None) and not deployments.status_code_ok("1")
