"""One stack action (CREATE, UPDATE, DELETE) as a resumable state machine.

Heat's legacy engine runs a DependencyTaskGroup of resource tasks: a resource starts when the
resources it depends on are done, independent ones run side by side, each is polled
(`check_<action>_complete`) until done. On the first failure every other running task is
cancelled (our async resources all have cancel handlers, so Heat gives them no grace period) and
the stack fails with `Resource <ACTION> failed: <failure>`; on timeout the running tasks are
cancelled and the stack fails with Heat's timeout reason. `step()` advances what can advance now
and says whether anything changed, so the engine can run to a fixpoint without busy waiting.
"""
from __future__ import annotations

import logging

from fakes.heat import errors
from fakes.heat.model import (CHECK, COMPLETE, CREATE, DELETE, FAILED, IN_PROGRESS, INIT,
                              STATE_CHANGED, UPDATE)
from fakes.heat.template_errors import TemplateError

LOG = logging.getLogger(__name__)
PENDING, RUNNING, DONE = "pending", "running", "done"
TIMEOUT_REASONS = {CREATE: "Create timed out", UPDATE: "Timed out", DELETE: "Delete timed out"}
CANCELLED = "Operation cancelled"


class Task:
    """One resource's part in the action: kind is create, update or delete."""

    def __init__(self, kind: str, name: str, deps: set) -> None:
        self.kind, self.name, self.deps = kind, name, set(deps)
        self.state = PENDING
        self.resource = None     # the Resource acted on (set when started)
        self.replaced = None     # the resource a replacement takes over from

    @property
    def action(self) -> str:
        return {"create": CREATE, "update": UPDATE, "delete": DELETE}[self.kind]


class StackOperation:
    def __init__(self, engine, stack, action: str, tasks: list[Task],
                 deadline: float | None) -> None:
        self.engine, self.stack, self.action = engine, stack, action
        self.tasks = tasks
        self.deadline = deadline
        self.failure: errors.ResourceFailure | None = None
        self.finished = False
        self.cancel_reason: str | None = None

    # -- driving --------------------------------------------------------------------------
    def step(self) -> bool:
        if self.finished:
            return False
        progressed = False
        if self.cancel_reason is None and self.deadline is not None \
                and self.engine.clock.now() >= self.deadline:
            self.cancel_reason = TIMEOUT_REASONS[self.action]
        if self.cancel_reason is not None:
            self._cancel_running()
            self._finish(FAILED, self.cancel_reason)
            return True
        for task in [t for t in self.tasks if t.state == RUNNING]:
            progressed |= self._poll(task)
        if self.failure is not None:
            progressed |= self._cancel_running()
        else:
            for task in self._ready():
                self._start(task)
                progressed = True
        if not any(t.state == RUNNING for t in self.tasks):
            if self.failure is not None:
                self._finish(FAILED, f"Resource {self.action} failed: {self.failure}")
                return True
            if all(t.state == DONE for t in self.tasks):
                self._finish(COMPLETE, f"Stack {self.action} completed successfully")
                return True
        return progressed

    def cancel(self) -> None:
        """Heat's ForcedCancel: a create fails with `Resource CREATE failed: Operation
        cancelled`, an update's reason is the exception text alone (stack.py)."""
        if not self.finished:
            self.cancel_reason = (CANCELLED if self.action == UPDATE
                                  else f"Resource {self.action} failed: {CANCELLED}")

    def _ready(self) -> list[Task]:
        done = {t.name for t in self.tasks if t.state == DONE}
        ready = [t for t in self.tasks if t.state == PENDING and t.deps <= done]
        return sorted(ready, key=lambda t: t.kind != "delete")  # removals first, as Heat

    # -- one task -------------------------------------------------------------------------
    def _start(self, task: Task) -> None:
        task.state = RUNNING
        try:
            starter = {"create": self._start_create, "update": self._start_update,
                       "delete": self._start_delete}[task.kind]
            if not starter(task):
                task.state = DONE
                return
        except Exception as exc:  # noqa: BLE001 - every failure becomes the resource's reason
            self._fail(task, exc)
            return
        self._poll(task)

    def _start_create(self, task: Task) -> bool:
        res = self.stack.resources[task.name]
        task.resource = res
        try:
            res.properties = self.engine.resolve_properties(res)
        finally:  # IN_PROGRESS first even when the properties fail, as Heat records it
            self._set_state(res, CREATE, IN_PROGRESS, STATE_CHANGED)
        res.plugin.handle_create()
        return True

    def _start_update(self, task: Task) -> bool:
        """Heat's _needs_update: never-created resources are created, a type change, a failed
        create or a failed check (mark-unhealthy) replaces, a failed resource is always updated again, nested stacks
        are always updated, anything else only when its properties changed."""
        res = self.stack.resources[task.name]
        task.resource = res
        new_props = self.engine.resolve_properties(res)
        old_props = res.properties
        if res.action == INIT:
            res.properties = new_props
            task.kind = "create"
            self._set_state(res, CREATE, IN_PROGRESS, STATE_CHANGED)
            res.plugin.handle_create()
            return True
        failed = res.status == FAILED
        keeps_nested = res.plugin.always_update and res.resource_id
        if res.type_name != res.definition["type"] or (   # mark-unhealthy replaces too
                failed and res.action in (CREATE, CHECK) and not keeps_nested):
            return self._start_replace(task, res, new_props)
        changed = failed or res.plugin.needs_update(new_props, old_props)
        if not changed:
            res.properties = new_props if res.plugin.resolve_properties else old_props
            return False
        if res.plugin.needs_replace(new_props, old_props or {}):
            return self._start_replace(task, res, new_props)
        res.properties = new_props
        self._set_state(res, UPDATE, IN_PROGRESS, STATE_CHANGED)
        res.plugin.handle_update(old_props or {})
        return True

    def _start_replace(self, task: Task, old, new_props: dict) -> bool:
        """A new physical resource under the same name; the old one goes afterwards."""
        res = self.engine.replace_resource(old)
        res.properties = new_props
        task.resource, task.kind = res, "create"
        task.replaced = old
        self._set_state(res, CREATE, IN_PROGRESS, STATE_CHANGED)
        res.plugin.handle_create()
        return True

    def _start_delete(self, task: Task) -> bool:
        res = self.stack.resources.get(task.name)
        task.resource = res
        if res is None or res.action == INIT or (res.action, res.status) == (DELETE, COMPLETE):
            self._forget(res)
            return False
        self._set_state(res, DELETE, IN_PROGRESS, STATE_CHANGED)
        res.plugin.handle_delete()
        return True

    def _poll(self, task: Task) -> bool:
        res = task.resource
        try:
            checker = {"create": res.plugin.check_create_complete,
                       "update": res.plugin.check_update_complete,
                       "delete": res.plugin.check_delete_complete}[task.kind]
            if not checker():
                return False
        except Exception as exc:  # noqa: BLE001
            self._fail(task, exc)
            return True
        task.state = DONE
        self._set_state(res, task.action, COMPLETE, STATE_CHANGED)
        if task.kind == "delete":
            self._forget(res)
        if task.replaced is not None:
            self.engine.discard_replaced(task.replaced)
        return True

    def _fail(self, task: Task, exc: Exception) -> None:
        task.state = "failed"
        failure = as_failure(exc, task.name)
        if task.resource is not None:
            self._set_state(task.resource, task.action, FAILED, str(failure))
        if self.failure is None:
            self.failure = failure

    def _cancel_running(self) -> bool:
        cancelled = False
        for task in [t for t in self.tasks if t.state == RUNNING]:
            task.state = "failed"
            try:
                task.resource.plugin.handle_cancel()
            except Exception:  # noqa: BLE001 - as Heat: log it, the resource is aborted anyway
                LOG.exception("cancelling %s failed", task.name)
            self._set_state(task.resource, task.action, FAILED, f"{task.action} aborted")
            cancelled = True
        return cancelled

    # -- states and events ----------------------------------------------------------------
    def _set_state(self, res, action: str, status: str, reason: str) -> None:
        now = self.engine.clock.now()
        res.set_state(action, status, reason, now)
        self.engine.events.resource_event(res, now)

    def _forget(self, res) -> None:
        """A resource removed by an update leaves the stack once deleted."""
        if res is not None and self.action == UPDATE:
            self.stack.resources.pop(res.name, None)

    def _finish(self, status: str, reason: str) -> None:
        self.finished = True
        self.engine.finish_operation(self, status, reason)


def as_failure(exc: Exception, resource_name: str) -> errors.ResourceFailure:
    """Heat's ResourceFailure text for whatever a resource action raised."""
    if isinstance(exc, errors.ResourceFailure):
        return exc
    if isinstance(exc, errors.ResourceError):
        return errors.ResourceFailure("Error", ["resources", resource_name], str(exc))
    if isinstance(exc, TemplateError):
        return errors.ResourceFailure(exc.error_type, ["resources", resource_name], str(exc))
    if isinstance(exc, errors.HeatError):
        return errors.ResourceFailure(exc.error_type, ["resources", resource_name], exc.message)
    return errors.ResourceFailure(type(exc).__name__, ["resources", resource_name], str(exc))
