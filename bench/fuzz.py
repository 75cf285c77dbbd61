"""Fuzzing and interruption, the long forms: the fakes' HTTP surfaces under >= 10,000 random
requests (in-process and over loopback sockets, harness/faults/fuzz.py), and `harness run`
interrupted by SIGINT (20 rounds) and SIGKILL (10 rounds) with leaks counted after each
(tests/docker/test_interrupt.py). Prints the figures; --write puts them into bench/RESULTS.md
(section "## Fuzzing and interruption" only).

    .venv/bin/python bench/fuzz.py [--requests 12000] [--sigint 20] [--sigkill 10] [--write bench/RESULTS.md]
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

SECTION = "## Fuzzing and interruption"


def fuzz_figures(requests: int, sockets: bool, seed: int) -> dict:
    from fakes.undercloud import Undercloud
    from harness.faults.fuzz import FuzzTarget, fuzz

    ports = {"keystone": 0, "heat": 0, "cfn": 0, "swift": 0}
    cloud = Undercloud(password="bench", ports=ports)
    sender = None
    try:
        if sockets:
            from integration.test_fuzz_sockets import SocketSender
            cloud.start()
            sender = SocketSender(cloud)
        target = FuzzTarget.in_process(cloud)
        began = time.monotonic()
        stats = fuzz(target, requests, seed=seed, **({"sender": sender} if sender else {}))
        seconds = time.monotonic() - began
    finally:
        cloud.stop()
    return {"transport": "loopback sockets" if sockets else "in-process WSGI", "requests": stats.requests,
            "seconds": round(seconds, 1), "server_errors": stats.server_errors,
            "known": dict(stats.known), "crashes": len(stats.problems), "problems": stats.problems[:5],
            "unsendable": getattr(sender, "unsendable", 0), "statuses": dict(sorted(stats.statuses.items()))}


def interrupt_figures(sigint: int, sigkill: int) -> dict:
    from docker_tests_interrupt import interrupt_rounds  # loaded by path in main()

    with tempfile.TemporaryDirectory(prefix="interrupt-") as root:
        began = time.monotonic()
        rounds = interrupt_rounds(Path(root), sigint, sigkill)
        seconds = time.monotonic() - began
    return summarise(rounds, seconds)


def summarise(rounds: list[dict], seconds: float | None) -> dict:
    return {"rounds": len(rounds), "seconds": round(seconds) if seconds else "-",
            "sigint": sum(r["signal"] == "SIGINT" for r in rounds),
            "sigkill": sum(r["signal"] == "SIGKILL" for r in rounds),
            "orphaned_by_sigkill": sum(r["orphaned"] for r in rounds if r["signal"] == "SIGKILL"),
            "orphaned_by_sigint": sum(r["orphaned"] for r in rounds if r["signal"] == "SIGINT"),
            "leaked": sum(r["leaked"] for r in rounds),
            "broken_artefacts": sum(len(r["broken_artefacts"]) for r in rounds)}


def render(fuzzes: list[dict], interrupts: dict | None) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [SECTION, "", f"Measured {when} by `bench/fuzz.py` (the long forms of `make test-long`).", "",
             "| fuzz transport | requests | 5xx | of which known fake bugs | crashes (5xx/traceback/dropped, unknown) | unsendable by the client | time |",
             "|---|---|---|---|---|---|---|"]
    for f in fuzzes:
        known = ", ".join(f"{k}: {v}" for k, v in f["known"].items()) or "none"
        lines.append(f"| {f['transport']} | {f['requests']} | {f['server_errors']} | {known} | "
                     f"{f['crashes']} | {f['unsendable']} | {f['seconds']} s |")
    lines += ["", "Known fake bugs found by fuzzing (strict xfails in tests/unit/test_fuzz_fakes.py): "
              "a malformed `Range` on a Swift object GET answers 500 (Swift ignores it: 200); a "
              "software config whose `inputs` is not a list answers 500 (Heat: 400)."]
    for f in fuzzes:
        if f["problems"]:
            lines.append(f"- {f['transport']}: first problems: {f['problems']}")
    if interrupts:
        i = interrupts
        lines += ["", "| interruption rounds | SIGINT | SIGKILL | objects orphaned by SIGKILL (removed by `harness down RUN`) | left by SIGINT | leaked after clean-up | broken JSON artefacts | time |",
                  "|---|---|---|---|---|---|---|---|",
                  f"| {i['rounds']} | {i['sigint']} | {i['sigkill']} | {i['orphaned_by_sigkill']} | "
                  f"{i['orphaned_by_sigint']} | {i['leaked']} | {i['broken_artefacts']} | {i['seconds']} s |"]
    return "\n".join(lines) + "\n"


def write_section(path: Path, body: str) -> None:
    """Replace only our section of RESULTS.md."""
    text = path.read_text() if path.exists() else "# Benchmark results\n\n"
    pattern = re.compile(re.escape(SECTION) + r"\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: body + "\n", text) if pattern.search(text) \
        else text.rstrip("\n") + "\n\n" + body
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=12_000)
    parser.add_argument("--sigint", type=int, default=20)
    parser.add_argument("--sigkill", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--rounds-json", type=Path,
                        help="take the interruption figures from this file (written by the long "
                             "form of tests/docker/test_interrupt.py) instead of running rounds")
    parser.add_argument("--rounds-seconds", type=float, help="how long those rounds took")
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    fuzzes = [fuzz_figures(args.requests, False, args.seed), fuzz_figures(args.requests, True, args.seed + 1)]
    interrupts = None
    if args.rounds_json:
        import json
        interrupts = summarise(json.loads(args.rounds_json.read_text()), args.rounds_seconds)
    elif args.sigint or args.sigkill:
        import importlib.util
        spec = importlib.util.spec_from_file_location("docker_tests_interrupt",
                                                      REPO / "tests" / "docker" / "test_interrupt.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules["docker_tests_interrupt"] = module
        interrupts = interrupt_figures(args.sigint, args.sigkill)
    body = render(fuzzes, interrupts)
    print(body)
    if args.write:
        write_section(args.write, body)


if __name__ == "__main__":
    main()
