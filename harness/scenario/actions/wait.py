"""`wait`: until the stack's current action ends (COMPLETE or FAILED) or the step's deadline.

Reaching another final status than the one asked for, or the deadline, fails the step; the
scenario's `expect` then says whether that was the point (failed-step, unconfigured-node)."""
from __future__ import annotations

import time

from harness.overcloud.errors import OvercloudError
from harness.overcloud.progress import finished
from harness.runner_state import StepFailed


class WaitTimedOut(StepFailed):
    """The deadline passed with the stack still in progress."""


def run(run, step) -> None:
    if run.watcher is None:
        raise StepFailed("nothing to wait for: add a deploy or scale step before wait")
    wanted = step.args["status"]
    timeout = step.args.get("timeout") or run.scenario.get("timeout") or 600
    run.watcher.timeout = timeout
    run.watcher.deadline = time.monotonic() + timeout
    try:
        snap = run.watcher.until(finished(run.action), f"{run.stack_name} to finish {run.action}")
    except OvercloudError as error:
        run.status = _status(run)
        raise WaitTimedOut(str(error)) from None
    run.status = snap.status
    run.echo(f"{run.stack_name}: {snap.status}")
    if snap.status != wanted:
        raise StepFailed(f"{run.stack_name} ended {snap.status}, not {wanted}:\n  "
                         + "\n  ".join(snap.failures()))


def _status(run) -> str:
    try:
        return run.heat.show(run.stack_name)["stack_status"]
    except OvercloudError:
        return ""
