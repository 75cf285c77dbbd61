"""What one scenario run knows while its steps execute: options, the undercloud, the Heat client,
the nodes (in the stack, removed from it) and what has been done to them.

Actions (harness/scenario/actions/) read and change this; the runner (harness/runner.py) builds
it and always tears it down.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from harness.image.keys import LOGIN_USER


class StepFailed(Exception):
    """A step did not do what the scenario asked; the message says what happened instead."""


class NotSupported(StepFailed):
    """An action whose machinery has not landed yet (e.g. `fault` before the fault helper)."""


@dataclass
class RunOptions:
    backend: str = "docker"
    keep: str = "never"
    image: str | None = None
    polling_interval: float | None = None     # None: the scenario's, else 1 s
    configure_script: str | None = None       # replaces automatic configuration
    state_root: Path | None = None
    echo: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr))


@dataclass
class ScenarioRun:
    scenario: Any                 # harness.scenario.loader.Scenario
    options: RunOptions
    run_dir: Path
    roles: list                   # harness.overcloud.roles.Role
    plan: Any                     # harness.overcloud.plans.Plan
    environment_files: list
    counts: dict                  # role -> count wanted in the stack
    stack_name: str = "overcloud"
    parameters: dict = field(default_factory=dict)
    run: Any = None               # harness.nodes.run.Run
    backend: Any = None
    undercloud: Any = None
    heat: Any = None              # harness.overcloud.client.HeatClient
    members: dict = field(default_factory=dict)    # "<Role>-<index>" -> Node, in the stack
    removed: dict = field(default_factory=dict)    # "<Role>-<index>" -> Node, scaled out
    configured: set = field(default_factory=set)   # labels whose agent was configured
    addresses: dict = field(default_factory=dict)  # hostname -> address (DeployedServerPortMap)
    action: str = ""              # CREATE / UPDATE: what the stack is doing
    watcher: Any = None           # harness.overcloud.progress.StackWatcher of that action
    status: str = ""              # the stack's last status seen
    snapshots: dict = field(default_factory=dict)  # named state kept between steps
    started: float = field(default_factory=time.time)
    progress: Any = None

    # -- nodes ------------------------------------------------------------------------------
    @property
    def all_nodes(self) -> dict:
        return {**self.removed, **self.members}

    def label_of(self, node) -> str:
        for label, known in self.all_nodes.items():
            if known.name == node.name:
                return label
        return node.name

    def hostname(self, label: str) -> str:
        role_name, index = label.rsplit("-", 1)
        role = next(r for r in self.roles if r.name == role_name)
        return role.hostname(self.stack_name, int(index))

    def select(self, selector, default: str = "all") -> list:
        """Nodes named by a step: `all` (in the stack), a role, `<Role>-<index>` (also removed
        ones), or a list of those; an unknown name is an error listing the known ones."""
        selectors = selector if isinstance(selector, list) else [selector or default]
        chosen: dict = {}
        for item in selectors:
            if item == "all":
                chosen.update(self.members)
            elif item == "removed":
                chosen.update(self.removed)
            elif item in self.all_nodes:
                chosen[item] = self.all_nodes[item]
            elif any(label.rsplit("-", 1)[0] == item for label in self.members):
                chosen.update({k: v for k, v in self.members.items() if k.rsplit("-", 1)[0] == item})
            else:
                known = ", ".join(sorted(self.all_nodes)) or "none yet"
                raise StepFailed(f"no node {item!r}; the nodes are {known} (or all, removed, "
                                 "a role name)")
        return [chosen[label] for label in sorted(chosen, key=_label_order)]

    # -- undercloud -------------------------------------------------------------------------
    @property
    def undercloud_ip(self) -> str:
        return self.undercloud.endpoints.host

    def credentials(self) -> dict:
        return {"auth_url": self.undercloud.endpoints.identity_root,
                "username": self.undercloud.username, "password": self.undercloud.password,
                "project_name": self.undercloud.project_name,
                "user_domain_name": "Default", "project_domain_name": "Default"}

    def stackrc(self) -> dict[str, str]:
        return {f"OS_{key.upper()}": value for key, value in self.credentials().items()} | {
            "OS_IDENTITY_API_VERSION": "3", "OS_AUTH_TYPE": "password", "OS_NO_CACHE": "True"}

    @property
    def polling_interval(self) -> float:
        if self.options.polling_interval is not None:
            return self.options.polling_interval
        return (self.scenario.get("agents") or {}).get("polling_interval", 1)

    @property
    def login_user(self) -> str:
        return LOGIN_USER

    def echo(self, line: str) -> None:
        with open(self.run_dir / "runner.log", "a", encoding="utf-8") as log:
            log.write(line + "\n")
        if self.progress is not None:
            self.progress.update(line)
        else:
            self.options.echo(line)


def _label_order(label: str):
    role, index = label.rsplit("-", 1)
    return (role, int(index) if index.isdigit() else 0)
