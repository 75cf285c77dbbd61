"""The per-run SSH key of the login user: made on the host, never baked into the image.

How the node backend installs it (no exec needed): bind-mount the public key read-only at
/etc/ssh/authorized_keys/<user> — the image's sshd reads `AuthorizedKeysFile .ssh/authorized_keys
/etc/ssh/authorized_keys/%u` (files/sshd-tripleo-harness.conf). `authorized_keys_volume()` gives
the Docker SDK `volumes` entry. sshd's StrictModes is satisfied: the file is root-owned and 0644,
its directory root-owned and 0755 in the image.

Host keys are made by each node at first boot (ssh-host-keys.service); the backend writes the
run's known_hosts from `/etc/ssh/ssh_host_ed25519_key.pub` read through the engine.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness.image.errors import ImageBuildError

LOGIN_USER = "stack"
AUTHORIZED_KEYS_DIR = "/etc/ssh/authorized_keys"
KEY_NAME = "id_ed25519"


@dataclass(frozen=True)
class KeyPair:
    private_key: Path
    public_key: Path

    @property
    def public_text(self) -> str:
        return self.public_key.read_text().strip()


def make_run_keypair(run_dir: Path, comment: str = "tripleo-harness") -> KeyPair:
    """An ed25519 key pair in `run_dir` (reused if this run already made one)."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    private = run_dir / KEY_NAME
    public = run_dir / f"{KEY_NAME}.pub"
    if not (private.exists() and public.exists()):
        ssh_keygen = shutil.which("ssh-keygen")
        if not ssh_keygen:
            raise ImageBuildError("ssh-keygen is not installed on this host; install openssh-client "
                                  "(e.g. `apt-get install openssh-client`) and re-run")
        private.unlink(missing_ok=True)
        public.unlink(missing_ok=True)
        subprocess.run([ssh_keygen, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(private)],
                       check=True, capture_output=True)
    public.chmod(0o644)
    return KeyPair(private, public)


def authorized_keys_volume(keypair: KeyPair, user: str = LOGIN_USER) -> dict:
    """The Docker SDK `volumes` entry that makes `keypair` the user's authorized key."""
    return {str(keypair.public_key.resolve()): {"bind": f"{AUTHORIZED_KEYS_DIR}/{user}", "mode": "ro"}}
