"""`scale`: change role counts as the guide does (a stack update with the new `<Role>Count`).

Scale up: new nodes are started first (addresses planned, so DeployedServerPortMap holds them);
scale down: Heat removes the highest indexes, which leave `members` for `removed` (powering them
off is the scenario's next step, as the guide requires)."""
from __future__ import annotations

from harness.overcloud.environment import port_map
from harness.overcloud.progress import StackWatcher
from harness.runner_state import StepFailed


def grow(run, role: str, count: int) -> None:
    """Start `count` more nodes of `role` at planned addresses."""
    existing = [label for label in run.members if label.rsplit("-", 1)[0] == role]
    first = 1 + max((int(label.rsplit("-", 1)[1]) for label in run.all_nodes
                     if label.rsplit("-", 1)[0] == role), default=-1)
    addresses = run.backend.plan_addresses(count)
    for offset, address in enumerate(addresses):
        run.addresses[run.hostname(f"{role}-{first + offset}")] = address
    started = run.backend.start(count, role=role)
    for node in started:
        run.members[f"{role}-{node.index}"] = node
    run.echo(f"started {count} {role} node(s) next to {len(existing)}: "
             + ", ".join(f"{role}-{n.index} {n.address}" for n in started))


def shrink(run, role: str, count: int) -> None:
    """The `count` highest indexes of `role` leave the stack (as Heat removes them)."""
    labels = sorted((label for label in run.members if label.rsplit("-", 1)[0] == role),
                    key=lambda label: int(label.rsplit("-", 1)[1]))
    for label in labels[len(labels) - count:]:
        run.removed[label] = run.members.pop(label)
        run.addresses.pop(run.hostname(label), None)


def rejoin(run, labels: list[str]) -> None:
    """Bring removed nodes back as the role's next members without reprovisioning them: first
    the decommissioned checks, whose findings are the guide's warning (powered off and
    reprovisioned before reuse) and fail the step."""
    from harness.conformance.api import run_checks

    nodes = run.select(labels)
    results = run_checks("decommissioned", [n.testinfra_url for n in nodes], run.undercloud_ip,
                         parallel=len(nodes), credentials=run.credentials(), stack=run.stack_name)
    findings = [f"{r.host}: {r.check_id}: {r.message} (fix: {r.fix})" for r in results if r.failed]
    if findings:
        raise StepFailed("scale: cannot bring back " + ", ".join(labels) + " without "
                         "reprovisioning:\n  " + "\n  ".join(findings))
    raise StepFailed("scale: reusing removed nodes is refused even when they look clean; "
                     "start fresh nodes instead")


def run(run, step) -> None:
    counts = step.args["counts"]
    if step.args.get("reuse"):
        rejoin(run, step.args["reuse"])
    known = {role.name for role in run.roles}
    for role, wanted in counts.items():
        if role not in known:
            raise StepFailed(f"scale: no role {role}; the roles are {', '.join(sorted(known))}")
    stack = run.heat.show(run.stack_name)
    for role, wanted in counts.items():
        current = run.counts.get(role, 0)
        if wanted > current:
            grow(run, role, wanted - current)
        elif wanted < current:
            shrink(run, role, current - wanted)
        run.counts[role] = wanted
    timeout = step.args.get("timeout") or run.scenario.get("timeout") or 600
    run.watcher = StackWatcher(run.heat, stack, run.echo, timeout)
    run.watcher.skip_past_events()
    run.action = "UPDATE"
    patch = {f"{role}Count": n for role, n in counts.items()}
    patch["DeployedServerPortMap"] = port_map(run.addresses)
    run.heat.patch(stack, {"parameters": patch, "timeout_mins": max(1, int(timeout // 60) + 1)})
    run.echo(f"updating stack {run.stack_name}: " + ", ".join(f"{r} -> {n}" for r, n in counts.items()))
