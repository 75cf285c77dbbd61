"""What a node itself shows: its heat-config state (which configs it ran, when, what it would
signal), whether its agent is running, and the agent's journal. One command per question;
a node that is off or unreachable is reported as such, never raised.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from fakes.redact import redact_text

DEPLOYED_DIR = "/var/lib/heat-config/deployed"
AGENT_UNIT = "os-collect-config"
# mtimes of every deployed/<id>.json and <id>.notify.json, and the notify files' content
_STATE_SCRIPT = f"""
import glob, json, os
out = {{}}
for path in glob.glob("{DEPLOYED_DIR}/*.json"):
    name = os.path.basename(path)
    notify = name.endswith(".notify.json")
    config = name[:-len(".notify.json")] if notify else name[:-len(".json")]
    entry = out.setdefault(config, {{}})
    entry["notify" if notify else "json"] = os.stat(path).st_mtime
    if notify:
        with open(path, errors="replace") as f:
            entry["notify_text"] = f.read(20000)
print(json.dumps(out))
"""


@dataclass
class NodeState:
    reachable: bool
    status: str = ""                 # the engine's view (running, exited ...)
    agent_active: str = ""           # `systemctl is-active os-collect-config`
    deployed: dict = field(default_factory=dict)   # config id -> {json, notify, notify_text}
    error: str = ""

    def stats(self) -> dict:
        return {cid: {k: v for k, v in e.items() if k in ("json", "notify")}
                for cid, e in self.deployed.items()}


def node_state(node) -> NodeState:
    try:
        status = node.status()
    except Exception as error:
        return NodeState(False, error=f"{type(error).__name__}: {error}")
    if status != "running":
        return NodeState(False, status=status, error=f"the node is {status}")
    try:
        result = node.exec(["python3", "-c", _STATE_SCRIPT])
        active = node.exec(["systemctl", "is-active", AGENT_UNIT]).stdout.strip()
    except Exception as error:
        return NodeState(False, status=status, error=f"{type(error).__name__}: {error}")
    if result.exit_code != 0:
        return NodeState(True, status, active,
                         error=f"reading {DEPLOYED_DIR} exited {result.exit_code}: "
                               f"{result.stderr.strip()[-300:]}")
    try:
        deployed = json.loads(result.stdout or "{}")
    except ValueError:
        deployed = {}
    for entry in deployed.values():
        if "notify_text" in entry:
            entry["notify_text"] = redact_text(entry["notify_text"])
    return NodeState(True, status, active, deployed)


def reaches(node, host: str, port: int) -> bool | None:
    """Can the node open a TCP connection to host:port? None when the node cannot be asked."""
    probe = (f"import socket; socket.create_connection(({host!r}, {int(port)}), timeout=3)"
             ".close()")
    try:
        return node.exec(["python3", "-c", probe]).exit_code == 0
    except Exception:
        return None


def agent_journal(node, lines: int | None = None) -> str:
    """The agent's journal, redacted (it logs metadata URLs with their signatures)."""
    try:
        text = node.journal(AGENT_UNIT)
    except Exception as error:
        return f"(journal unavailable: {type(error).__name__}: {error})"
    text = redact_text(text)
    if lines:
        text = "\n".join(text.splitlines()[-lines:])
    return text
