"""The fake Heat engine: the "RPC service" the Heat API calls (heat/engine/service.py).

State lives in plain objects (model.py); stack actions are StackOperations (stack_ops.py) that
a worker thread advances whenever something may have changed: an API call, a resource signal, a
Swift object written (swift.subscribe), or the next timeout. No busy loop: the worker sleeps on
a condition variable. One re-entrant lock guards everything. Tests that want determinism build
the engine with `background=False` and call `step()` themselves (with a ManualClock).

The public methods are split by theme: stack_lifecycle.py (create/update/delete/abandon),
stack_nested.py (nested stacks for the resources owning them),
stack_queries.py (identify/list/show/resources/events/outputs), stack_software.py (software
configs, deployments, signals). This module holds the machinery they share.
"""
from __future__ import annotations

import logging
import threading

from fakes.heat import errors
from fakes.heat.deployments import SoftwareConfigService
from fakes.heat.events import EventLog
from fakes.heat.functions import resolve
from fakes.heat.model import COMPLETE, DELETE, Resource
from fakes.heat.resources import make_plugin
from fakes.heat.stack_context import StackContext
from fakes.heat.stack_format import output_value
from fakes.heat.stack_lifecycle import StackLifecycle
from fakes.heat.stack_nested import NestedStacks
from fakes.heat.stack_queries import StackQueries
from fakes.heat.stack_software import SoftwareApi

LOG = logging.getLogger(__name__)
MAX_SLEEP = 1.0  # re-check deadlines at least this often while operations run


class HeatEngine(StackLifecycle, NestedStacks, StackQueries, SoftwareApi):
    def __init__(self, clock, keystone, swift, endpoints, background: bool = True) -> None:
        self.clock, self.keystone, self.swift, self.endpoints = clock, keystone, swift, endpoints
        self.stacks: dict = {}          # id -> Stack (deleted ones kept, as Heat shows them)
        self.events = EventLog()
        self.software = SoftwareConfigService(clock, swift, self._server_changed)
        self.servers: dict = {}         # DeployedServer resource id -> its plugin
        self.operations: list = []      # running StackOperations
        self.replaced: list = []        # replaced resources still being deleted
        self._dirty_servers: set = set()  # servers whose metadata must be re-published
        self._template_cache: dict = {}   # (text, id(files)) -> (files, Template)
        self._cond = threading.Condition(threading.RLock())
        self._wake_gen = 0
        self._idle_gen = 0
        self._stopping = False
        self._thread = None
        if swift is not None:
            swift.subscribe(self._swift_changed)
        if background:
            self.start()

    # -- the worker -----------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="heat-engine", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    close = stop

    def _work(self) -> None:
        with self._cond:
            while not self._stopping:
                seen = self._wake_gen
                try:
                    self._advance()
                except Exception:  # noqa: BLE001 - a bug must not stop every other stack
                    LOG.exception("heat engine step failed; the worker carries on")
                self._idle_gen = seen
                self._cond.notify_all()
                if self._wake_gen == seen:
                    self._cond.wait(timeout=self._sleep_time())

    def _sleep_time(self) -> float | None:
        deadlines = [op.deadline for op in self.operations if op.deadline is not None]
        if not self.operations:
            return None
        if not deadlines:
            return MAX_SLEEP * 5
        return max(0.0, min(MAX_SLEEP, min(deadlines) - self.clock.now()))

    def _wake_locked(self) -> None:
        self._wake_gen += 1
        self._cond.notify_all()

    def _swift_changed(self, account: str, container: str, name: str) -> None:
        with self._cond:
            self._wake_locked()

    def step(self) -> bool:
        """Advance every running operation as far as it can go now; True if anything moved."""
        with self._cond:
            return self._advance()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Until the worker has handled everything that happened before this call."""
        with self._cond:
            if self._thread is None:
                self._advance()
                return True
            target = self._wake_gen
            self._wake_locked()
            return self._cond.wait_for(lambda: self._idle_gen > target, timeout)

    def _advance(self) -> bool:
        moved = False
        while True:
            progressed = False
            for op in sorted(self.operations, key=lambda o: self._depth(o.stack)):
                if op in self.operations:
                    progressed |= op.step()
            progressed |= self._discard_done()
            self.flush_servers()
            if not progressed:
                return moved
            moved = True

    def _depth(self, stack) -> int:
        depth = 0
        while stack.parent_id:
            stack = self.stacks[stack.parent_id]
            depth += 1
        return depth

    # -- what operations and plugins call back ---------------------------------------------
    def finish_operation(self, op, status: str, reason: str) -> None:
        stack = op.stack
        stack.set_state(op.action, status, reason)
        now = self.clock.now()
        if op.action == DELETE and status == COMPLETE:
            stack.deleted_at = now
            self.delete_swift_object(f"AUTH_{stack.tenant}", stack.id, None)
        self.events.stack_event(stack, now)
        stack.operation = None
        if op in self.operations:
            self.operations.remove(op)

    def resolve_properties(self, res) -> dict:
        if not res.plugin.resolve_properties:
            return {}
        path = ["resources", res.name, "properties"]
        props = resolve(res.definition.get("properties") or {}, StackContext(res.stack), path)
        if res.definition.get("metadata") and res.plugin.type_name != "OS::Heat::DeployedServer":
            res.metadata = resolve(res.definition["metadata"], StackContext(res.stack),
                                   ["resources", res.name, "metadata"])
        res.plugin.validate_properties(props, res.name)
        return props

    def new_resource(self, stack, name: str, definition: dict) -> Resource:
        res = Resource(name, definition["type"], definition, stack, self.clock.now())
        res.plugin = make_plugin(self, res, stack.environment)
        return res

    def replace_resource(self, old) -> Resource:
        """A fresh resource (new uuid, new physical id) under the old one's name."""
        res = self.new_resource(old.stack, old.name, old.definition)
        old.stack.resources[old.name] = res
        return res

    def discard_replaced(self, old) -> None:
        """The replaced resource is deleted once its replacement is complete."""
        old.plugin.handle_delete()
        self.replaced.append(old)
        self._discard_done()

    def _discard_done(self) -> bool:
        done = []
        for old in self.replaced:
            try:
                finished = old.plugin.check_delete_complete()
            except Exception:  # noqa: BLE001 - a failed cleanup is not the stack's failure
                finished = True
            if finished:
                done.append(old)
        for old in done:
            self.replaced.remove(old)
        return bool(done)

    def output_value(self, stack, name: str):
        return output_value(stack, name)

    def delete_swift_object(self, account: str, container: str, obj: str | None) -> None:
        """Delete an object (if any), then its container when that left it empty."""
        try:
            if obj is not None:
                self.swift.delete_object(account, container, obj)
            if not self.swift.list_container(account, container):
                self.swift.delete_container(account, container)
        except Exception as exc:  # already gone is fine, as in Heat
            if type(exc).__name__ not in ("NotFound", "Conflict"):
                raise

    def _server_changed(self, server_id: str) -> None:
        """Deployments of a server changed: re-publish its metadata once, at the end of the
        current step or API call (a wave of deployments is one PUT, not one per deployment)."""
        self._dirty_servers.add(server_id)

    def flush_servers(self) -> None:
        while self._dirty_servers:
            plugin = self.servers.get(self._dirty_servers.pop())
            if plugin is not None:
                plugin.publish()

    def _get_resource(self, stack, resource_name: str):
        res = stack.resources.get(resource_name)
        if res is None:
            raise errors.ResourceNotFound(resource_name, stack.name)
        return res
