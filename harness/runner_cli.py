"""`harness run SCENARIO...`: run scenario files from the command line, one after the other,
with the pytest plugin's options; exit status 1 when any scenario does not end as expected."""
from __future__ import annotations

import sys

import click

from harness.nodes.cleanup import KeepPolicy


@click.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--backend", default="docker", show_default=True, help="pseudo-node backend")
@click.option("--keep", type=click.Choice(KeepPolicy.MODES), default="never", show_default=True,
              help="keep the nodes after a scenario: never, on-failure or always")
@click.option("--image", default=None, help="pseudo-node image (default: the newest built one)")
@click.option("--polling-interval", type=click.IntRange(1), default=None,
              help="agents' polling interval in seconds (default: the scenario's, else 1; 30 is "
                   "real timing)")
@click.option("--configure-script", type=click.Path(exists=True, dir_okay=False), default=None,
              help="external agent configuration script (e.g. get-occ-config.sh) instead of the "
                   "harness's automatic configuration")
def run(scenarios, backend, keep, image, polling_interval, configure_script):
    """Run scenario files (scenarios/*.yaml) end to end and report where the artefacts are."""
    from harness.runner import RunOptions, run_scenario
    from harness.scenario.loader import ScenarioError, load_scenario

    try:
        loaded = [load_scenario(path) for path in scenarios]
    except ScenarioError as error:
        raise click.ClickException(str(error)) from None
    options = RunOptions(backend=backend, keep=keep, image=image,
                         polling_interval=polling_interval, configure_script=configure_script,
                         echo=lambda line: click.echo(line, err=True))
    failures = 0
    for scenario in loaded:
        click.echo(f"== {scenario.name} ({scenario.path})")
        outcome = run_scenario(scenario, options)
        click.echo(outcome.message)
        click.echo(f"{'PASSED' if outcome.passed else 'FAILED'} {scenario.name} in "
                   f"{outcome.seconds:.1f}s; artefacts: {outcome.run_dir}")
        for name in ("timeline.svg", "timeline.json"):
            if (outcome.run_dir / name).exists():
                click.echo(f"  {name}: {outcome.run_dir / name}")
        failures += not outcome.passed
    if failures:
        click.echo(f"{failures} of {len(loaded)} scenario(s) failed", err=True)
        sys.exit(1)
