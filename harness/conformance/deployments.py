"""Which of the host's deployments ran, were signalled, and failed (pure, unit-tested).

heat-config (55-heat-config) writes /var/lib/heat-config/deployed/<id>.json before it runs a
deployment's hook and <id>.notify.json with the signal (deploy_status_code, deploy_stderr ...)
after; deployments of group os-apply-config have no hook and no notify file (os-apply-config
applies them), so they are not expected to have one.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

NO_HOOK_GROUPS = frozenset({"os-apply-config"})
STDERR_TAIL_LINES = 5


@dataclasses.dataclass(frozen=True)
class Deployment:
    id: str
    name: str
    group: str


def deployments_in(metadata: dict) -> list[Deployment]:
    entries = metadata.get("deployments") or []
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("id"):
            found.append(Deployment(str(entry["id"]), str(entry.get("name") or entry["id"]),
                                    str(entry.get("group") or "Heat::Ungrouped")))
    return found


def expects_signal(deployment: Deployment) -> bool:
    return deployment.group not in NO_HOOK_GROUPS


def not_signalled(deployments: list[Deployment], deployed_names: list[str], hooks: set[str]) -> list[str]:
    """A sentence for each deployment that has no notify file, saying how far it got."""
    names = set(deployed_names)
    problems = []
    for deployment in filter(expects_signal, deployments):
        if f"{deployment.id}.notify.json" in names:
            continue
        if f"{deployment.id}.json" in names:
            state = "started but never signalled (its hook is still running or died)"
        elif deployment.group not in hooks:
            state = f"not run: no hook for group {deployment.group!r} in /usr/libexec/heat-config/hooks"
        else:
            state = "not run yet"
        problems.append(f"{deployment.name} ({deployment.id}) {state}")
    return problems


def status_code_ok(code) -> bool:
    return code is not None and str(code).strip() == "0"


def stderr_tail(stderr, lines: int = STDERR_TAIL_LINES) -> str:
    text = str(stderr or "").rstrip()
    return "\n".join(text.splitlines()[-lines:]) if text else "(no stderr)"


def failures(deployments: list[Deployment], deployed_names: list[str],
             notify_data: Callable[[str], dict | None]) -> list[str]:
    """A sentence for each signalled deployment whose status code is not 0."""
    names = set(deployed_names)
    problems = []
    for deployment in filter(expects_signal, deployments):
        if f"{deployment.id}.notify.json" not in names:
            continue
        data = notify_data(deployment.id) or {}
        code = data.get("deploy_status_code")
        if not status_code_ok(code):
            problems.append(f"deployment {deployment.name} ({deployment.id}) failed with exit code {code}; "
                            f"stderr ends:\n{stderr_tail(data.get('deploy_stderr'))}")
    return problems
