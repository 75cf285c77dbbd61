"""The conformance suite against pseudo-nodes and the fake undercloud on the run network.

One lab for the module: ten nodes from harness.nodes, the fake undercloud bound to the run
network's gateway, a stack whose deployed servers the nodes are, agents configured the guide's
manual way. Then each broken node must fail exactly the check that describes it (with its fix),
the suite must change nothing on a node (docker diff), and SSH must give what docker:// gives.
"""
from __future__ import annotations

import pytest

from harness.conformance import api, checks
from harness.conformance.lab import Lab

pytestmark = pytest.mark.docker

IN_STACK = ("good", "partitioned", "no-agent", "no-url", "wrong-url", "stopped", "failed")
RETIRED = ("retired-running", "retired-stopped")
FRESH = ("reprovisioned",)
CASES = IN_STACK + RETIRED + FRESH

# case -> the checks it must fail; everything else passes, warns (AGENT-004) or is skipped
EXPECTED_FAILURES = {
    "good": set(), "partitioned": {"CONN-001"}, "no-agent": {"PKG-002"}, "no-url": {"AGENT-001"},
    "wrong-url": {"AGENT-006"}, "stopped": {"AGENT-003"}, "failed": {"DEPL-002"},
    "retired-running": {"DECOM-001"}, "retired-stopped": {"DECOM-002"}, "reprovisioned": set(),
}
EXPECTED_DEPENDENCY_SKIPS = {
    "partitioned": {"CONN-002", "CONN-003", "CONN-004", "AGENT-005", "DEPL-001", "DEPL-002"},
    "no-agent": {"AGENT-001", "AGENT-002", "AGENT-003", "AGENT-004", "AGENT-005", "AGENT-006",
                 "DEPL-001", "DEPL-002"},
    "no-url": {"AGENT-005", "AGENT-006", "DEPL-001", "DEPL-002"},
    "wrong-url": {"DEPL-001", "DEPL-002"},
    "retired-running": {"DECOM-002"},
}


def pseudo_node_image(config) -> str:
    if config.getoption("--image"):
        return config.getoption("--image")
    from harness.image.build import build_image
    from harness.image.errors import ImageBuildError
    try:
        return build_image().tag
    except ImageBuildError as error:
        pytest.skip(f"the pseudo-node image is not built and cannot be built here: {error}")


def break_nodes(nodes: dict, lab: Lab) -> None:
    """Each broken node gets the one fault its name says."""
    nodes["partitioned"].partition()
    assert nodes["no-agent"].exec(["rm", "/usr/bin/os-collect-config"]).ok
    nodes["no-url"].put_file("/etc/os-collect-config.conf",
                             b"[DEFAULT]\ncollectors=request\ncommand=os-refresh-config\n", 0o644)
    wrong = lab.urls[nodes["good"].hostname]
    nodes["wrong-url"].put_file("/etc/os-collect-config.conf", f"[DEFAULT]\ncollectors=request\n"
                                f"command=os-refresh-config\n[request]\nmetadata_url={wrong}\n".encode(), 0o644)
    assert nodes["stopped"].exec(["systemctl", "stop", "os-collect-config"]).ok
    assert nodes["retired-stopped"].exec(["systemctl", "disable", "--now", "os-collect-config"]).ok


@pytest.fixture(scope="module")
def lab(pytestconfig, tmp_path_factory):
    from fakes.undercloud import Undercloud
    from harness.nodes.docker import DockerBackend
    from harness.nodes.run import Run

    backend = DockerBackend(Run.new(tmp_path_factory.mktemp("conformance-run")),
                            image=pseudo_node_image(pytestconfig), ready_timeout=240)  # loaded CI machines boot slowly
    with backend.guarded():
        started = backend.start(len(CASES), role="overcloud")
        nodes = dict(zip(CASES, started))
        with Undercloud(bind=(backend.gateway,), password="conformance-secret") as undercloud:
            lab = Lab(backend, undercloud, polling_interval=5)
            status = lab.deploy("overcloud", [nodes[case] for case in IN_STACK], failing=nodes["failed"])
            assert status == "CREATE_FAILED"  # the failing node's deployment, after all the others
            lab.retire("retired", [nodes[case] for case in RETIRED])
            break_nodes(nodes, lab)
            lab.nodes = nodes
            yield lab


def run(lab: Lab, stage: str, cases, over: str = "docker") -> dict[str, dict[str, object]]:
    """case -> check id -> CheckResult, for `cases` checked over docker:// or ssh://."""
    nodes = {case: lab.nodes[case] for case in cases}
    if over == "docker":
        urls = {node.testinfra_url: (node.testinfra_url, case) for case, node in nodes.items()}
        options = {}
    else:  # testinfra names an ssh host without its user: ssh://<address>
        urls = {f"ssh://stack@{node.address}": (f"ssh://{node.address}", case) for case, node in nodes.items()}
        options = {"ssh_identity_file": str(lab.backend.keypair.private_key),
                   "known_hosts": str(lab.backend.run.known_hosts)}
    results = api.run_checks(stage, list(urls), lab.address, credentials=lab.credential_options(),
                             parallel=len(urls), **options)
    case_of = dict(urls.values())
    by_case: dict[str, dict[str, object]] = {case: {} for case in cases}
    for result in results:
        by_case[case_of[result.host]][result.check_id] = result
    return by_case


@pytest.fixture(scope="module")
def post_deploy(lab):
    return run(lab, "post-deploy", IN_STACK)


@pytest.fixture(scope="module")
def decommissioned(lab):
    return run(lab, "decommissioned", RETIRED + FRESH)


def outcomes(results: dict, *wanted: str) -> set[str]:
    return {check_id for check_id, result in results.items() if result.outcome in wanted}


def test_every_post_deploy_check_ran_on_every_node(post_deploy):
    stage_checks = {entry.id for entry in checks.checks_for_stage("post-deploy")}
    for case, results in post_deploy.items():
        assert set(results) == stage_checks, case


def test_a_correctly_prepared_node_passes(post_deploy):
    results = post_deploy["good"]
    assert outcomes(results, "fail", "error", "skip", "skip-dep") == set()
    # the guide's manual path restarts the agent without enabling it: a warning, not a failure
    assert results["AGENT-004"].outcome == "warn"
    assert "reboot" in results["AGENT-004"].message


@pytest.mark.parametrize("case", [case for case in IN_STACK if case != "good"])
def test_each_broken_node_fails_exactly_its_check(post_deploy, case):
    results = post_deploy[case]
    assert outcomes(results, "fail", "error") == EXPECTED_FAILURES[case], \
        {k: (r.outcome, r.message) for k, r in results.items() if r.outcome != "pass"}
    assert outcomes(results, "skip-dep") == EXPECTED_DEPENDENCY_SKIPS.get(case, set())
    for check_id in EXPECTED_FAILURES[case]:
        assert results[check_id].message and results[check_id].fix == checks.CHECKS[check_id].fix


def test_failure_messages_say_what_was_found(post_deploy, lab):
    partitioned = post_deploy["partitioned"]
    assert f"`ping {lab.address}` from the host got no reply" in partitioned["CONN-001"].message
    assert partitioned["CONN-002"].message == "skipped: depends on CONN-001 which failed"
    assert "missing os-collect-config" in post_deploy["no-agent"]["PKG-002"].message
    assert "no metadata_url" in post_deploy["no-url"]["AGENT-001"].message
    wrong = post_deploy["wrong-url"]["AGENT-006"].message
    assert "host name overcloud-" in wrong and "(it is the URL of overcloud/server0)" in wrong
    assert "not running" in post_deploy["stopped"]["AGENT-003"].message
    failed = post_deploy["failed"]["DEPL-002"].message
    assert "failed with exit code 1" in failed and "No space left on device" in failed


def test_decommissioned_hosts(decommissioned):
    for case in RETIRED + FRESH:
        assert outcomes(decommissioned[case], "fail", "error") == EXPECTED_FAILURES[case], case
    assert outcomes(decommissioned["retired-running"], "skip-dep") == {"DECOM-002"}
    assert "running" in decommissioned["retired-running"]["DECOM-001"].message
    assert "powered off and reprovisioned" in decommissioned["retired-running"]["DECOM-001"].fix
    assert "/var/lib/heat-config/deployed holds" in decommissioned["retired-stopped"]["DECOM-002"].message


def test_the_suite_changes_nothing_on_a_node(lab):
    container = lab.nodes["good"].container
    before = sorted((change["Path"], change["Kind"]) for change in container.diff() or [])
    run(lab, "post-deploy", ("good",))
    run(lab, "decommissioned", ("good",))
    after = sorted((change["Path"], change["Kind"]) for change in container.diff() or [])
    assert after == before


def test_ssh_gives_the_same_results_as_docker(lab, post_deploy, decommissioned):
    def summary(by_case):
        return {case: {check_id: (result.outcome, result.message) for check_id, result in results.items()}
                for case, results in by_case.items()}

    reachable = tuple(case for case in IN_STACK if case != "partitioned")
    over_ssh = run(lab, "post-deploy", IN_STACK, over="ssh")
    assert summary({case: over_ssh[case] for case in reachable}) == \
        summary({case: post_deploy[case] for case in reachable})
    # off the network, the partitioned node cannot be reached over SSH at all: HOST-001 says so
    assert over_ssh["partitioned"]["HOST-001"].outcome == "fail"
    assert "cannot run commands" in over_ssh["partitioned"]["HOST-001"].message
    assert summary(run(lab, "decommissioned", RETIRED + FRESH, over="ssh")) == summary(decommissioned)
