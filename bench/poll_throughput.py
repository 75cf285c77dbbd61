"""Metadata poll throughput: HEAD and GET of a temp URL object, as os-collect-config polls it.

The fake undercloud runs pinned to one core (taskset), the load generator to another, with
concurrent keep-alive connections. GET is driven by `wrk`; HEAD by `ab -i -k` (wrk waits for a
body after a HEAD answer that carries Content-Length, so it cannot measure HEAD); without those
tools, by Python client processes (http.client, keep-alive). Reported per method: requests/s,
p99 latency, and the server's CPU time per request (from /proc), which gives the capacity of one
core independently of whatever else the machine is doing.

    .venv/bin/python bench/poll_throughput.py [--duration 10] [--connections 8]
        [--threads 4] [--write bench/RESULTS.md]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SECTION = "## Metadata poll throughput"
GOAL_RPS, GOAL_P99_MS = 3000, 10.0


def metadata_document(swift_root: str, account: str, deployments: int = 12) -> bytes:
    """Deployed-server metadata shaped like Heat's (protocol.md 2/3.1), about 8 KB."""
    entries = [{
        "name": f"overcloud-Controller-deployment-{i}", "group": "script", "id": f"{i:08x}-cfg",
        "config": "#!/bin/bash\nset -eux\necho configuring step %d\n" % i,
        "options": {}, "outputs": [],
        "inputs": [{"name": "deploy_server_id", "type": "String", "value": "server-0"},
                   {"name": "deploy_action", "type": "String", "value": "CREATE"},
                   {"name": "deploy_signal_transport", "type": "String", "value": "TEMP_URL_SIGNAL"},
                   {"name": "deploy_signal_id", "type": "String", "value":
                    f"{swift_root}/v1/{account}/stack/deployment-{i}?temp_url_sig="
                    f"{'ab' * 20}&temp_url_expires=2147483586"},
                   {"name": "deploy_signal_verb", "type": "String", "value": "PUT"}],
    } for i in range(deployments)]
    return json.dumps({"os-collect-config": {"collectors": ["request", "local"]},
                       "deployments": entries}).encode()


def serve(threads: int, journal: bool) -> None:
    """Child process: run the Undercloud, print the temp URL, serve until stdin closes."""
    from fakes.undercloud import Undercloud
    cloud = Undercloud(ports={"keystone": 0, "heat": 0, "cfn": 0, "swift": 0}, threads=threads,
                       journal_capacity=10000 if journal else 0)
    cloud.start()
    account = f"AUTH_{cloud.keystone.admin_project_id}"
    cloud.swift.put_container(account, "ov-deployed-server")
    body = metadata_document(cloud.endpoints.swift_root, account)
    cloud.swift.put_object(account, "ov-deployed-server", "metadata", body)
    url = cloud.endpoints.swift_root + cloud.swift.temp_url(
        "GET", account, "ov-deployed-server", "metadata")
    print(json.dumps({"url": url, "bytes": len(body), "pid": os.getpid()}), flush=True)
    sys.stdin.read()
    cloud.stop()


def serve_baseline(threads: int) -> None:
    """Child process: waitress with a constant app returning a body of the same size.

    This is the floor the server itself sets on this machine: the fake cannot be faster.
    """
    import logging

    from waitress import create_server
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    body = metadata_document("http://127.0.0.1:8080", "AUTH_x")

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(body)))])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    server = create_server(app, host="127.0.0.1", port=0, threads=threads, ident="")
    url = f"http://127.0.0.1:{server.effective_port}/v1/AUTH_x/c/o?temp_url_sig=x"
    print(json.dumps({"url": url, "bytes": len(body), "pid": os.getpid()}), flush=True)
    import threading
    threading.Thread(target=server.run, daemon=True).start()
    sys.stdin.read()


def pinned(cpu: int | None, argv: list[str]) -> list[str]:
    if cpu is None or not shutil.which("taskset"):
        return argv
    return ["taskset", "-c", str(cpu), *argv]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(url, connections, duration, cpu):
    out = subprocess.run(pinned(cpu, ["wrk", "-t1", f"-c{connections}", f"-d{duration}s",
                                      "--latency", url]),
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(errors.group(1)) if errors else 0


def run_ab_head(url, connections, duration, cpu):
    out = subprocess.run(pinned(cpu, ["ab", "-q", "-k", "-i", f"-c{connections}",
                                      f"-t{duration}", "-n", "10000000", url]),
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1))
    p99 = float(re.search(r"^\s*99%\s+(\d+)", out, re.M).group(1))  # ab reports whole ms
    non2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    failed = int(re.search(r"Failed requests:\s+(\d+)", out).group(1))
    return rps, p99, failed + (int(non2xx.group(1)) if non2xx else 0)


def _client_process(url, method, seconds, queue):
    """One keep-alive connection issuing `method` back to back; sends its latencies."""
    import http.client
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    target = f"{parts.path}?{parts.query}"
    latencies, errors = [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        conn.request(method, target)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        errors += response.status >= 400
    queue.put((latencies, errors))


def python_load(url, method, connections, seconds, cpu):
    """Fallback load generator: one process per connection, pinned to `cpu`."""
    import multiprocessing
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_client_process, args=(url, method, seconds, queue))
               for _ in range(connections)]
    for worker in workers:
        worker.start()
        if cpu is not None and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(worker.pid, {cpu})
    results = [queue.get(timeout=seconds + 60) for _ in workers]
    for worker in workers:
        worker.join()
    latencies = sorted(x for lat, _ in results for x in lat)
    p99 = latencies[int(len(latencies) * 0.99)] * 1000 if latencies else float("nan")
    return len(latencies) / seconds, p99, sum(e for _, e in results)


def measure(method, tool, url, args, server_pid):
    before = cpu_seconds(server_pid)
    started = time.monotonic()
    if tool == "wrk":
        rps, p99, errors = run_wrk(url, args.connections, args.duration, args.client_cpu)
    elif tool == "ab":
        rps, p99, errors = run_ab_head(url, args.connections, args.duration, args.client_cpu)
    else:
        rps, p99, errors = python_load(url, method, args.connections, args.duration,
                                       args.client_cpu)
    elapsed = time.monotonic() - started
    cpu_per_request = (cpu_seconds(server_pid) - before) / max(rps * elapsed, 1)
    return {"method": method, "tool": tool, "rps": rps, "p99_ms": p99, "errors": errors,
            "server_cpu_us": cpu_per_request * 1e6, "capacity": 1 / cpu_per_request}


def choose_tool(method: str, wanted: str) -> str:
    if wanted != "auto":
        return wanted
    if method == "GET" and shutil.which("wrk"):
        return "wrk"
    if method == "HEAD" and shutil.which("ab"):
        return "ab"
    return "python"


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    return {"nproc": os.cpu_count(), "cpu": model.group(1).strip() if model else "unknown",
            "python": sys.version.split()[0], "load": os.getloadavg()}


def report(results, info, args, load_after) -> str:
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [SECTION, "",
             f"Measured {date} by `bench/poll_throughput.py` on {info['nproc']} x {info['cpu']}, "
             f"Python {info['python']}; load average before/after: "
             f"{info['load'][0]:.1f} / {load_after:.1f}"
             + (" (other jobs shared the machine)." if info["load"][0] > 1.5 else "."),
             f"Server pinned to CPU {args.server_cpu} ("
             + ("bare waitress with a constant app: the floor" if args.baseline else
                f"the Undercloud on waitress, journal {'off' if args.no_journal else 'on'}")
             + f", {args.threads} threads per listener"
             + (f", switch interval {args.switch_interval * 1000:g} ms" if args.switch_interval
                else "") + f"), load generator on CPU {args.client_cpu}, "
             f"{args.connections} keep-alive connections, {args.duration} s per method, "
             f"temp URL object of {info['bytes']} bytes.", "",
             "| method | tool | req/s | p99 ms | errors | server CPU per request | "
             "one-core capacity |", "|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['method']} | {r['tool']} | {r['rps']:.0f} | {r['p99_ms']:.1f} | "
                     f"{r['errors']} | {r['server_cpu_us']:.0f} µs | {r['capacity']:.0f} req/s |")
    lines += ["", f"Goal: >= {GOAL_RPS} req/s with p99 <= {GOAL_P99_MS:.0f} ms."]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str, notes: str) -> None:
    """Replace our section of RESULTS.md (others append their own sections)."""
    text = path.read_text() if path.exists() else "# Benchmark results\n\n"
    body = section + ("\n" + notes if notes else "")
    pattern = re.compile(re.escape(SECTION) + r"\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: body + "\n", text) if pattern.search(text) \
        else text.rstrip("\n") + "\n\n" + body
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--client-cpu", type=int, default=1)
    parser.add_argument("--tool", choices=["auto", "wrk", "ab", "python"], default="auto")
    parser.add_argument("--switch-interval", type=float,
                        help="sys.setswitchinterval() in the server (GIL hand-over, default 5 ms)")
    parser.add_argument("--baseline", action="store_true",
                        help="serve a constant body with bare waitress instead (the floor)")
    parser.add_argument("--no-journal", action="store_true",
                        help="turn the request journal off (to measure what it costs)")
    parser.add_argument("--write", type=Path, help="update this RESULTS.md section")
    parser.add_argument("--notes", type=Path, help="markdown appended to the section")
    args = parser.parse_args()
    if args.serve:
        if args.switch_interval:
            sys.setswitchinterval(args.switch_interval)
        if args.baseline:
            return serve_baseline(args.threads)
        return serve(args.threads, not args.no_journal)
    info = machine()
    server = subprocess.Popen(pinned(args.server_cpu, [sys.executable, __file__, "--serve",
                                                       "--threads", str(args.threads)]
                                      + (["--no-journal"] if args.no_journal else [])
                                      + (["--baseline"] if args.baseline else [])
                                      + (["--switch-interval", str(args.switch_interval)]
                                         if args.switch_interval else [])),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        started = json.loads(server.stdout.readline())
        info["bytes"] = started["bytes"]
        results = [measure(m, choose_tool(m, args.tool), started["url"], args, started["pid"])
                   for m in ("HEAD", "GET")]
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    text = report(results, info, args, os.getloadavg()[0])
    print(text)
    if args.write:
        write_section(args.write, text, args.notes.read_text() if args.notes else "")


if __name__ == "__main__":
    main()
