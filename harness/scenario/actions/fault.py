"""`fault`: inject a fault (undercloud route failures, node partitions...). The fault helper of a
later issue provides the kinds; until it lands the action says so instead of pretending."""
from __future__ import annotations

import importlib

from harness.runner_state import NotSupported


def run(run, step) -> None:
    try:
        faults = importlib.import_module("harness.faults")
    except ModuleNotFoundError:
        raise NotSupported(f"fault {step.args.get('kind')!r}: fault injection is not yet supported "
                           "(harness.faults has not landed); remove the fault step or mark the "
                           "scenario to skip") from None
    faults.apply(run, step)
