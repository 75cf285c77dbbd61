"""The `harness` command. Sub-commands live next to what they drive and are loaded lazily.

A new command group is one line in COMMANDS: name -> "module:click object".
"""
from __future__ import annotations

import importlib
import importlib.util

import click

COMMANDS = {
    "undercloud": "fakes.cli:undercloud",
    "deploy": "harness.overcloud.cli:deploy",
    "scale": "harness.overcloud.cli:scale",
    "image": "harness.image.cli:image",
    "nodes": "harness.nodes.cli:nodes",
    "down": "harness.nodes.cli:down",
    "conformance": "harness.conformance.cli:conformance",
    "run": "harness.runner_cli:run",
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if _importable(COMMANDS[name]))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None or not _importable(target):
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)


def _importable(target: str) -> bool:
    module_name = target.split(":")[0]
    try:
        return importlib.util.find_spec(module_name) is not None
    except ModuleNotFoundError:  # a parent package not written yet
        return False


@click.group(cls=LazyGroup)
def main() -> None:
    """Rehearse TripleO deployed-server deployments and check real hosts."""


if __name__ == "__main__":  # pragma: no cover
    main()
