"""Run one scenario end to end: plan the nodes, start them and the fake undercloud on their own
network, execute the steps in order, check the expected outcome, report, and always clean up.

    outcome = run_scenario(load_scenario("scenarios/deploy-manual.yaml"), RunOptions())

Each run has its own Docker network, and the undercloud binds the standard ports on that
network's gateway address only (so parallel scenarios never collide; its control API stays
in-process: the runner holds the Undercloud object).
"""
from __future__ import annotations

import secrets
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from harness import runner_report as report
from harness.nodes.cleanup import KeepPolicy
from harness.nodes.run import Run, state_root
from harness.overcloud.errors import OvercloudError
from harness.overcloud.plans import load_plan
from harness.overcloud.render import render
from harness.overcloud.roles import load_roles
from harness.runner_expect import check_expectations
from harness.runner_state import RunOptions, ScenarioRun, StepFailed
from harness.scenario.actions import action

__all__ = ["Outcome", "RunOptions", "run_scenario"]


@dataclass
class Outcome:
    passed: bool
    message: str
    run_dir: Path
    summary: Path | None = None
    status: str = ""
    seconds: float = 0.0
    steps: list = field(default_factory=list)


def artefacts_dir(scenario, run_id: str, options: RunOptions) -> Path:
    path = (options.state_root or state_root()) / "runs" / f"{scenario.name}-{run_id}"
    path.mkdir(parents=True, exist_ok=False)  # a fresh directory per run, never shared
    return path


def _resolve(scenario, value: str | None) -> str | None:
    """Paths in a scenario are relative to the scenario file; `default`/`short` name bundled plans."""
    if not value or value in ("default", "short") or Path(value).is_absolute():
        return None if value == "default" else value
    return str((scenario.path.parent / value).resolve())


def prepare(scenario, options: RunOptions, run_dir: Path) -> ScenarioRun:
    """Load roles, plan and environments and render once without addresses: whatever the guide
    forbids (mixed servers, a role without disable_constraints) is refused here, before any
    node starts."""
    roles = load_roles(_resolve(scenario, scenario.get("roles_file")))
    plan = load_plan(_resolve(scenario, scenario.get("plan", "default")))
    env_files = [_resolve(scenario, f) for f in scenario.get("environment_files", [])]
    stack_name = scenario.get("stack", "overcloud")
    rendered = render(roles, plan, stack_name=stack_name, counts=scenario.get("roles") or None,
                      environment_files=env_files)
    return ScenarioRun(scenario=scenario, options=options, run_dir=run_dir, roles=roles, plan=plan,
                       environment_files=env_files, counts=dict(rendered.counts),
                       stack_name=stack_name, parameters=dict(scenario.get("parameters") or {}))


def start_infrastructure(run: ScenarioRun) -> None:
    """The run's nodes (addresses planned first), then the undercloud on their gateway."""
    from harness.nodes import node_backend

    backend_class = node_backend(run.options.backend)
    run.run = Run.new(run.options.state_root)
    run.backend = backend_class(run.run, image=run.options.image)
    total = sum(run.counts.values())
    addresses = iter(run.backend.plan_addresses(total))
    for role in run.roles:
        for index in range(run.counts.get(role.name, 0)):
            run.addresses[role.hostname(run.stack_name, index)] = next(addresses)
    gateway = run.backend.gateway
    run.undercloud = _undercloud(gateway)
    run.heat = _heat_client(run)
    for role in run.roles:
        count = run.counts.get(role.name, 0)
        if count:
            for node in run.backend.start(count, role=role.name):
                run.members[f"{role.name}-{node.index}"] = node
    run.echo(f"run {run.run.run_id}: undercloud on {gateway}; nodes "
             + ", ".join(f"{label} {node.address}" for label, node in run.members.items()))


def _undercloud(gateway: str):
    from fakes.undercloud import Undercloud

    return Undercloud(bind=(gateway,), advertise=gateway).start()


def _heat_client(run: ScenarioRun):
    import openstack

    from harness.overcloud.client import HeatClient

    credentials = run.credentials()
    connection = openstack.connect(load_envvars=False, load_yaml_config=False, **credentials)
    return HeatClient(connection)


def execute_steps(run: ScenarioRun, records: list) -> str | None:
    """Run the steps in order; the first failing step ends the run. Returns its error."""
    for step in run.scenario.steps:
        began = time.monotonic()
        record = {"action": step.action, "args": step.args, "error": None}
        records.append(record)
        run.echo(f"step {step.index + 1}: {step.action} {step.args or ''}".rstrip())
        try:
            action(step.action)(run, step)
        except (StepFailed, OvercloudError) as error:
            record["error"] = f"{type(error).__name__}: {error}"
        except Exception as error:  # report any other failure as the step's, with its trace
            record["error"] = f"{type(error).__name__}: {error}\n{traceback.format_exc()}"
        record["seconds"] = round(time.monotonic() - began, 2)
        if record["error"]:
            run.echo(f"step {step.index + 1} ({step.action}) failed: {record['error']}")
            return f"step {step.index + 1} ({step.action}): {record['error']}"
    return None


def run_scenario(scenario, options: RunOptions | None = None) -> Outcome:
    options = options or RunOptions()
    started = time.time()
    run_dir = artefacts_dir(scenario, time.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2), options)
    try:
        run = prepare(scenario, options, run_dir)
    except OvercloudError as refusal:
        passed, message = check_expectations(scenario, refusal=str(refusal))
        return _finish(None, Outcome(passed, message, run_dir, seconds=report.elapsed(started)))
    records: list = []
    error = None
    failed = True
    try:
        start_infrastructure(run)
        ctx = report.make_context(run)
        with report.progress(ctx) as live:
            run.progress = live
            error = execute_steps(run, records)
        run.status = _final_status(run)
        ctx = report.make_context(run)
        passed, message = check_expectations(scenario, run=run, error=error, ctx=ctx)
        failed = not passed
        outcome = Outcome(passed, message, run_dir, status=run.status, steps=records,
                          seconds=report.elapsed(started))
        outcome.summary = report.write_artefacts(ctx, _outcome_dict(scenario, outcome, error))
        return _finish(run, outcome)
    except Exception as crash:  # setup failed (no engine, no image ...): the run fails, cleanly
        message = f"{scenario.name}: could not run: {type(crash).__name__}: {crash}"
        return _finish(run, Outcome(False, message, run_dir, seconds=report.elapsed(started),
                                    steps=records))
    finally:
        _teardown(run, KeepPolicy(options.keep), failed)


def _final_status(run: ScenarioRun) -> str:
    if run.heat is None:
        return ""
    stack = run.heat.find(run.stack_name)
    return stack["stack_status"] if stack else ""


def _outcome_dict(scenario, outcome: Outcome, error: str | None) -> dict:
    return {"scenario": scenario.name, "passed": outcome.passed, "status": outcome.status,
            "expected": scenario.get("expect") or {}, "error": error, "steps": outcome.steps,
            "seconds": outcome.seconds, "message": outcome.message}


def _finish(run: ScenarioRun | None, outcome: Outcome) -> Outcome:
    (outcome.run_dir / "result.txt").write_text(
        f"{'PASSED' if outcome.passed else 'FAILED'} in {outcome.seconds:.1f}s\n{outcome.message}\n")
    return outcome


def _teardown(run: ScenarioRun | None, keep: KeepPolicy, failed: bool) -> None:
    if run is None:
        return
    if run.undercloud is not None:
        run.undercloud.stop()
    if run.backend is None:
        return
    if keep.keeps(failed):
        run.run.mark_kept()
        run.echo(keep.notice(run.run.run_id))
    else:
        run.backend.teardown()
