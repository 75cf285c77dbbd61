"""Faults as scenario steps: undercloud faults (through the fake's fault registry, see
fakes/faults.py) and node faults (through the node backend).

A scenario step `fault: {kind: ..., service: ..., route: ..., nodes: ..., params: {...}}` runs
`apply(run, step)`; `kind` picks one of KINDS. harness/scenario/actions/fault.py calls it.
"""
from __future__ import annotations

from harness.faults.node import NODE_KINDS, wait_for_moment
from harness.faults.service import SERVICE_KINDS
from harness.runner_state import StepFailed

KINDS = {**SERVICE_KINDS, **NODE_KINDS}


def apply(run, step) -> None:
    args = dict(step.args or {})
    kind = args.get("kind")
    if kind not in KINDS:
        raise StepFailed(f"fault kind {kind!r} is unknown; the kinds are: {', '.join(sorted(KINDS))}")
    params = args.get("params") or {}
    if kind in SERVICE_KINDS and args.get("nodes") and params.get("when", "now") != "now":
        # an undercloud fault timed by what a node does (e.g. rotate the key while a hook runs)
        for node in run.select(args["nodes"]):
            run.echo(f"fault {kind}: {run.label_of(node)}: {wait_for_moment(run, node, params)}")
    message = KINDS[kind](run, args)
    if message:
        run.echo(f"fault {kind}: {message}")
