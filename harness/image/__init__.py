"""Build the pseudo-node image with no container registry.

Two stages, both cached by content hash:

1. `tripleo-harness/base:<hash>`: Debian (bookworm) by `debootstrap --variant=minbase` from the mirror
   apt already uses (harness.image.mirror), imported with the Docker SDK.
2. `tripleo-harness/pseudo-node:<hash>`: the agents installed into a venv built inside the image
   from a wheelhouse fetched with pip on the host, the heat-agents elements from its source
   distribution placed where RDO's packages place them, systemd set up to run as PID 1 in a
   container, sshd with host keys made at first boot, the `stack` login user.

Entry points: `harness.image.build.build_image()`, `harness.image.runtime.RUN_OPTIONS` (how to run
the image), `harness.image.keys.make_run_keypair()` (per-run SSH key).
"""
from harness.image.errors import ImageBuildError

__all__ = ["ImageBuildError"]
