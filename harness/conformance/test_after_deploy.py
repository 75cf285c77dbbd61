"""After the deployment: every deployment in the host's metadata ran, was signalled, and succeeded."""
from __future__ import annotations

from harness.conformance import deployments
from harness.conformance.checks import check, fail


def _host_deployments(facts) -> list[deployments.Deployment]:
    metadata = facts.metadata
    if metadata is None:
        fail(f"the metadata URL served no JSON object: {facts.metadata_answer.describe()}")
    return deployments.deployments_in(metadata)


@check("DEPL-001")
def test_deployments_signalled(facts):
    listed = _host_deployments(facts)
    problems = deployments.not_signalled(listed, facts.deployed_names, facts.hooks)
    if problems:
        fail(f"{len(problems)} of {len(listed)} deployments have not signalled Heat: " + "; ".join(problems))


@check("DEPL-002")
def test_no_deployment_failed(facts):
    listed = _host_deployments(facts)
    problems = deployments.failures(listed, facts.deployed_names, facts.notify_data)
    if problems:
        fail("\n".join(problems))
