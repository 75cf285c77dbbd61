"""Clean-up under fire: `harness run` interrupted at random moments, with SIGINT (the run must
clean up by itself) and with SIGKILL (nothing can run in the process; `harness down RUN_ID` for
the orphaned runs - what the next run's reaper or `harness down --all` does - must leave nothing).
After every round: zero containers and networks of this test's runs (selected by the harness's
state-dir label, so parallel runs of other tests are never counted or touched), and every JSON
artefact the interrupted run wrote so far parses.

Bounded form: 3 SIGINT + 2 SIGKILL rounds; long form (`slow`): 20 + 10.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.docker

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "faults" / "metadata-5xx-burst.yaml"
HARNESS = [sys.executable, "-m", "harness.cli"] if not (REPO / ".venv/bin/harness").exists() \
    else [str(REPO / ".venv/bin/harness")]
EXIT_DEADLINE = 180.0   # SIGINT: the run must have cleaned up and exited by then
SEED = int(os.environ.get("HARNESS_INTERRUPT_SEED", "20261129"))


def _docker():
    docker = pytest.importorskip("docker")
    try:
        client = docker.from_env()
        client.ping()
    except Exception as error:  # no engine here: the docker tests cannot run
        pytest.skip(f"no Docker engine: {error}")
    return client


def leftovers(client, root: Path) -> dict[str, list[str]]:
    """Containers and networks labelled by the harness whose state dir is under `root`.

    One listing call each (no per-object inspect): other runs' objects come and go meanwhile."""
    def ours(labels):
        return (labels or {}).get("tripleo-harness.state-dir", "").startswith(str(root))
    selector = {"label": "tripleo-harness.run"}
    containers = [c for c in client.api.containers(all=True, filters=selector) if ours(c.get("Labels"))]
    networks = [n for n in client.api.networks(filters=selector) if ours(n.get("Labels"))]
    return {"containers": [c["Names"][0].lstrip("/") for c in containers],
            "networks": [n["Name"] for n in networks],
            "runs": sorted({o["Labels"]["tripleo-harness.run"] for o in containers + networks})}


def broken_artefacts(root: Path) -> list[str]:
    broken = []
    for path in root.rglob("*.json"):
        try:
            json.loads(path.read_text() or "null")
        except (ValueError, OSError) as error:
            broken.append(f"{path}: {error}")
    return broken


def one_round(client, root: Path, sig: int, after: float) -> dict:
    env = {**os.environ, "TRIPLEO_HARNESS_HOME": str(root), "TERM": "dumb"}
    process = subprocess.Popen([*HARNESS, "run", str(SCENARIO)], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    time.sleep(after)  # the random moment of the interruption (not a timed assertion)
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=EXIT_DEADLINE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError(f"harness run ignored signal {sig} for {EXIT_DEADLINE}s")
    left = leftovers(client, root)
    orphaned = len(left["containers"]) + len(left["networks"])
    for run_id in left["runs"]:  # SIGKILL: what the next run's reaper / `harness down` does
        subprocess.run([*HARNESS, "down", run_id], cwd=REPO, env=env, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    after_down = leftovers(client, root)
    return {"signal": signal.Signals(sig).name, "after": round(after, 1),
            "orphaned": orphaned, "leaked": len(after_down["containers"]) + len(after_down["networks"]),
            "broken_artefacts": broken_artefacts(root)}


def interrupt_rounds(root: Path, sigints: int, sigkills: int, seed: int = SEED) -> list[dict]:
    client = _docker()
    rng = random.Random(seed)
    plan = [signal.SIGINT] * sigints + [signal.SIGKILL] * sigkills
    rng.shuffle(plan)
    return [one_round(client, root, sig, rng.uniform(1.0, 30.0)) for sig in plan]


def _assert_clean(rounds: list[dict]) -> None:
    summary = json.dumps(rounds, indent=1)
    assert all(r["leaked"] == 0 for r in rounds), f"leaked containers/networks:\n{summary}"
    assert all(r["orphaned"] == 0 for r in rounds if r["signal"] == "SIGINT"), \
        f"a SIGINTed run left objects behind for someone else to reap:\n{summary}"
    assert not any(r["broken_artefacts"] for r in rounds), f"broken artefacts:\n{summary}"


def test_interrupted_runs_leave_nothing_behind(tmp_path):
    rounds = interrupt_rounds(tmp_path, sigints=3, sigkills=2)
    _assert_clean(rounds)
    assert len(rounds) == 5


@pytest.mark.slow
def test_interrupted_runs_leave_nothing_behind_long_form(tmp_path):
    rounds = interrupt_rounds(tmp_path, sigints=20, sigkills=10, seed=SEED + 1)
    (REPO / ".harness").mkdir(exist_ok=True)
    (REPO / ".harness" / "interrupt-long.json").write_text(json.dumps(rounds, indent=1))
    _assert_clean(rounds)
    assert len(rounds) == 30
