"""`deploy`: create the overcloud stack from the scenario's roles, plan and environment files,
with the nodes' real addresses in DeployedServerPortMap (they were planned before start)."""
from __future__ import annotations

from harness.overcloud.progress import StackWatcher
from harness.overcloud.render import render
from harness.runner_state import StepFailed


def rendered_for(run):
    rendered = render(run.roles, run.plan, stack_name=run.stack_name, counts=dict(run.counts),
                      addresses=dict(run.addresses), environment_files=run.environment_files)
    rendered.parameters.update(run.parameters)
    return rendered


def run(run, step) -> None:
    if run.heat.find(run.stack_name) is not None:
        raise StepFailed(f"stack {run.stack_name} already exists; a scenario deploys once, "
                         "then scales")
    rendered = rendered_for(run)
    timeout = step.args.get("timeout") or run.scenario.get("timeout") or 600
    body = rendered.stack_body(timeout_mins=max(1, int(timeout // 60) + 1))
    stack_id = run.heat.create(body)
    run.action = "CREATE"
    run.watcher = StackWatcher(run.heat, {"stack_name": run.stack_name, "id": stack_id},
                               run.echo, timeout)
    run.echo(f"creating stack {run.stack_name}: " + ", ".join(
        f"{role} x{count}" for role, count in rendered.counts.items()))
