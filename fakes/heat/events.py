"""Stack and resource events: recording (heat/engine/event.py, stack.py `_add_event`) and
listing with Heat's filters, sort keys, marker and limit (heat/engine/service.py list_events,
heat/db/api.py event_get_all_by_stack)."""
from __future__ import annotations

from fakes.heat import errors, identifiers
from fakes.heat.model import Event, Resource, Stack

STACK_TYPE = "OS::Heat::Stack"
FILTER_KEYS = ("resource_status", "resource_action", "resource_name", "resource_type")
SORT_KEYS = {"event_time": lambda e: (e.created_at, e.seq), "created_at": lambda e: (e.created_at, e.seq),
             "resource_type": lambda e: (e.resource_type, e.seq),
             "resource_status": lambda e: (e.status, e.seq), "resource_action": lambda e: (e.action, e.seq),
             "resource_name": lambda e: (e.resource_name, e.seq)}


class EventLog:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def stack_event(self, stack: Stack, now: float) -> Event:
        """What Heat records on every stack state change: the stack as its own resource."""
        return self._add(Event(identifiers.new_uuid(), stack.id, stack.name, stack.id,
                               stack.action, stack.status, stack.status_reason, STACK_TYPE,
                               {}, now))

    def resource_event(self, res: Resource, now: float, action: str | None = None,
                       status: str | None = None, reason: str | None = None) -> Event:
        # A resource without an id yet (CREATE_IN_PROGRESS) shows its physical name.
        physical = res.resource_id or res.physical_name
        return self._add(Event(identifiers.new_uuid(), res.stack.id, res.name, physical,
                               action or res.action, status or res.status,
                               res.status_reason if reason is None else reason,
                               res.type_name, dict(res.properties or {}), now))

    def _add(self, event: Event) -> Event:
        self.events.append(event)
        return event

    def forget_stack(self, stack_id: str) -> None:
        self.events = [e for e in self.events if e.stack_id != stack_id]

    def find(self, event_id: str) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)

    def select(self, stack_ids: set, resource_name: str | None = None,
               filters: dict | None = None, limit: int | None = None,
               marker: str | None = None, sort_keys: list | None = None,
               sort_dir: str | None = None) -> list[Event]:
        chosen = [e for e in self.events if e.stack_id in stack_ids
                  and (resource_name is None or e.resource_name == resource_name)
                  and _matches(e, filters or {})]
        keys = [k for k in (sort_keys or []) if k in SORT_KEYS]
        descending = (sort_dir or ("asc" if keys else "desc")).lower() == "desc"
        key = keys[0] if keys else "created_at"
        chosen.sort(key=SORT_KEYS[key], reverse=descending)
        if marker:
            ids = [e.id for e in chosen]
            if marker not in ids:
                raise errors.EntityNotFound("Event", marker)
            chosen = chosen[ids.index(marker) + 1:]
        if limit is not None:
            chosen = chosen[:max(int(limit), 0)]
        return chosen


def _matches(event: Event, filters: dict) -> bool:
    fields = {"resource_status": event.status, "resource_action": event.action,
              "resource_name": event.resource_name, "resource_type": event.resource_type}
    for key, wanted in filters.items():
        if key not in fields:
            continue
        values = wanted if isinstance(wanted, (list, tuple, set)) else [wanted]
        if fields[key] not in values:
            return False
    return True


def format_event(event: Event, stack: Stack, root: Stack | None = None) -> dict:
    """heat/engine/api.py format_event (identities as dicts; the API builds the links)."""
    stack_identity = stack.identity
    event_identity = dict(stack_identity,
                          path=f"/resources/{event.resource_name}/events/{event.id}")
    formatted = {
        "id": event.id,
        "event_identity": event_identity,
        "stack_identity": stack_identity,
        "stack_name": stack.name,
        "event_time": identifiers.isotime(event.created_at),
        "resource_name": event.resource_name,
        "logical_resource_id": event.resource_name,
        "physical_resource_id": event.physical_resource_id,
        "resource_action": event.action,
        "resource_status": event.status,
        "resource_status_reason": event.reason,
        "resource_type": event.resource_type,
        "resource_properties": event.properties,
    }
    if root is not None:
        formatted["root_stack_identity"] = root.identity
    return formatted
