"""Benchmark: pseudo-node start time and memory per node (docker backend).

    .venv/bin/python bench/nodes_start.py [--counts 4,10,25] [--image IMAGE] [--write]

For each count: wall time from `start()` to every node answering `systemctl is-system-running`
= running/degraded; then each node's memory, read from its container cgroup through the Docker
SDK's stats (`rss` = anonymous memory of its processes; `usage` = what `docker stats` shows:
usage minus page cache), idle and again with os-collect-config running. --write replaces the
"## Pseudo-node start and memory" section of bench/RESULTS.md (and only that section).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.nodes.docker import DockerBackend  # noqa: E402
from harness.nodes.run import Run  # noqa: E402

HEADING = "## Pseudo-node start and memory"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
GOAL_START_S, GOAL_MIB = 10.0, 60.0
SETTLE_S = 5.0  # let first-boot units (host keys, journald flushes) finish before measuring
AGENT_SAMPLES = 10  # the agent's memory moves (imports, cycles, restarts): keep each node's peak
MIB = 1024 * 1024


def memory_of(node) -> tuple[float, float]:
    """(rss MiB, usage-minus-cache MiB) of one node's container cgroup (cgroup v1 names)."""
    stats = node.container.stats(stream=False)["memory_stats"]
    detail = stats.get("stats", {})
    rss = detail.get("total_rss", detail.get("anon", 0))
    cache = detail.get("total_inactive_file", detail.get("inactive_file", 0))
    return rss / MIB, (stats.get("usage", 0) - cache) / MIB


def memory_all(nodes, samples: int = 1) -> tuple[float, float]:
    """Mean over nodes of each node's highest (rss, usage) across `samples` one-second samples."""
    peaks = [(0.0, 0.0)] * len(nodes)
    for sample in range(samples):
        with ThreadPoolExecutor(max_workers=16) as pool:
            now = list(pool.map(memory_of, nodes))
        peaks = [(max(a[0], b[0]), max(a[1], b[1])) for a, b in zip(peaks, now)]
        if sample + 1 < samples:
            time.sleep(1.0)
    return (statistics.mean(p[0] for p in peaks), statistics.mean(p[1] for p in peaks))


def slowest_units(node, top: int = 3) -> str:
    """What the boot waited on: `systemd-analyze blame` of one node."""
    lines = node.exec(["systemd-analyze", "blame", "--no-pager"]).stdout.split("\n")[:top]
    return ", ".join(" ".join(line.split()) for line in lines if line.strip())


def start_agents(nodes) -> int:
    """Start os-collect-config everywhere; returns how many report it active."""
    def start(node) -> bool:
        node.exec(["systemctl", "start", "os-collect-config"])
        return node.exec(["systemctl", "is-active", "os-collect-config"]).stdout.strip() == "active"
    with ThreadPoolExecutor(max_workers=16) as pool:
        return sum(pool.map(start, nodes))


def measure(count: int, image: str | None) -> dict:
    backend = DockerBackend(Run.new(Path(tempfile.mkdtemp(prefix="th-bench-"))), image=image,
                            ready_timeout=180)
    with backend.guarded():
        backend.plan_addresses(count)  # the network is made before the clock starts
        load = os.getloadavg()[0]
        began = time.monotonic()
        nodes = backend.start(count, role="Compute")
        took = time.monotonic() - began
        time.sleep(SETTLE_S)
        idle_rss, idle_usage = memory_all(nodes)
        blame = slowest_units(nodes[0])
        agents = start_agents(nodes)
        agent_rss, agent_usage = memory_all(nodes, samples=AGENT_SAMPLES)
        image_used = backend.image
    return {"count": count, "start_s": took, "idle_rss": idle_rss, "idle_usage": idle_usage,
            "agents": agents, "agent_rss": agent_rss, "agent_usage": agent_usage,
            "image": image_used, "load": load, "blame": blame}


def table(rows: list[dict]) -> str:
    lines = ["| nodes | host load before | start to all running (s) | idle RSS / node (MiB) | idle usage / node "
             "(MiB) | agent active | with agent RSS / node (MiB) | with agent usage / node (MiB) |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r['count']} | {r['load']:.1f} | {r['start_s']:.1f} | {r['idle_rss']:.1f} | "
                     f"{r['idle_usage']:.1f} | {r['agents']}/{r['count']} | {r['agent_rss']:.1f} | "
                     f"{r['agent_usage']:.1f} |")
    return "\n".join(lines)


def verdict(rows: list[dict]) -> str:
    parts = []
    four = next((r for r in rows if r["count"] == 4), None)
    if four:
        parts.append(f"4 nodes up in {four['start_s']:.1f} s "
                     f"(goal <= {GOAL_START_S:.0f} s: {_against(four['start_s'], GOAL_START_S, 's')}).")
    worst = max(max(r["idle_usage"], r["agent_usage"]) for r in rows)
    parts.append(f"Worst memory per node {worst:.1f} MiB "
                 f"(goal <= {GOAL_MIB:.0f} MiB: {_against(worst, GOAL_MIB, 'MiB')}).")
    return " ".join(parts)


def _against(value: float, goal: float, unit: str) -> str:
    return "met" if value <= goal else f"missed by {value - goal:.1f} {unit}"


def write_section(body: str, path: Path = RESULTS) -> None:
    """Replace only our section (from our heading to the next '## ' heading)."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    start = text.find(HEADING)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    else:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + body + ("\n" + text[end + 1:] if end >= 0 else "\n")
    path.write_text(text)


NOTES = (
    "Reading: start time is boot time, and boot time is CPU: N nodes boot their systemd, "
    "journald, dbus, logind and sshd (and make their SSH host key) on the same CPUs at once, so "
    "the time grows with N and with the host's load (other helpers' builds and tests ran "
    "alongside; see the load column and the slowest units above). The engine side (create + "
    "start of the containers, in parallel) took about 1 s for 4 nodes, measured apart at load 7. "
    "Memory: an idle node's processes hold about 6 MiB; os-collect-config's Python adds about "
    "30 MiB of RSS; the usage column adds the page cache of the files read (the agent venv "
    "through fuse-overlayfs), charged to the first node that reads them. Unconfigured, "
    "os-collect-config exits and systemd restarts it, so the agent figures are its start-up peak.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="4,10,25")
    parser.add_argument("--image", default=None)
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    rows = []
    for count in args.counts.split(","):
        rows.append(measure(int(count), args.image))
        print(table(rows).splitlines()[-1], flush=True)
    body = "\n\n".join([
        HEADING,
        f"`bench/nodes_start.py` on {os.cpu_count()} CPUs, Docker "
        f"{_engine_version()}, image `{rows[0]['image']}`, memory "
        f"limit 256 MiB per node. Idle memory: one sample {SETTLE_S:.0f} s after boot; with "
        f"agent: `systemctl start os-collect-config` on every node, then each node's peak over "
        f"{AGENT_SAMPLES} one-second samples. RSS = the cgroup's anonymous memory (its processes); "
        f"usage = cgroup usage minus inactive page cache (what `docker stats` shows).",
        table(rows), verdict(rows),
        "Slowest boot units (one node per count): " + "; ".join(
            f"{r['count']} nodes: {r['blame']}" for r in rows) + ".", NOTES])
    print(body)
    if args.write:
        write_section(body)


def _engine_version() -> str:
    import docker
    info = docker.from_env().info()
    return (f"{info.get('ServerVersion')} (cgroup v{info.get('CgroupVersion')}, "
            f"{info.get('Driver')}, {info.get('CgroupDriver')})")


if __name__ == "__main__":
    main()
