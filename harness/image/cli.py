"""`harness image build | list | prune`: the pseudo-node image, built from nothing, cached by recipe."""
from __future__ import annotations

import logging
import time

import click
from rich.console import Console

from harness.image import recipe as r
from harness.image.errors import ImageBuildError

console = Console(stderr=True)


def _recipe(pins: tuple[str, ...]) -> r.Recipe:
    try:
        return r.make_recipe(pins)
    except ImageBuildError as error:
        raise click.BadParameter(str(error), param_hint="--pin") from error


def _fail(error: ImageBuildError) -> None:
    console.print(f"[red]harness image:[/red] {error}", highlight=False, soft_wrap=True)
    raise SystemExit(1)


@click.group()
def image() -> None:
    """Build, list and prune the pseudo-node image (no container registry needed)."""


@image.command()
@click.option("--mirror", help="Debian mirror URL (default: env HARNESS_DEBIAN_MIRROR, then apt's sources).")
@click.option("--pin", "pins", multiple=True, metavar="NAME=VERSION",
              help=f"Override an agent version (repeatable; env {r.PINS_ENV} too).")
@click.option("--base-only", is_flag=True, help="Stop after the debootstrapped base image.")
@click.option("-v", "--verbose", is_flag=True, help="Log each build step.")
def build(mirror: str | None, pins: tuple[str, ...], base_only: bool, verbose: bool) -> None:
    """Build the image (a no-op when the recipe's tag exists) and print its tag on stdout."""
    from harness.image.build import build_image

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")
    recipe = _recipe(pins)
    started = time.monotonic()
    try:
        with console.status("building the pseudo-node image (debootstrap, agents) ..."):
            result = build_image(recipe, mirror=mirror, base_only=base_only)
    except ImageBuildError as error:
        _fail(error)
    how = "cached" if result.cached else "built"
    console.print(f"{how} {result.tag} in {time.monotonic() - started:.1f} s", highlight=False)
    if verbose and result.timings:
        console.print("phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items()),
                      highlight=False)
    click.echo(result.tag)


@image.command("list")
def list_images() -> None:
    """List the images built by the harness (by label), marking the current recipe's."""
    from harness.image.build import docker_client
    from harness.image.store import current_hashes, harness_images

    try:
        client = docker_client()
    except ImageBuildError as error:
        _fail(error)
    current = current_hashes(r.make_recipe())
    row = "{:<46} {:<12} {:<17} {:<20} {:>8} {}"
    click.echo(row.format("IMAGE", "STAGE", "RECIPE", "CREATED", "SIZE MB", "CURRENT"))
    for stored in harness_images(client):
        is_current = "yes" if current.get(stored.stage) == stored.recipe else ""
        click.echo(row.format(stored.name, stored.stage, stored.recipe, stored.created,
                              f"{stored.size / 1e6:.0f}", is_current).rstrip())


@image.command()
@click.option("--pin", "pins", multiple=True, metavar="NAME=VERSION", help="The recipe to keep (as for build).")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
def prune(pins: tuple[str, ...], dry_run: bool) -> None:
    """Remove harness images of other recipes than the current one (never anything else)."""
    from harness.image.build import docker_client
    from harness.image.store import prune as prune_images

    try:
        outcome = prune_images(docker_client(), _recipe(pins), dry_run=dry_run)
    except ImageBuildError as error:
        _fail(error)
    verb = "would remove" if dry_run else "removed"
    for stored in outcome.removed:
        click.echo(f"{verb} {stored.name} ({stored.stage}, recipe {stored.recipe})")
    for stored, why in outcome.kept_in_use:
        click.echo(f"kept {stored.name}: {why}")
    if not outcome.removed and not outcome.kept_in_use:
        click.echo("nothing to prune")
