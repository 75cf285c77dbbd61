"""`harness nodes up|list` and `harness down`: pseudo-nodes by hand, removed only by label."""
from __future__ import annotations

import sys

import click

from harness.nodes import cleanup, keys
from harness.nodes.errors import NodeError
from harness.nodes.run import Run, is_kept


def _client():
    from harness.nodes.docker import connect
    try:
        return connect()
    except NodeError as error:
        raise click.ClickException(str(error)) from None


@click.group()
def nodes() -> None:
    """Start, list and remove pseudo-nodes (Docker containers with systemd and sshd)."""


@nodes.command("up")
@click.option("--count", type=click.IntRange(1, 250), required=True, help="How many nodes.")
@click.option("--role", default="overcloud", show_default=True, help="Role name of the nodes.")
@click.option("--image", default=None, help="Image to run (default: newest local pseudo-node).")
@click.option("--memory", default="256m", show_default=True, help="Memory limit per node.")
def up(count: int, role: str, image: str | None, memory: str) -> None:
    """Start COUNT nodes in a new run and leave them running (remove with `harness down`)."""
    from harness.nodes.docker import DockerBackend
    run = Run.new()
    try:
        backend = DockerBackend(run, image=image, memory=memory, client=_client())
        started = backend.start(count, role=role)
    except NodeError as error:
        _abandon(run)
        raise click.ClickException(str(error)) from None
    except BaseException:
        _abandon(run)
        raise
    cleanup.unregister(run.run_id)
    run.mark_kept()
    click.echo(f"run {run.run_id}: {len(started)} node(s) on th-{run.run_id} "
               f"(undercloud side: {backend.gateway})")
    for node in started:
        click.echo(f"  {node.name:<32} {node.address:<15} "
                   f"{keys.ssh_command(backend.keypair, run, node.address)}")
    click.echo(f"remove them with: harness down {run.run_id}")


def _abandon(run: Run) -> None:
    """Remove whatever the failed `up` made (by label, so also half-made containers)."""
    cleanup.unregister(run.run_id)
    try:
        cleanup.remove_run(_client(), run.run_id)
    except click.ClickException:
        pass


@nodes.command("list")
def list_nodes() -> None:
    """List runs and their nodes with status."""
    client = _client()
    runs = cleanup.labelled_runs(client)
    if not runs:
        click.echo("no harness runs")
        return
    for run_id, labels in sorted(runs.items()):
        owner = cleanup.owner_from_labels(labels)
        state = ("kept" if is_kept(labels.get(cleanup.LABEL_STATE))
                 else "no owner recorded" if cleanup.LABEL_PID not in labels
                 else "owner alive" if cleanup.owner_alive(owner) else "owner gone (stale)")
        click.echo(f"run {run_id}  started {owner.started}  pid {owner.pid}  {state}")
        selector = {"label": f"{cleanup.LABEL_RUN}={run_id}"}
        for container in sorted(client.containers.list(all=True, filters=selector, ignore_removed=True),
                                key=lambda c: c.name):
            labels = container.labels
            click.echo(f"  {container.name:<32} {labels.get('tripleo-harness.role', '?'):<12} "
                       f"{labels.get('tripleo-harness.address', '?'):<15} {container.status}")


@click.command("down")
@click.argument("run_id", required=False)
@click.option("--all", "everything", is_flag=True, help="Remove every harness run.")
def down(run_id: str | None, everything: bool) -> None:
    """Remove a run's containers and network (only objects labelled by the harness)."""
    if bool(run_id) == everything:
        raise click.UsageError("give either a RUN_ID or --all (see `harness nodes list`)")
    client = _client()
    known = cleanup.labelled_runs(client)
    targets = sorted(known) if everything else [run_id]
    if run_id and run_id not in known:
        raise click.ClickException(
            f"no run {run_id!r}; runs present: {', '.join(sorted(known)) or 'none'}")
    for target in targets:
        removed = cleanup.remove_run(client, target)
        click.echo(f"removed run {target} ({removed} object(s))")
    if everything and not targets:
        click.echo("no harness runs", file=sys.stderr)
