"""`check`: run the conformance checks of a stage on nodes (harness.conformance.api), the same
code operators run against real servers. Every check must pass except those listed in
`expect_failures`, which must fail on every node checked (a scenario that expects a finding)."""
from __future__ import annotations

import json

from harness.conformance.api import run_checks
from harness.runner_state import StepFailed


def run(run, step) -> None:
    stage = step.args["stage"]
    default = "removed" if stage == "decommissioned" else "all"
    nodes = run.select(step.args.get("nodes", default))
    if not nodes:
        raise StepFailed(f"check {stage}: no nodes to check")
    by_url = {node.testinfra_url: run.label_of(node) for node in nodes}
    results = run_checks(stage, list(by_url), run.undercloud_ip, parallel=len(nodes),
                         credentials=run.credentials(), stack=run.stack_name,
                         known_hosts=str(run.run.known_hosts))
    _record(run, stage, step.index, results, by_url)
    expected = set(step.args.get("expect_failures", []))
    problems = []
    for result in results:
        label = _label(result.host, by_url)
        if result.failed and result.check_id not in expected:
            problems.append(f"{label}: {result.check_id} failed: {result.message}")
    for check_id in sorted(expected):
        for url, label in by_url.items():
            if not any(r.check_id == check_id and r.failed and _label(r.host, by_url) == label
                       for r in results):
                problems.append(f"{label}: {check_id} was expected to fail and did not")
    if not results:
        problems.append("the conformance suite reported no results")
    passed = sum(1 for r in results if not r.failed)
    run.echo(f"check {stage}: {passed}/{len(results)} results without failure on {len(nodes)} nodes")
    if problems:
        raise StepFailed(f"check {stage}:\n  " + "\n  ".join(problems))


def _label(host: str, by_url: dict) -> str:
    for url, label in by_url.items():
        if host and (host == url or url.endswith(host) or host.endswith(url.split("://")[-1])):
            return label
    return host


def _record(run, stage, index, results, by_url) -> None:
    path = run.run_dir / f"checks-{index:02d}-{stage}.json"
    path.write_text(json.dumps([dict(r.to_json(), node=_label(r.host, by_url)) for r in results],
                               indent=1))
