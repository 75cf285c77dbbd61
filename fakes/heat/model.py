"""The engine's state: stacks, their resources and events (no HTTP, no threads).

Field names follow Heat's database rows (heat/db/models.py) where they exist; the engine
turns them into Heat's engine-format dicts (heat/engine/api.py) in stack_format.py.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from fakes.heat import identifiers

INIT, CREATE, UPDATE, DELETE, SIGNAL, CHECK, ABANDON = (
    "INIT", "CREATE", "UPDATE", "DELETE", "SIGNAL", "CHECK", "ABANDON")
IN_PROGRESS, COMPLETE, FAILED = "IN_PROGRESS", "COMPLETE", "FAILED"
STATE_CHANGED = "state changed"

_sequence = itertools.count(1)  # a DB id stand-in: ties in time keep creation order


def next_sequence() -> int:
    return next(_sequence)


@dataclass(eq=False)
class Resource:
    name: str
    type_name: str   # as written in the template (or the registry alias)
    definition: dict  # the unresolved template snippet
    stack: "Stack"
    created_at: float
    uuid: str = field(default_factory=identifiers.new_uuid)
    action: str = INIT
    status: str = COMPLETE
    status_reason: str = ""
    resource_id: str | None = None
    updated_at: float | None = None
    metadata: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)   # private resource data (credentials, URLs)
    properties: dict | None = None             # resolved at the last create/update
    plugin: Any = None
    seq: int = field(default_factory=next_sequence)

    @property
    def physical_name(self) -> str:
        limit = getattr(self.plugin, "name_limit", identifiers.MAX_NAME_LENGTH)
        return identifiers.physical_name(self.stack.name, self.name, self.uuid, limit)

    @property
    def state(self) -> tuple[str, str]:
        return self.action, self.status

    def set_state(self, action: str, status: str, reason: str, now: float) -> None:
        self.action, self.status, self.status_reason = action, status, reason
        self.updated_at = now


@dataclass(eq=False)
class Stack:
    id: str
    name: str
    tenant: str
    template: Any            # fakes.heat.template.Template
    environment: Any         # fakes.heat.environment.Environment
    files: dict
    raw_template: Any        # what the client sent (GET .../template answers it)
    raw_environment: dict
    params: dict             # user parameters as sent (PATCH merges into them)
    param_values: dict       # validated, typed
    timeout_mins: int | None
    disable_rollback: bool
    tags: list | None
    created_at: float
    parent_id: str | None = None
    owner_resource: str | None = None   # name of the parent's resource owning this stack
    action: str = INIT
    status: str = COMPLETE
    status_reason: str = ""
    updated_at: float | None = None
    deleted_at: float | None = None
    resources: dict = field(default_factory=dict)   # name -> Resource, in template order
    operation: Any = None                            # the running StackOperation
    username: str = "admin"                          # shown as stack_owner
    seq: int = field(default_factory=next_sequence)

    @property
    def identity(self) -> dict:
        return identifiers.identity(self.tenant, self.name, self.id)

    @property
    def path(self) -> str:
        return identifiers.stack_path(self.name, self.id)

    @property
    def deleted(self) -> bool:
        return (self.action, self.status) == (DELETE, COMPLETE)

    @property
    def in_progress(self) -> bool:
        return self.status == IN_PROGRESS

    def set_state(self, action: str, status: str, reason: str) -> None:
        self.action, self.status, self.status_reason = action, status, reason


@dataclass(eq=False)
class Event:
    id: str
    stack_id: str
    resource_name: str
    physical_resource_id: str
    action: str
    status: str
    reason: str
    resource_type: str
    properties: dict
    created_at: float
    seq: int = field(default_factory=next_sequence)
