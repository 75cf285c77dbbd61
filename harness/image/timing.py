"""Phase timings of a build (reported by `harness image build -v` and bench/image_build.py)."""
from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator


@contextlib.contextmanager
def timed(timings: dict[str, float] | None, phase: str) -> Iterator[None]:
    started = time.monotonic()
    try:
        yield
    finally:
        if timings is not None:
            timings[phase] = round(time.monotonic() - started, 2)
