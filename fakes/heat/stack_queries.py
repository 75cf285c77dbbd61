"""Read-only engine methods: finding stacks, listing and showing stacks, resources, events and
outputs (heat/engine/service.py identify_stack, list_stacks, show_stack, list_stack_resources,
describe_stack_resource, list_events, list_outputs, show_output)."""
from __future__ import annotations

from fakes.heat import errors, identifiers
from fakes.heat.events import format_event
from fakes.heat.model import CHECK, COMPLETE, FAILED, SIGNAL
from fakes.heat.stack_format import format_output, format_resource, format_stack
from fakes.heat.stack_locking import locked

MAX_NESTED_DEPTH = 5
STACK_SORT_KEYS = {"created_at": "created_at", "creation_time": "created_at",
                   "updated_at": "updated_at", "updated_time": "updated_at",
                   "stack_name": "name", "name": "name", "stack_status": "status",
                   "status": "status"}
RESOURCE_FILTERS = ("name", "status", "action", "type", "id", "physical_resource_id")


class StackQueries:
    # -- finding --------------------------------------------------------------------------
    def _find_by_name(self, tenant: str, name: str):
        return next((s for s in self.stacks.values() if s.name == name and not s.deleted
                     and (tenant is None or s.tenant == tenant)), None)

    def _get_stack(self, tenant: str, identity):
        """Heat's _get_stack: by id; the name must match; another tenant's stack is refused."""
        if isinstance(identity, str):
            identity = self.identify_stack(tenant, identity)
        stack = self.stacks.get(identity.get("stack_id") or "")
        name = identity.get("stack_name") or identity.get("stack_id")
        if stack is None or (identity.get("stack_name") and stack.name != name) \
                or identity.get("path"):
            raise errors.EntityNotFound("Stack", name)
        if tenant is not None and stack.tenant != tenant:
            raise errors.InvalidTenant(stack.tenant, tenant)
        return stack

    @locked
    def identify_stack(self, tenant: str, name_or_id: str) -> dict:
        stack = None
        if identifiers.is_uuid_like(name_or_id):
            stack = self.stacks.get(name_or_id)
            if stack is not None and tenant is not None and stack.tenant != tenant:
                stack = None
        if stack is None:
            stack = self._find_by_name(tenant, name_or_id)
        if stack is None:
            raise errors.EntityNotFound("Stack", name_or_id)
        return stack.identity

    # -- stacks ---------------------------------------------------------------------------
    @locked
    def list_stacks(self, tenant: str, limit=None, marker=None, sort_keys=None, sort_dir=None,
                    filters=None, show_deleted=False, show_nested=False, show_hidden=False,
                    tags=None, tags_any=None, not_tags=None, not_tags_any=None,
                    **_ignored) -> list[dict]:
        stacks = self._select_stacks(tenant, filters, show_deleted, show_nested, tags,
                                     tags_any, not_tags, not_tags_any)
        key = STACK_SORT_KEYS.get((sort_keys or ["created_at"])[0], "created_at")
        descending = (sort_dir or "desc").lower() == "desc"
        stacks.sort(key=lambda s: (getattr(s, key) or 0, s.seq), reverse=descending)
        if marker:
            ids = [s.id for s in stacks]
            if marker not in ids:
                raise errors.EntityNotFound("Stack", marker)
            stacks = stacks[ids.index(marker) + 1:]
        if limit is not None:
            stacks = stacks[:int(limit)]
        return [format_stack(s, summary=True) for s in stacks]

    @locked
    def count_stacks(self, tenant: str, filters=None, show_deleted=False, show_nested=False,
                     tags=None, tags_any=None, not_tags=None, not_tags_any=None,
                     **_ignored) -> int:
        return len(self._select_stacks(tenant, filters, show_deleted, show_nested, tags,
                                       tags_any, not_tags, not_tags_any))

    def _select_stacks(self, tenant, filters, show_deleted, show_nested, tags, tags_any,
                       not_tags, not_tags_any) -> list:
        chosen = []
        for stack in self.stacks.values():
            if tenant is not None and stack.tenant != tenant:
                continue
            if (stack.deleted and not show_deleted) or (stack.parent_id and not show_nested):
                continue
            have = set(stack.tags or [])
            if (tags and not set(tags) <= have) or (tags_any and not set(tags_any) & have) \
                    or (not_tags and set(not_tags) <= have) \
                    or (not_tags_any and set(not_tags_any) & have):
                continue
            if _stack_matches(stack, filters or {}):
                chosen.append(stack)
        return chosen

    @locked
    def show_stack(self, tenant: str, identity, resolve_outputs: bool = True) -> dict:
        return format_stack(self._get_stack(tenant, identity), resolve_outputs)

    @locked
    def get_template(self, tenant: str, identity) -> dict:
        return self._get_stack(tenant, identity).template.data

    @locked
    def get_environment(self, tenant: str, identity) -> dict:
        return self._get_stack(tenant, identity).environment.as_dict()

    @locked
    def get_files(self, tenant: str, identity) -> dict:
        return dict(self._get_stack(tenant, identity).files)

    @locked
    def list_outputs(self, tenant: str, identity) -> list[dict]:
        stack = self._get_stack(tenant, identity)
        return [format_output(stack, name, resolve_value=False)
                for name in sorted(stack.template.outputs)]

    @locked
    def show_output(self, tenant: str, identity, output_key: str) -> dict:
        stack = self._get_stack(tenant, identity)
        if output_key not in stack.template.outputs:
            raise errors.NotFound(f"Specified output key {output_key} not found.")
        return format_output(stack, output_key)

    # -- resources ------------------------------------------------------------------------
    @locked
    def list_stack_resources(self, tenant: str, identity, nested_depth: int = 0,
                             with_detail: bool = False, filters: dict | None = None):
        stack = self._get_stack(tenant, identity)
        unknown = sorted(set(filters or {}) - set(RESOURCE_FILTERS))
        if unknown:
            raise errors.BadRequest(f"Invalid filter parameters {unknown}")
        depth = min(int(nested_depth or 0), MAX_NESTED_DEPTH)
        return [format_resource(res, detail=with_detail)
                for res in self._iter_resources(stack, depth)
                if _resource_matches(res, filters or {})]

    def _iter_resources(self, stack, depth: int):
        """Own rows first, then each nested stack's rows (depth-first), as Heat."""
        yield from stack.resources.values()
        if depth <= 0:
            return
        for child in self._children(stack):
            yield from self._iter_resources(child, depth - 1)

    def _iter_stacks(self, stack, depth: int):
        yield stack
        if depth > 0:
            for child in self._children(stack):
                yield from self._iter_stacks(child, depth - 1)

    def _children(self, stack) -> list:
        found = []
        for res in stack.resources.values():
            child_id = res.plugin.nested_stack_id() if res.plugin else None
            child = self.stacks.get(child_id) if child_id else None
            if child is not None and not child.deleted:
                found.append(child)
        return found

    @locked
    def describe_stack_resource(self, tenant: str, identity, resource_name: str,
                                with_attr=None) -> dict:
        stack = self._get_stack(tenant, identity)
        res = self._get_resource(stack, resource_name)
        return format_resource(res, detail=True, with_attr=list(with_attr or []))

    @locked
    def resource_metadata(self, tenant: str, identity, resource_name: str) -> dict:
        stack = self._get_stack(tenant, identity)
        return dict(self._get_resource(stack, resource_name).metadata or {})

    @locked
    def resource_mark_unhealthy(self, tenant: str, identity, resource_name: str,
                                mark_unhealthy: bool = True, resource_status_reason: str = ""):
        stack = self._get_stack(tenant, identity)
        res = self._get_resource(stack, resource_name)
        if mark_unhealthy:
            res.set_state(CHECK, FAILED, resource_status_reason or "", self.clock.now())
        elif (res.action, res.status) == (CHECK, FAILED):
            res.set_state(CHECK, COMPLETE, resource_status_reason or "", self.clock.now())
        else:
            return
        self.events.resource_event(res, self.clock.now())

    @locked
    def resource_signal(self, tenant: str, identity, resource_name: str, details=None):
        """Heat processes signals asynchronously and answers null; ours is immediate."""
        stack = self._get_stack(tenant, identity)
        res = self._get_resource(stack, resource_name)
        if res.plugin is None or not res.plugin.supports_signal:
            raise errors.ResourceActionNotSupported("signal")
        if res.action == "INIT":
            raise errors.ResourceNotAvailable(resource_name)
        if res.action in ("SUSPEND", "DELETE"):   # Heat's _signal_check_action
            self.events.resource_event(res, self.clock.now(), reason=f"Cannot signal resource "
                                       f"during {res.action}")
            raise errors.NotSupported(f"Signal resource during {res.action}")
        outcome = res.plugin.signal(details)
        if outcome:
            reason = f"Signal: {outcome}"
        elif details is None:
            reason = "No signal details provided"
        else:
            reason = details if isinstance(details, str) else "Unknown"
        self.events.resource_event(res, self.clock.now(), SIGNAL, res.status, reason)
        return None

    # -- events ---------------------------------------------------------------------------
    @locked
    def list_events(self, tenant: str, identity, resource_name=None, nested_depth=None,
                    filters=None, limit=None, marker=None, sort_keys=None, sort_dir=None):
        stack = self._get_stack(tenant, identity)
        stacks = {stack.id: stack}
        if nested_depth is not None:
            stacks.update((s.id, s) for s in self._iter_stacks(
                stack, min(int(nested_depth), MAX_NESTED_DEPTH)))
        events = self.events.select(set(stacks), resource_name, filters, limit, marker,
                                    sort_keys, sort_dir)
        if resource_name and not events and not marker:
            raise errors.NotFound(f"No events found for resource {resource_name}")
        root = stack if nested_depth is not None else None
        return [format_event(e, stacks[e.stack_id], root) for e in events]

    @locked
    def show_event(self, tenant: str, identity, resource_name: str, event_id: str) -> dict:
        stack = self._get_stack(tenant, identity)
        event = self.events.find(event_id)
        if event is None or event.resource_name != resource_name:
            raise errors.EntityNotFound("Event", event_id)
        owner = self.stacks.get(event.stack_id, stack)
        return format_event(event, owner)


def _stack_matches(stack, filters: dict) -> bool:
    fields = {"id": stack.id, "name": stack.name, "stack_name": stack.name,
              "action": stack.action, "status": stack.status, "tenant": stack.tenant,
              "owner_id": stack.parent_id, "username": stack.username}
    for key, wanted in filters.items():
        values = wanted if isinstance(wanted, (list, tuple, set)) else [wanted]
        if key == "status":
            joined = f"{stack.action}_{stack.status}"
            if not any(v in (stack.status, joined) for v in values):
                return False
        elif key in fields and fields[key] not in values:
            return False
    return True


def _resource_matches(res, filters: dict) -> bool:
    for key, wanted in filters.items():
        values = wanted if isinstance(wanted, (list, tuple, set)) else [wanted]
        if key == "type":
            ok = any(v in res.type_name for v in values)
        elif key == "status":
            ok = any(v in (res.status, f"{res.action}_{res.status}") for v in values)
        elif key == "action":
            ok = res.action in values
        elif key == "name":
            ok = res.name in values
        elif key == "physical_resource_id":
            ok = (res.resource_id or "") in values
        else:  # "id": Heat's DB id; the uuid is what we have
            ok = res.uuid in values
        if not ok:
            return False
    return True
