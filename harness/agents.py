"""Configuring the node agents (os-collect-config), both of the guide's ways.

Manual (the guide's "Manual configuration of os-collect-config"): find each node's
`deployed-server` resource through the Heat API — the lookups of
`openstack stack resource list -n 5 overcloud` and `openstack stack resource metadata` — write
`/etc/os-collect-config.conf` on the node and restart the service.

Automatic (the guide's get-occ-config.sh): over SSH as the nodes' login user, with passwordless
sudo, write `/var/lib/os-collect-config/local-data/deployed-server.json` and start and enable the
service. The harness's own implementation drives the real `ssh` client with the run's key and
known_hosts; an external script can be run instead with the environment such scripts expect.

Either way the polling interval goes into local-data too: Heat's metadata carries no
`polling_interval`, and os-apply-config re-renders /etc/os-collect-config.conf from the merged
metadata (local-data included) after the agent's first run.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.overcloud.client import HeatClient, stack_of

DEPLOYED_SERVER = "OS::Heat::DeployedServer"
LOCAL_DATA_DIR = "/var/lib/os-collect-config/local-data"
INTERVAL_FILE = f"{LOCAL_DATA_DIR}/tripleo-harness-polling.json"
AUTOMATIC_FILE = f"{LOCAL_DATA_DIR}/deployed-server.json"
OCC_CONF = "/etc/os-collect-config.conf"
# `<stack>-<Role>-<12>-<index>-<12>-<Server>-<12>`: the nested stack holding deployed-server
_MEMBER = r"-(?P<role>[A-Za-z][A-Za-z0-9]*)-[A-Za-z0-9]{12}-(?P<index>\d+)-[A-Za-z0-9]{12}-[A-Za-z0-9]+-[A-Za-z0-9]{12}$"


class AgentConfigError(Exception):
    """Agent configuration could not be done; the message says which node and why."""


@dataclass(frozen=True)
class DeployedServerRef:
    role: str
    index: int
    stack_name: str       # the guide's last column of `resource list -n 5`
    stack_path: str       # /stacks/<name>/<id>
    metadata_url: str


def member_of(row_stack_name: str, stack_name: str) -> tuple[str, int] | None:
    """(role, index) from the nested stack name of a deployed-server row, else None."""
    match = re.match(re.escape(stack_name) + _MEMBER, row_stack_name)
    return (match["role"], int(match["index"])) if match else None


def deployed_servers(heat: HeatClient, stack_name: str) -> dict[tuple[str, int], DeployedServerRef]:
    """Every deployed-server resource of the stack with its metadata URL, by (role, index)."""
    stack = heat.show(stack_name)
    found = {}
    for row in heat.resources(stack, nested_depth=5, type=DEPLOYED_SERVER):
        if row.get("resource_type") != DEPLOYED_SERVER:
            continue
        name, stack_id = stack_of(row)
        member = member_of(name, stack_name)
        if member is None:
            continue
        path = f"/stacks/{name}/{stack_id}"
        metadata = heat.resource_metadata(path, row["resource_name"])
        url = ((metadata.get("os-collect-config") or {}).get("request") or {}).get("metadata_url")
        if url:
            found[member] = DeployedServerRef(member[0], member[1], name, path, url)
    return found


def occ_conf_text(metadata_url: str, interval: float) -> str:
    """/etc/os-collect-config.conf of the guide's manual path, with the harness's interval."""
    return ("[DEFAULT]\ncollectors=request\ncommand=os-refresh-config\n"
            f"polling_interval={_seconds(interval)}\n\n[request]\nmetadata_url={metadata_url}\n")


def interval_data(interval: float) -> bytes:
    return json.dumps({"os-collect-config": {"polling_interval": _seconds(interval)}}).encode()


def automatic_data(metadata_url: str, interval: float) -> bytes:
    return json.dumps({"os-collect-config": {
        "collectors": ["request", "local"], "request": {"metadata_url": metadata_url},
        "polling_interval": _seconds(interval)}}, indent=2).encode()


def _seconds(interval: float) -> int:
    return max(1, int(round(interval)))


def _must(node, command: str) -> None:
    result = node.exec(["sh", "-c", command])
    if result.exit_code != 0:
        raise AgentConfigError(f"{node.name}: `{command}` exited {result.exit_code}: "
                               f"{(result.stderr or result.stdout).strip()[-500:]}")


LOCALE_DROP_IN = "/etc/systemd/system/os-collect-config.service.d/tripleo-harness-locale.conf"


def ensure_agent_locale(node) -> None:
    """Work around a pseudo-node image defect: with LANG=C.UTF-8, Python 3.11's
    locale.getdefaultlocale() answers en_US.UTF-8 (not installed), and the agent's `local`
    collector dies restoring it, so local-data (the polling interval, the automatic path's
    metadata URL) is never read. LANG=C without locale coercion keeps UTF-8 (PEP 540) and a
    locale that exists. Real servers have their default locale installed."""
    probe = node.exec(["sh", "-c", "env LANG=C.UTF-8 /opt/heat-agents/bin/python -W ignore -c "
                       "'import locale; locale.setlocale(locale.LC_ALL, locale.getdefaultlocale())'"])
    if probe.exit_code == 0 or "unsupported locale" not in probe.stderr:
        return
    _must(node, f"mkdir -p {LOCALE_DROP_IN.rsplit('/', 1)[0]}")
    node.put_file(LOCALE_DROP_IN, b"[Service]\nEnvironment=LANG=C PYTHONCOERCECLOCALE=0\n", 0o644)
    _must(node, "systemctl daemon-reload")


def configure_manual(node, metadata_url: str, interval: float) -> None:
    """The guide's manual path on one node (as root, the way an operator with sudo does it)."""
    ensure_agent_locale(node)
    _must(node, f"install -d -m 0700 -o root -g root {LOCAL_DATA_DIR}")
    node.put_file(INTERVAL_FILE, interval_data(interval), 0o600)
    node.put_file(OCC_CONF, occ_conf_text(metadata_url, interval).encode(), 0o644)
    _must(node, "systemctl restart os-collect-config")


@dataclass(frozen=True)
class SshAccess:
    """How the harness reaches nodes as the operator would: the run's key and known_hosts."""
    user: str
    key: Path
    known_hosts: Path

    def command(self, address: str, remote: str) -> list[str]:
        # Host keys are checked against the run's known_hosts (written after boot), never skipped.
        return ["ssh", "-i", str(self.key), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", f"UserKnownHostsFile={self.known_hosts}", "-o", "StrictHostKeyChecking=yes",
                "-o", "ConnectTimeout=10", f"{self.user}@{address}", remote]


def configure_automatic_node(ssh: SshAccess, address: str, metadata_url: str,
                             interval: float) -> None:
    """One node of the automatic path: local-data JSON through sudo, then start and enable."""
    remote = " && ".join([
        f"sudo -n install -d -m 0700 -o root -g root {LOCAL_DATA_DIR}",
        f"sudo -n sh -c 'umask 077; cat > {AUTOMATIC_FILE}'",
        "sudo -n systemctl enable os-collect-config",
        "sudo -n systemctl restart os-collect-config"])
    completed = subprocess.run(ssh.command(address, remote), input=automatic_data(metadata_url, interval),
                               capture_output=True, timeout=120, check=False)
    if completed.returncode != 0:
        raise AgentConfigError(f"ssh {ssh.user}@{address} exited {completed.returncode}: "
                               f"{completed.stderr.decode(errors='replace').strip()[-500:]}")


def script_environment(base: dict, hosts_by_role: dict[str, list[str]], ssh: SshAccess,
                       stack_name: str, stackrc: dict[str, str]) -> dict[str, str]:
    """What get-occ-config.sh-style scripts read: OS_*, OVERCLOUD_ROLES, <role>_hosts
    (user@address, index order), SUBNODES_SSH_KEY, STACK_NAME; the venv's bin first on PATH."""
    env = {k: v for k, v in base.items() if not k.startswith("OS_")}
    env.update(stackrc)
    env["OVERCLOUD_ROLES"] = " ".join(hosts_by_role)
    for role, addresses in hosts_by_role.items():
        env[f"{role}_hosts"] = " ".join(f"{ssh.user}@{address}" for address in addresses)
    env["SUBNODES_SSH_KEY"] = str(ssh.key)
    env["STACK_NAME"] = stack_name
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), base.get("PATH", os.defpath)])
    return env


def run_configure_script(script: str | Path, env: dict[str, str], cwd: Path,
                         timeout: float = 600) -> subprocess.CompletedProcess:
    """Run an external agent configuration script; an error names its exit code and output."""
    script = Path(script)
    if not script.is_file():
        raise AgentConfigError(f"configure script {script} does not exist; pass the path of a "
                               "script such as get-occ-config.sh")
    missing = [tool for tool in ("openstack", "jq", "ssh") if not shutil.which(tool, path=env["PATH"])]
    if missing:
        raise AgentConfigError(f"the configure script needs {', '.join(missing)} on the PATH: "
                               "install python-openstackclient in the venv and jq/openssh-client "
                               "on the host")
    command = ["bash", str(script.resolve())] if not os.access(script, os.X_OK) else [str(script.resolve())]
    completed = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True,
                               timeout=timeout, check=False)
    (cwd / "configure-script.log").write_text(completed.stdout + completed.stderr)
    if completed.returncode != 0:
        raise AgentConfigError(f"configure script {shlex.quote(str(script))} exited "
                               f"{completed.returncode}: {(completed.stderr or completed.stdout).strip()[-800:]}")
    return completed


def prepare_for_local_data(node, interval: float) -> None:
    """Before the automatic path: the polling interval in local-data (get-occ-config.sh writes
    none) and an agent configuration that only tries the collectors a deployed server uses.
    Pseudo-nodes are not on a cloud: the default collectors include ec2, which would reach for
    169.254.169.254 outside the run network on the agent's first run."""
    ensure_agent_locale(node)
    _must(node, f"install -d -m 0700 -o root -g root {LOCAL_DATA_DIR}")
    node.put_file(INTERVAL_FILE, interval_data(interval), 0o600)
    node.put_file(OCC_CONF, ("[DEFAULT]\ncommand=os-refresh-config\ncollectors=request\ncollectors=local\n"
                             f"polling_interval={_seconds(interval)}\n").encode(), 0o644)
