"""The scenario actions: one small module per action, each `run(run: ScenarioRun, step: Step)`.

A new action is a module here, a line in ACTIONS and its arguments in harness/scenario/schema.py.
"""
from __future__ import annotations

import importlib

ACTIONS = {
    "check": "harness.scenario.actions.check",
    "deploy": "harness.scenario.actions.deploy",
    "configure": "harness.scenario.actions.configure",
    "wait": "harness.scenario.actions.wait",
    "scale": "harness.scenario.actions.scale",
    "power_off": "harness.scenario.actions.power",
    "power_on": "harness.scenario.actions.power",
    "fault": "harness.scenario.actions.fault",
    "snapshot": "harness.scenario.actions.reruns",
    "verify_reruns": "harness.scenario.actions.reruns",
    "verify_removed": "harness.scenario.actions.removed",
    "verify_effects": "harness.scenario.actions.effects",
}


def action(name: str):
    """The function that runs the action `name` (the module's `run_<name>` or `run`)."""
    if name not in ACTIONS:
        raise KeyError(f"unknown action {name!r}; known actions: {', '.join(ACTIONS)}")
    module = importlib.import_module(ACTIONS[name])
    return getattr(module, f"run_{name}", None) or module.run
