"""The guide's "Networking / Undercloud" section: from each host, the undercloud's local_ip
answers ping, Heat's CFN API (8000), Swift (8080) and Keystone (5000)."""
from __future__ import annotations

from harness.conformance import probes
from harness.conformance.checks import check, fail
from harness.conformance.remote import curl


def connection_error_text(error: Exception) -> str:
    """What the transport said: testinfra's ssh backend raises RuntimeError(CommandResult)
    when ssh itself fails (exit 255); its stderr holds ssh's own words."""
    result = error.args[0] if error.args else None
    stderr = getattr(result, "stderr", None)
    if stderr:
        return f"{stderr.strip()} (exit status {getattr(result, 'rc', '?')})"
    return f"{type(error).__name__}: {error}"


@check("HOST-001")
def test_commands_run_on_host(host):
    try:
        result = host.run("true")
    except Exception as error:  # testinfra backends raise RuntimeError, OSError, ... for no connection
        fail(f"cannot run commands on {host.backend.get_pytest_id()}: {connection_error_text(error)}")
    if result.rc != 0:
        fail(f"`true` exited {result.rc} on the host: {result.stderr.strip()}")


@check("CONN-001")
def test_ping_undercloud(host, require_undercloud):
    result = host.run("ping -c 1 -W 2 %s", require_undercloud.address)
    if result.rc == 127:  # the shell's "command not found"
        fail("ping is not installed on the host; install iputils (`sudo yum -y install iputils`) "
             "to run the guide's first connectivity test")
    if result.rc != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        fail(f"`ping {require_undercloud.address}` from the host got no reply "
             f"({output[-1] if output else 'exit status ' + str(result.rc)})")


@check("CONN-002")
def test_heat_cfn_versions(host, require_undercloud):
    answer = curl(host, require_undercloud.url("cfn"), cacert=require_undercloud.ca_file)
    problem = probes.heat_versions_problem(answer)
    if problem:
        fail(problem)


@check("CONN-003")
def test_swift_not_found_page(host, require_undercloud):
    answer = curl(host, require_undercloud.url("swift"), cacert=require_undercloud.ca_file)
    problem = probes.swift_root_problem(answer)
    if problem:
        fail(problem)


@check("CONN-004")
def test_keystone_answers(host, require_undercloud):
    answer = curl(host, require_undercloud.url("keystone"), cacert=require_undercloud.ca_file)
    problem = probes.keystone_versions_problem(answer)
    if problem:
        fail(problem)

