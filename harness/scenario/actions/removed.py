"""`verify_removed`: after a scale-down, the removed nodes are out of the stack, their metadata
objects are gone (their agents' URL answers 404) and, when asked, they are powered off."""
from __future__ import annotations

import requests

from harness import agents
from harness.runner_state import StepFailed


def run(run, step) -> None:
    nodes = run.select(step.args.get("nodes", "removed"))
    if not nodes:
        raise StepFailed("verify_removed: no removed nodes; scale a role down first")
    still = agents.deployed_servers(run.heat, run.stack_name)
    urls = run.snapshots.get("metadata_urls", {})
    problems = []
    for node in nodes:
        label = run.label_of(node)
        role, index = label.rsplit("-", 1)
        if (role, int(index)) in still:
            problems.append(f"{label}: its deployed-server resource is still in the stack")
        url = urls.get(label)
        if not url:
            problems.append(f"{label}: its metadata URL was never known (configure it first)")
        else:
            status = requests.get(url, timeout=10).status_code
            if status != 404:
                problems.append(f"{label}: its metadata URL answers {status}, not 404")
        if step.args.get("powered_off") and node.status() != "exited":
            problems.append(f"{label}: not powered off (container {node.status()})")
    run.echo(f"verify_removed: {', '.join(run.label_of(n) for n in nodes)}: "
             + ("ok" if not problems else f"{len(problems)} problem(s)"))
    if problems:
        raise StepFailed("verify_removed:\n  " + "\n  ".join(problems))
