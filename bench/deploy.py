"""Benchmark: the deployed-server deploy's wall time against its floor (docker backend, warm image).

    .venv/bin/python bench/deploy.py [--sizes 4,10,25] [--plan default] [--interval 1] [--write]

Each size N runs 3 ControllerDeployedServer + (N-3) ComputeDeployedServer through the runner:
deploy, manual agent configuration, wait for CREATE_COMPLETE (no conformance checks: they
are measured in bench/conformance.py). Measured:

- wall: deploy + configure + wait steps (node start is bench/nodes_start.py's subject);
- cycle: one node's agent cycle per wave, poll wait included = the median over every
  (node, deployment) of signalled - available, from the run's timeline.json (harness.report);
- waves: deployments per node;
- agents' CPU: the nodes' containers' cgroup CPU usage (Docker's cpu_stats total_usage, i.e.
  cpuacct.usage) after the wait minus before the deploy, and this process's CPU (the fake
  undercloud runs in it);
- floor = max(waves x cycle, agents' CPU seconds / cores). Goal: wall <= 1.5 x floor for 3+1.
--write replaces the "## Deploy wall time and floor" section of bench/RESULTS.md (only that).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import runner  # noqa: E402
from harness.runner import RunOptions, run_scenario  # noqa: E402
from harness.runner_session import scenario_from  # noqa: E402

HEADING = "## Deploy wall time and floor"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
CONTROLLER, COMPUTE = "ControllerDeployedServer", "ComputeDeployedServer"
GOAL = 1.5


def container_cpu_seconds(nodes) -> float:
    """Sum of the nodes' containers' cgroup CPU usage (nanoseconds -> seconds)."""
    import docker.errors

    total = 0
    for node in nodes:
        try:
            stats = node.container.stats(stream=False)
        except docker.errors.NotFound:
            raise RuntimeError(f"node {node.name} was removed during the run (by whom? a "
                               "reaper of another run, or an interrupted run's clean-up)") from None
        total += stats["cpu_stats"]["cpu_usage"]["total_usage"]
    return total / 1e9


class CpuMeter:
    """Wraps the runner's step execution: CPU of every node before the first step and after
    the last, and this process's CPU over the same span."""

    def __init__(self) -> None:
        self.agents = self.undercloud = 0.0
        self._original = runner.execute_steps

    def __enter__(self):
        def measured(run, records):
            nodes = list(run.members.values())
            before, own = container_cpu_seconds(nodes), time.process_time()
            try:
                return self._original(run, records)
            finally:
                self.agents = container_cpu_seconds(nodes) - before
                self.undercloud = time.process_time() - own
        runner.execute_steps = measured
        return self

    def __exit__(self, *exc) -> None:
        runner.execute_steps = self._original


def measure(size: int, plan: str, interval: int, timeout: int, state_root: Path | None) -> dict:
    roles = {CONTROLLER: min(3, size), COMPUTE: max(0, size - 3)}
    scenario = scenario_from({
        "roles": {k: v for k, v in roles.items() if v}, "plan": plan,
        "agents": {"configure": "manual", "polling_interval": interval},
        # the stack's own timeout (timeout_mins) follows the deploy step's; a loaded host
        # needs as long as the wait
        "steps": [{"deploy": {"timeout": timeout}}, "configure",
                  {"wait": {"status": "CREATE_COMPLETE", "timeout": timeout}}],
        "expect": {"status": "CREATE_COMPLETE"}}, name=f"bench-deploy-{size}")
    with CpuMeter() as cpu:
        began = time.monotonic()
        outcome = run_scenario(scenario, RunOptions(state_root=state_root))
        total = time.monotonic() - began
    result = {"size": size, "label": f"{roles[CONTROLLER]}+{roles[COMPUTE]}",
              "passed": outcome.passed, "total_s": round(total, 1),
              "message": outcome.message.splitlines()[0] if not outcome.passed else ""}
    result["wall_s"] = round(sum(s.get("seconds") or 0 for s in outcome.steps), 1)
    result["steps"] = {s["action"]: s.get("seconds") for s in outcome.steps}
    rows_path = outcome.run_dir / "timeline.json"
    rows = json.loads(rows_path.read_text()) if rows_path.exists() else []
    cycles = [r["signalled"] - r["available"] for r in rows
              if r["signalled"] is not None and r["available"] is not None]
    per_node: dict = {}
    for row in rows:
        per_node.setdefault(row["node"], set()).add(row["deployment"])
    result["waves"] = max((len(v) for v in per_node.values()), default=0)
    result["cycle_s"] = round(statistics.median(cycles), 2) if cycles else None
    result["phases_s"] = phase_medians(rows)
    result["agents_cpu_s"] = round(cpu.agents, 1)
    result["undercloud_cpu_s"] = round(cpu.undercloud, 1)
    cores = os.cpu_count() or 1
    wave_floor = result["waves"] * (result["cycle_s"] or 0)
    cpu_floor = cpu.agents / cores
    result.update(cores=cores, wave_floor_s=round(wave_floor, 1), cpu_floor_s=round(cpu_floor, 1),
                  floor_s=round(max(wave_floor, cpu_floor), 1))
    result["ratio"] = round(result["wall_s"] / result["floor_s"], 2) if result["floor_s"] else None
    result["run_dir"] = str(outcome.run_dir)
    return result


def phase_medians(rows: list[dict]) -> dict:
    """Median seconds of each phase over every (node, deployment), and Heat's gap between the
    last signal of one wave and the next wave's publication."""
    marks = {"poll wait": ("available", "fetched"), "agent before hook": ("fetched", "hook_start"),
             "hook": ("hook_start", "hook_end"), "notify to signal": ("hook_end", "signalled")}
    found = {}
    for phase, (a, b) in marks.items():
        values = [r[b] - r[a] for r in rows if r[a] is not None and r[b] is not None]
        found[phase] = round(statistics.median(values), 2) if values else None
    waves: dict = {}
    for row in rows:
        wave = waves.setdefault(row["deployment"], {"available": [], "signalled": []})
        for key in ("available", "signalled"):
            if row[key] is not None:
                wave[key].append(row[key])
    ordered = sorted((w for w in waves.values() if w["available"] and w["signalled"]),
                     key=lambda w: min(w["available"]))
    gaps = [min(b["available"]) - max(a["signalled"]) for a, b in zip(ordered, ordered[1:])]
    found["heat between waves"] = round(statistics.median(gaps), 2) if gaps else None
    return found


def table(results: list[dict]) -> list[str]:
    lines = ["| nodes | passed | wall (deploy+configure+wait) | waves | agent cycle (median) | "
             "waves x cycle | agents' CPU s / cores | floor | wall / floor | undercloud CPU s |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append(f"| {r['label']} | {r['passed']} | {r['wall_s']} s | {r['waves']} | "
                     f"{r['cycle_s']} s | {r['wave_floor_s']} s | {r['agents_cpu_s']} / "
                     f"{r['cores']} = {r['cpu_floor_s']} s | {r['floor_s']} s | {r['ratio']} | "
                     f"{r['undercloud_cpu_s']} |")
    return lines


def write_section(body: list[str]) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    start = text.find(HEADING)
    section = "\n".join([HEADING, "", *body]) + "\n"
    if start < 0:
        RESULTS.write_text(text.rstrip("\n") + "\n\n" + section)
        return
    following = text.find("\n## ", start + len(HEADING))
    rest = text[following + 1:] if following >= 0 else ""
    RESULTS.write_text(text[:start] + section + ("\n" + rest if rest else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="4,10,25")
    parser.add_argument("--plan", default="default")
    parser.add_argument("--interval", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=600, help="the wait step's deadline")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--state-root", type=Path, default=None)
    args = parser.parse_args()
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        # artefacts stay under the harness's state dir (.harness/runs/): the timeline is there
        result = measure(size, args.plan, args.interval, args.timeout, args.state_root)
        print(json.dumps(result), flush=True)
        results.append(result)
    for line in table(results):
        print(line)
    if args.write:
        machine = (f"{platform.node()}: {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        write_section([f"`bench/deploy.py --sizes {args.sizes} --plan {args.plan} --interval "
                       f"{args.interval}` on {machine}.", "", *table(results)])


if __name__ == "__main__":
    main()
