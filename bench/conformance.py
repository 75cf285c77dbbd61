"""Benchmark: conformance suite wall time per host and for 10 hosts in parallel, docker:// and ssh://.

    .venv/bin/python bench/conformance.py [--hosts 10] [--repeat 3] [--image IMAGE] [--write]

Sets up a lab (harness.conformance.lab): N pseudo-nodes, the fake undercloud on the run
network's gateway, a stack of N deployed servers, agents configured the guide's manual way, all
deployments signalled. Then times `harness.conformance.api.run_checks("post-deploy", ...)` with
undercloud credentials (so AGENT-006 asks Heat too): one host at a time, and all N with
parallel=N (one pytest process per host), over docker:// and over ssh:// (ControlMaster).
Goals: <= 3 s per host, 10 hosts <= 10 s. --write replaces the "## Conformance" section of
bench/RESULTS.md (and only that section).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fakes.undercloud import Undercloud  # noqa: E402
from harness.conformance import api, checks  # noqa: E402
from harness.conformance.lab import Lab  # noqa: E402
from harness.nodes.docker import DockerBackend  # noqa: E402
from harness.nodes.run import Run  # noqa: E402

HEADING = "## Conformance"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
GOAL_HOST_S, GOAL_TEN_S = 3.0, 10.0


def urls_for(lab: Lab, nodes, over: str) -> tuple[list[str], dict]:
    if over == "docker":
        return [node.testinfra_url for node in nodes], {}
    return ([f"ssh://stack@{node.address}" for node in nodes],
            {"ssh_identity_file": str(lab.backend.keypair.private_key),
             "known_hosts": str(lab.backend.run.known_hosts)})


def timed_run(lab: Lab, nodes, over: str) -> tuple[float, int]:
    """Wall seconds of one run_checks call and how many checks failed (should be 0)."""
    urls, options = urls_for(lab, nodes, over)
    started = time.perf_counter()
    results = api.run_checks("post-deploy", urls, lab.address, credentials=lab.credential_options(),
                             parallel=len(urls), **options)
    elapsed = time.perf_counter() - started
    return elapsed, sum(1 for result in results if result.failed)


def startup_floor(lab: Lab, node, repeat: int) -> float:
    """Median wall time of the same pytest command collecting the checks without running them:
    interpreter, pytest, testinfra and plugin start-up, i.e. what a run costs before any host work."""
    import subprocess

    samples = []
    with tempfile.TemporaryDirectory() as workdir:
        args = api.pytest_args("post-deploy", [node.testinfra_url], lab.address,
                               json_path=os.path.join(workdir, "r.json"), extra=["--collect-only", "-q"])
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "pytest", *args], cwd=workdir, capture_output=True, check=False)
            samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(lab: Lab, nodes, repeat: int) -> list[tuple[str, str, float, float, int]]:
    floor = startup_floor(lab, nodes[0], repeat)
    print(f"start-up floor (collect only) median {floor:.2f} s", flush=True)
    rows = [("none", "start-up floor (pytest --collect-only)", floor, floor, 0)]
    for over in ("docker", "ssh"):
        for label, group in (("1 host", nodes[:1]), (f"{len(nodes)} hosts, parallel", nodes)):
            samples = [timed_run(lab, group, over) for _ in range(repeat)]
            times = [elapsed for elapsed, _ in samples]
            rows.append((over, label, statistics.median(times), max(times), max(f for _, f in samples)))
            print(f"{over:6} {label:22} median {rows[-1][2]:.2f} s  max {rows[-1][3]:.2f} s  "
                  f"failed checks {rows[-1][4]}", flush=True)
    return rows


def table(rows, hosts: int) -> str:
    lines = ["| transport | hosts | median wall time | max | goal | failed checks |",
             "| --- | --- | --- | --- | --- | --- |"]
    for over, label, median, worst, failed in rows:
        if over == "none":
            lines.append(f"| — | {label} | {median:.2f} s | — | — | — |")
            continue
        goal = GOAL_HOST_S if label == "1 host" else GOAL_TEN_S * hosts / 10
        verdict = "met" if median <= goal else "missed"
        lines.append(f"| {over}:// | {label} | {median:.2f} s | {worst:.2f} s | <= {goal:.0f} s ({verdict}) | {failed} |")
    return "\n".join(lines)


def write_section(body: str, path: Path = RESULTS) -> None:
    """Replace only our section (from our heading to the next '## ' heading)."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    start = text.find(HEADING + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    else:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + body + ("\n" + text[end + 1:] if end >= 0 else "\n")
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--image", default=None)
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    image = args.image
    if image is None:
        from harness.image.build import build_image
        image = build_image().tag
    with tempfile.TemporaryDirectory(prefix="bench-conformance-") as root:
        backend = DockerBackend(Run.new(Path(root)), image=image, ready_timeout=240)
        with backend.guarded():
            nodes = backend.start(args.hosts, role="overcloud")
            with Undercloud(bind=(backend.gateway,), password="bench-secret") as undercloud:
                lab = Lab(backend, undercloud, polling_interval=5)
                status = lab.deploy("overcloud", nodes)
                if status != "CREATE_COMPLETE":
                    raise SystemExit(f"the lab's stack ended {status}")
                rows = measure(lab, nodes, args.repeat)
    load = os.getloadavg()[0]
    body = "\n\n".join([
        HEADING,
        "`bench/conformance.py` (`.venv/bin/python bench/conformance.py --write`): "
        "`harness.conformance.api.run_checks(\"post-deploy\", ...)` with undercloud credentials "
        f"({len(checks.checks_for_stage('post-deploy'))} checks per host, AGENT-006 asks the fake Heat), "
        f"on {args.hosts} pseudo-nodes prepared the "
        "guide's manual way with every deployment signalled. Wall time includes one Python + pytest "
        "start-up per pytest process (one process per host when parallel), the Heat lookup, and "
        f"closing the SSH control masters. Median and max of {args.repeat} runs. Machine: "
        f"{os.cpu_count()} CPUs, load average {load:.1f} when the bench ended (other helpers' tests "
        "running).",
        table(rows, args.hosts),
        "Reading: the start-up floor row is the same pytest command collecting the checks without "
        "running them (interpreter, pytest, testinfra, plugin imports): what every pytest process "
        "pays before touching a host. A host then costs about 30 remote commands (docker exec, or "
        "commands over one SSH connection kept open by ControlMaster) plus the Heat lookup from the "
        "checking machine. On a machine whose load average is many times its CPU count every "
        "number here scales with the contention; compare runs by their ratio to the floor.",
    ])
    print(body)
    if args.write:
        write_section(body)


if __name__ == "__main__":
    main()
