"""`verify_effects`: the plan's waves did real work on every node — the hosts entries list every
node of the stack with its address, and the all-nodes validation pinged every other node."""
from __future__ import annotations

from harness.runner_state import StepFailed

HARNESS_DIR = "/var/lib/tripleo-harness"


def run(run, step) -> None:
    nodes = run.select(step.args.get("nodes", "all"))
    expected = {run.hostname(label): address for label, address in
                ((run.label_of(n), n.address) for n in run.select("all"))}
    problems = []
    for node in nodes:
        label = run.label_of(node)
        me = run.hostname(label)
        hosts = node.exec(["cat", "/etc/hosts"]).stdout
        for host, address in expected.items():
            if f"{address} {host}" not in hosts:
                problems.append(f"{label}: /etc/hosts lacks `{address} {host}`")
        if step.args.get("validation", True):
            ping = node.exec(["cat", f"{HARNESS_DIR}/validation/ping.log"])
            for host, address in expected.items():
                if host != me and f"{host} {address} ok" not in ping.stdout:
                    problems.append(f"{label}: the validation did not ping {host} ({address}) "
                                    "successfully")
    run.echo(f"verify_effects on {len(nodes)} nodes: {len(problems)} problem(s)")
    if problems:
        raise StepFailed("verify_effects:\n  " + "\n  ".join(problems))
