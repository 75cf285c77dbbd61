"""Benchmark: the pseudo-node image built from nothing, and the cached no-op.

From nothing = no base image, no node image, an empty pip cache (a temporary XDG_CACHE_HOME;
`--warm-pip` keeps the real one). The from-nothing build uses its own cache line
(Recipe.cache_line), so it never touches images that running nodes use; its images are removed
at the end. The cached no-op is timed both in-process (`build_image()`) and as the CLI a user runs
(`harness image build`, Python start-up included).

    .venv/bin/python bench/image_build.py [--warm-pip] [--repeat 5]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.image import recipe as r
from harness.image.build import build_image, docker_client

HARNESS = Path(sys.executable).with_name("harness")


def from_nothing(client, warm_pip: bool) -> dict:
    recipe = r.Recipe(pins=r.make_recipe().pins, cache_line=f"bench-{os.getpid()}-{time.time_ns()}")
    with tempfile.TemporaryDirectory(prefix="th-bench-cache-") as cache:
        if not warm_pip:
            os.environ["XDG_CACHE_HOME"] = cache
        try:
            started = time.monotonic()
            result = build_image(recipe, client=client)
            total = time.monotonic() - started
        finally:
            os.environ.pop("XDG_CACHE_HOME", None)
    image = client.images.get(result.tag)
    measured = {"total_s": round(total, 1), "phases_s": result.timings,
                "node_image_mb": round(image.attrs["Size"] / 1e6),
                "base_image_mb": round(client.images.get(result.base_tag).attrs["Size"] / 1e6)}
    for tag in (result.tag, result.base_tag):
        client.images.remove(tag)
    return measured


def cached(client, repeat: int) -> dict:
    build_image(client=client)  # make sure the current recipe's image exists
    in_process, cli = [], []
    for _ in range(repeat):
        started = time.monotonic()
        assert build_image(client=client).cached
        in_process.append(time.monotonic() - started)
        started = time.monotonic()
        subprocess.run([str(HARNESS), "image", "build"], check=True, capture_output=True)
        cli.append(time.monotonic() - started)
    return {"in_process_median_s": round(statistics.median(in_process), 3),
            "cli_median_s": round(statistics.median(cli), 2), "cli_max_s": round(max(cli), 2),
            "repeat": repeat}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm-pip", action="store_true", help="keep the real pip/wheel cache")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    client = docker_client()
    info = client.info()
    report = {
        "engine": f"Docker {info.get('ServerVersion')}, cgroup v{info.get('CgroupVersion')}, "
                  f"{info.get('Driver')}, {info.get('NCPU')} CPUs",
        "from_nothing": from_nothing(client, args.warm_pip),
        "pip_cache": "warm" if args.warm_pip else "cold",
        "cached_no_op": cached(client, args.repeat),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
