"""`power_off` / `power_on`: as the guide requires of removed nodes (and to rehearse outages)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor


def run_power_off(run, step) -> None:
    nodes = run.select(step.args["nodes"])
    with ThreadPoolExecutor(max_workers=len(nodes) or 1) as pool:
        list(pool.map(lambda node: node.power_off(), nodes))
    run.echo("powered off: " + ", ".join(run.label_of(n) for n in nodes))


def run_power_on(run, step) -> None:
    nodes = run.select(step.args["nodes"])
    with ThreadPoolExecutor(max_workers=len(nodes) or 1) as pool:
        list(pool.map(lambda node: node.power_on(), nodes))
    run.echo("powered on: " + ", ".join(run.label_of(n) for n in nodes))
