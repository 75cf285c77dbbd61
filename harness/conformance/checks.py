"""The check registry: every conformance check's id, title, stages, prerequisites and fix.

A check function in a `test_*.py` module is tied to its entry with `@check("CONN-001")`; the
suite's plugin uses the registry to order checks (prerequisites first), to select them by stage
and to skip dependents of a failed prerequisite instead of reporting more failures.
Checks report through `fail()` and `warn()` so that every message says what was found and how
to fix it.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

import pytest

STAGES = ("pre-deploy", "post-deploy", "decommissioned")
ALL_STAGES = frozenset(STAGES)
BEFORE_AND_AFTER = frozenset({"pre-deploy", "post-deploy"})
POST_DEPLOY = frozenset({"post-deploy"})
DECOMMISSIONED = frozenset({"decommissioned"})

# Outcomes of a check on one host. A prerequisite that ends in one of BLOCKING skips its
# dependents; "skip" alone (not applicable, e.g. no credentials given) does not.
PASS, FAIL, WARN, SKIP, ERROR, DEP_SKIP = "pass", "fail", "warn", "skip", "error", "skip-dep"
BLOCKING = frozenset({FAIL, ERROR, DEP_SKIP})

MARK = "conformance_check"


@dataclasses.dataclass(frozen=True)
class Check:
    id: str
    title: str
    stages: frozenset[str]
    fix: str
    depends_on: tuple[str, ...] = ()


class CheckFailed(Exception):
    """A check found the host out of conformance; the message says what was found."""


class CheckWarning(Exception):
    """A check found something that works now but is fragile (reported as outcome "warn")."""


def _registry(*entries: Check) -> dict[str, Check]:
    return {entry.id: entry for entry in entries}


CHECKS: dict[str, Check] = _registry(
    Check("HOST-001", "Commands run on the host over the connection: every other check reads the host this way",
          ALL_STAGES, "check the host URL, the SSH user, key (--ssh-identity-file) and known_hosts "
          "(--ssh-config), or that the container runs (docker://)"),
    Check("CONN-001", "The host pings the undercloud's local_ip: agents need L3 connectivity to poll it",
          BEFORE_AND_AFTER, "route the host to the undercloud's local_ip (undercloud.conf) and allow ICMP "
          "and TCP 5000/8000/8080 through firewalls; test with `ping <local_ip>`", ("HOST-001",)),
    Check("CONN-002", "Heat's CFN API answers on <local_ip>:8000 with a CURRENT v1.0 versions document: "
          "agents signal through it", BEFORE_AND_AFTER,
          "make heat-api-cfn listen on the undercloud's local_ip port 8000 and open the port; test with "
          "`curl <local_ip>:8000`", ("CONN-001",)),
    Check("CONN-003", "Swift answers on <local_ip>:8080 with its Not Found page: agents poll their metadata "
          "from it", BEFORE_AND_AFTER,
          "make the Swift proxy listen on the undercloud's local_ip port 8080 and open the port; test with "
          "`curl <local_ip>:8080`", ("CONN-001",)),
    Check("CONN-004", "Keystone answers on <local_ip>:5000 (http, or https with the undercloud's CA): "
          "clients authenticate through it", BEFORE_AND_AFTER,
          "make Keystone listen on the undercloud's local_ip port 5000; with TLS pass --undercloud-scheme "
          "https and the CA file installed on the host (--ca-file)", ("CONN-001",)),
    Check("PKG-001", "Package repositories are enabled: the deployment installs packages on the host",
          BEFORE_AND_AFTER, "enable the TripleO repositories as for the undercloud (Repository Enablement); "
          "`dnf repolist enabled` (or apt sources) must list them", ("HOST-001",)),
    Check("PKG-002", "The Heat agent is installed (python*-heat-agent* packages, or its executables, "
          "elements and hooks): it applies the deployments", BEFORE_AND_AFTER,
          "`sudo yum -y install python-heat-agent*` (or install os-collect-config, os-refresh-config, "
          "os-apply-config and the heat-agents elements and hooks)", ("HOST-001",)),
    Check("AGENT-001", "os-collect-config uses the request collector with a metadata_url: that is how the "
          "host polls Heat", POST_DEPLOY,
          "read the URL with `openstack stack resource metadata <stack> deployed-server | jq -r "
          "'.[\"os-collect-config\"].request.metadata_url'` and set [request] metadata_url in "
          "/etc/os-collect-config.conf (or run get-occ-config.sh)", ("PKG-002",)),
    Check("AGENT-002", "os-collect-config runs command=os-refresh-config: that applies what it collects",
          POST_DEPLOY, "set command=os-refresh-config in [DEFAULT] of /etc/os-collect-config.conf, then "
          "`sudo systemctl restart os-collect-config`", ("PKG-002",)),
    Check("AGENT-003", "The os-collect-config service is running: nothing polls Heat otherwise",
          POST_DEPLOY, "`sudo systemctl restart os-collect-config` and read `journalctl -u "
          "os-collect-config` if it stops again", ("PKG-002",)),
    Check("AGENT-004", "The os-collect-config service is enabled: otherwise a reboot stops the agent",
          POST_DEPLOY, "`sudo systemctl enable os-collect-config` (the guide's manual path only restarts "
          "it)", ("PKG-002",)),
    Check("AGENT-005", "The metadata URL answers from the host with JSON holding an os-collect-config "
          "section: the agent reads its deployments there", POST_DEPLOY,
          "configure the URL Heat published for this host (it is a Swift temp URL on the undercloud's "
          "local_ip:8080) and check `curl '<metadata_url>'` on the host", ("AGENT-001", "CONN-003")),
    Check("AGENT-006", "The metadata URL is the one Heat holds for this host's deployed-server resource: "
          "otherwise the host applies another server's deployments", POST_DEPLOY,
          "set the URL of this host's own deployed-server resource (`openstack stack resource list -n 5 "
          "<stack> | grep deployed-server`, then `openstack stack resource metadata <stack_name column> "
          "deployed-server`) and restart os-collect-config", ("AGENT-001",)),
    Check("DEPL-001", "Every deployment in the host's metadata has been run and signalled: Heat waits "
          "for each signal", POST_DEPLOY,
          "check that os-collect-config runs (`journalctl -u os-collect-config`) and that a hook exists "
          "for each deployment's group in /usr/libexec/heat-config/hooks", ("AGENT-005", "AGENT-006")),
    Check("DEPL-002", "No deployment on the host failed (deploy_status_code 0): a failure fails the stack",
          POST_DEPLOY, "fix what the deployment's stderr shows (/var/lib/heat-config/deployed/<id>.notify.json), "
          "then update the stack so Heat deploys it again", ("AGENT-005", "AGENT-006")),
    Check("DECOM-001", "A decommissioned host's agent is stopped and disabled: otherwise it can rejoin the "
          "deployment", DECOMMISSIONED,
          "the host must be powered off and reprovisioned before reuse (at least `sudo systemctl disable "
          "--now os-collect-config`)", ("HOST-001",)),
    # A running agent is the first thing to fix (powering off and reprovisioning also clears the
    # state), so leftover state is only reported once the agent is stopped.
    Check("DECOM-002", "A decommissioned host holds no deployed state: it must be reprovisioned before reuse",
          DECOMMISSIONED, "the host must be powered off and reprovisioned before reuse, as the guide says "
          "(its /var/lib/heat-config and /var/lib/os-collect-config still hold the old deployment)",
          ("DECOM-001",)),
    Check("DECOM-003", "A decommissioned host is no longer in the stack: a host Heat still holds is not "
          "decommissioned", DECOMMISSIONED,
          "scale the role down first (Deleting Overcloud Nodes), then power the host off", ("HOST-001",)),
)


def check(check_id: str) -> Callable:
    """Tie a test function to its registry entry: `@check("CONN-001")`."""
    if check_id not in CHECKS:
        raise KeyError(f"unknown check id {check_id!r}: add it to harness.conformance.checks.CHECKS")
    return getattr(pytest.mark, MARK)(check_id)


def fail(found: str) -> None:
    """End the running check as failed; `found` says what was found on the host."""
    __tracebackhide__ = True
    raise CheckFailed(found)


def warn(found: str) -> None:
    """End the running check with a warning (the requirement holds now but is fragile)."""
    __tracebackhide__ = True
    raise CheckWarning(found)


def checks_for_stage(stage: str) -> list[Check]:
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}: choose one of {', '.join(STAGES)}")
    return [entry for entry in CHECKS.values() if stage in entry.stages]


def run_order(check_ids: Iterable[str]) -> list[str]:
    """The ids in an order where every prerequisite comes before its dependents (registry order
    otherwise), so that a dependent can see its prerequisites' outcomes."""
    wanted = set(check_ids)
    ordered: list[str] = []

    def visit(check_id: str, path: tuple[str, ...]) -> None:
        if check_id in path:
            raise ValueError(f"dependency cycle: {' -> '.join(path + (check_id,))}")
        if check_id in ordered:
            return
        for prerequisite in CHECKS[check_id].depends_on:
            visit(prerequisite, path + (check_id,))
        if check_id in wanted:
            ordered.append(check_id)

    for check_id in CHECKS:
        if check_id in wanted:
            visit(check_id, ())
    return ordered


def blocking_prerequisite(check_id: str, outcomes: dict[str, str]) -> tuple[str, str] | None:
    """The first prerequisite (id, outcome) whose outcome keeps `check_id` from running, if any.

    `outcomes` maps the check ids already run on this host to their outcomes."""
    for prerequisite in CHECKS[check_id].depends_on:
        outcome = outcomes.get(prerequisite)
        if outcome in BLOCKING:
            return prerequisite, outcome
    return None


def skip_message(check_id: str, outcomes: dict[str, str]) -> str | None:
    """Why `check_id` is skipped because of a prerequisite, naming the one that actually failed
    ("skipped: depends on CONN-001 which failed", "... (via AGENT-005)"); None if it may run."""
    blocker = blocking_prerequisite(check_id, outcomes)
    if blocker is None:
        return None
    chain = []
    while blocker[1] == DEP_SKIP:  # walk down to the prerequisite that failed
        chain.append(blocker[0])
        deeper = blocking_prerequisite(blocker[0], outcomes)
        if deeper is None:
            break
        blocker = deeper
    verb = {FAIL: "failed", ERROR: "could not run", DEP_SKIP: "was skipped"}[blocker[1]]
    via = f" (via {' -> '.join(chain)})" if chain else ""
    return f"skipped: depends on {blocker[0]} which {verb}{via}"
