"""A scenario run driven step by step from Python (the plugin's `undercloud`, `nodes` and
`overcloud` fixtures; hand-written scenario tests):

    with Session({"roles": {"ComputeDeployedServer": 2}, "plan": "short"}) as session:
        session.step("deploy"); session.step("configure", method="manual")
        session.step("wait", status="CREATE_COMPLETE", timeout=300)
"""
from __future__ import annotations

from pathlib import Path

from harness.nodes.cleanup import KeepPolicy
from harness.runner import artefacts_dir, prepare, start_infrastructure
from harness.runner_state import RunOptions, ScenarioRun
from harness.scenario.actions import action
from harness.scenario.loader import Scenario, ScenarioError, Step, _step, validation_problems


def scenario_from(data: dict, name: str = "python-scenario", where: Path | None = None) -> Scenario:
    body = {"name": name, "steps": ["deploy"], **data}
    problems = validation_problems(body)
    if problems:
        raise ScenarioError("\n".join(f"{name}: {problem}" for problem in problems))
    steps = tuple(_step(index, item) for index, item in enumerate(body["steps"]))
    return Scenario(path=(where or Path.cwd()) / f"{name}.yaml", name=name, steps=steps, raw=body)


class Session:
    def __init__(self, data: dict, options: RunOptions | None = None, name: str = "python-scenario"):
        self.options = options or RunOptions()
        self.scenario = scenario_from(data, name)
        self.run: ScenarioRun | None = None
        self._steps = 0
        self.failed = True

    def __enter__(self) -> "Session":
        import secrets
        import time

        run_dir = artefacts_dir(self.scenario, time.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2),
                                self.options)
        self.run = prepare(self.scenario, self.options, run_dir)
        try:
            start_infrastructure(self.run)
        except BaseException:
            self.close(failed=True)
            raise
        return self

    def step(self, name: str, **args) -> None:
        """Run one action now; StepFailed says what went wrong."""
        step = Step(name, args, self._steps)
        self._steps += 1
        action(name)(self.run, step)

    @property
    def undercloud(self):
        return self.run.undercloud

    @property
    def nodes(self) -> dict:
        return self.run.members

    def close(self, failed: bool) -> None:
        run, self.run = self.run, None
        if run is None:
            return
        if run.undercloud is not None:
            run.undercloud.stop()
        if run.backend is not None:
            keep = KeepPolicy(self.options.keep)
            if keep.keeps(failed):
                run.run.mark_kept()
                run.echo(keep.notice(run.run.run_id))
            else:
                run.backend.teardown()

    def __exit__(self, exc_type, *rest) -> None:
        self.close(failed=exc_type is not None)
