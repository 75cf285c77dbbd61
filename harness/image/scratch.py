"""The build's scratch directory, removed safely even after an interrupted debootstrap.

debootstrap mounts /proc and /sys inside the target while it installs; killed half-way (Ctrl-C),
it may leave them mounted. Deleting the tree then would walk into the host's /proc and /sys, so
mounts under the scratch directory are lazily unmounted first, and if any remain the directory
is left in place with a message instead of being deleted.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)
MOUNTINFO = Path("/proc/self/mountinfo")


def make_scratch(parent: Path | None = None) -> Path:
    return Path(tempfile.mkdtemp(prefix="th-image-", dir=parent))


def mounts_under(root: Path, mountinfo: str | None = None) -> list[str]:
    """Mount points at or below `root`, deepest first (the order to unmount them)."""
    text = MOUNTINFO.read_text() if mountinfo is None else mountinfo
    prefix = str(root.resolve()).rstrip("/") + "/"
    points = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) > 4:
            point = fields[4].replace("\\040", " ")
            if point.startswith(prefix):
                points.append(point)
    return sorted(points, key=lambda p: p.count("/"), reverse=True)


def remove_scratch(root: Path) -> None:
    for point in mounts_under(root):
        subprocess.run(["umount", "--lazy", point], capture_output=True)
    left = mounts_under(root)
    if left:
        log.warning("not removing %s: still mounted: %s (unmount them, then delete it)", root, ", ".join(left))
        return
    shutil.rmtree(root, ignore_errors=True)
