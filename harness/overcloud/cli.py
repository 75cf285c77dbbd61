"""`harness deploy` and `harness scale`: create / scale the overcloud stack on the undercloud
named by the OS_* environment, printing the stack's events as the guide shows them."""
from __future__ import annotations

import json

import click

from harness.overcloud.client import HeatClient, connect, server_offset
from harness.overcloud.environment import parse_assignments, port_map
from harness.overcloud.errors import OvercloudError
from harness.overcloud.progress import (StackWatcher, failed_outputs, finished, settle_after,
                                         waiting_for_signals)
from harness.overcloud.render import render


def _counts(items: tuple[str, ...]) -> dict[str, int]:
    counts = {}
    for role, value in parse_assignments(list(items), "--count").items():
        if not value.isdigit():
            raise OvercloudError(f"--count {role}={value}: the count must be a whole number >= 0")
        counts[role] = int(value)
    return counts


def _finish(watcher: StackWatcher, action: str, nodes: int, no_wait: bool) -> None:
    name = watcher.stack["stack_name"]
    if no_wait:
        snap = watcher.until(waiting_for_signals(nodes, action),
                             f"{name} to wait for the agents of {nodes} nodes")
        if not snap.status.endswith("_FAILED"):
            if snap.status.endswith("_IN_PROGRESS"):
                click.echo(f"{name} is waiting for signals: {snap.servers_ready()} deployed "
                           f"servers ready, {snap.deployments_waiting()} deployments in progress."
                           " Configure the agents on the nodes now.")
            else:
                click.echo(f"{name}: {snap.status}")
            return
    else:
        snap = watcher.until(finished(action), f"{name} to finish {action}")
    if snap.status.endswith("_FAILED"):
        lines = snap.failures() + failed_outputs(watcher.client, snap)
        raise OvercloudError(f"{name} {snap.status}:\n  " + "\n  ".join(lines))
    click.echo(f"{name}: {snap.status}")


def _run(body) -> None:
    try:
        body()
    except OvercloudError as exc:
        raise click.ClickException(str(exc)) from None


@click.command()
@click.option("--stack", "stack_name", default="overcloud", show_default=True)
@click.option("-r", "--roles-file", type=click.Path(), help="roles data (default: deployed "
              "servers' ControllerDeployedServer and ComputeDeployedServer)")
@click.option("-e", "--environment-file", "env_files", multiple=True, type=click.Path(),
              help="Heat environment file (parameter_defaults, resource_registry); repeatable")
@click.option("--count", "count_items", multiple=True, metavar="ROLE=N",
              help="node count of a role, overriding <Role>Count; repeatable")
@click.option("--plan", help="deployment plan file, or the name of a bundled one (short)")
@click.option("--address", "address_items", multiple=True, metavar="HOST=IP",
              help="a node's control plane address, into DeployedServerPortMap; repeatable")
@click.option("--no-wait", is_flag=True, help="return once the stack waits for the agents")
@click.option("--timeout", "timeout_min", type=click.IntRange(1), default=60, show_default=True,
              help="minutes: the stack's timeout and how long to wait")
def deploy(stack_name, roles_file, env_files, count_items, plan, address_items, no_wait,
           timeout_min):
    """Create the overcloud stack for already deployed servers."""
    def body():
        rendered = render(roles_file, plan, stack_name=stack_name, counts=_counts(count_items),
                          addresses=parse_assignments(list(address_items), "--address"),
                          environment_files=list(env_files))
        client = HeatClient(connect())
        if client.find(stack_name) is not None:
            raise OvercloudError(f"stack {stack_name} already exists; use `harness scale` to "
                                 "change its counts, or delete it first")
        nodes = sum(rendered.counts.values())
        click.echo(f"Creating stack {stack_name}: " + ", ".join(
            f"{role} x{count}" for role, count in rendered.counts.items()))
        stack_id = client.create(rendered.stack_body(timeout_mins=timeout_min))
        watcher = StackWatcher(client, {"stack_name": stack_name, "id": stack_id}, click.echo,
                               timeout_min * 60)
        _finish(watcher, "CREATE", nodes, no_wait)
    _run(body)


@click.command()
@click.option("--stack", "stack_name", default="overcloud", show_default=True)
@click.option("--count", "count_items", multiple=True, required=True, metavar="ROLE=N",
              help="new node count of a role; repeatable")
@click.option("--address", "address_items", multiple=True, metavar="HOST=IP",
              help="a new node's control plane address; repeatable")
@click.option("--no-wait", is_flag=True, help="return once the stack waits for the agents")
@click.option("--timeout", "timeout_min", type=click.IntRange(1), default=60, show_default=True)
def scale(stack_name, count_items, address_items, no_wait, timeout_min):
    """Change role counts of the overcloud (a PATCH update: everything else is kept)."""
    def body():
        counts = _counts(count_items)
        connection = connect()
        client = HeatClient(connection)
        stack = client.show(stack_name)
        params = stack.get("parameters") or {}
        roles = sorted(key[:-5] for key in params if key.endswith("Count"))
        for role in counts:
            if role not in roles:
                raise OvercloudError(f"--count {role}: stack {stack_name} has no role {role}; "
                                     f"its roles are {', '.join(roles)}")
        patch = {f"{role}Count": n for role, n in counts.items()}
        addresses = parse_assignments(list(address_items), "--address")
        if addresses:
            current = json.loads(params.get("DeployedServerPortMap") or "{}")
            current.update(port_map(addresses))
            patch["DeployedServerPortMap"] = current
        total = sum(counts.get(role, int(params[f"{role}Count"])) for role in roles)
        watcher = StackWatcher(client, stack, click.echo, timeout_min * 60)
        settle_after(watcher.skip_past_events(), server_offset(connection))
        click.echo(f"Updating stack {stack_name}: " + ", ".join(
            f"{role} -> {n}" for role, n in counts.items()))
        client.patch(stack, {"parameters": patch, "timeout_mins": timeout_min})
        _finish(watcher, "UPDATE", total, no_wait)
    _run(body)
