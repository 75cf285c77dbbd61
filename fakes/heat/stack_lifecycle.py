"""Creating, updating, deleting and abandoning stacks (heat/engine/service.py create_stack,
update_stack, delete_stack, abandon_stack) and the nested stacks resources own.

Everything a request brings is loaded and validated before anything exists (template, every
environment, parameters, resource types, transports, nested templates down to Heat's depth
limit), so a refused request leaves nothing half-created.
"""
from __future__ import annotations

import re

from fakes.heat import errors, identifiers
from fakes.heat.environment import Environment
from fakes.heat.model import CREATE, DELETE, IN_PROGRESS, UPDATE, Stack
from fakes.heat.stack_locking import locked
from fakes.heat.stack_ops import StackOperation, Task
from fakes.heat.stack_validation import validate_definition
from fakes.heat.template import Template
from fakes.heat.template_errors import TemplateError

STACK_NAME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_.-]{0,254}$")
DEFAULT_TIMEOUT_MINS = 60   # heat.conf stack_action_timeout (3600 s)


def load_definition(template, files: dict, environment, environment_files, params):
    """(Template, Environment, typed parameter values) or Heat's 400 error."""
    try:
        env = environment if isinstance(environment, Environment) else \
            Environment.load(environment, files)
        for name in environment_files or []:
            if name not in files:
                raise TemplateError(f'The environment file "{name}" is not in files; send it '
                                    "in files too (the CLI does that for -e)")
            env = env.merge(Environment.load(files[name], files))
        tmpl = template if isinstance(template, Template) else Template.load(template, files)
        values = tmpl.validate_parameters(env, params or {})
    except TemplateError as exc:
        raise errors.from_template_error(exc) from None
    return tmpl, env, values


def storage_order(tmpl) -> list[str]:
    """The order Heat writes a new stack's resources (and lists them): reversed dependency
    order (heat/engine/dependencies.py), picking the first in template order that nothing left
    requires — so `deployment, server, config` for the real-heat server.yaml."""
    required_by = {name: set() for name in tmpl.resources}
    for name in tmpl.resources:
        for dep in tmpl.dependencies(name):
            required_by.setdefault(dep, set()).add(name)
    order, left = [], list(tmpl.resources)
    while left:
        name = next((n for n in left if not (required_by[n] & set(left))), left[0])
        order.append(name)
        left.remove(name)
    return order


class StackLifecycle:
    # -- create ---------------------------------------------------------------------------
    @locked
    def create_stack(self, tenant: str, stack_name: str, template, params=None, files=None,
                     environment=None, environment_files=None, timeout_mins=None,
                     disable_rollback=True, tags=None, username: str = "admin", **_ignored):
        if not stack_name or not STACK_NAME_RE.match(stack_name):
            raise errors.HeatError400(
                f'Invalid stack name {stack_name} must contain only alphanumeric or "_-." '
                "characters, must start with alpha and must be 255 characters or less.",
                "StackValidationFailed")
        if self._find_by_name(tenant, stack_name) is not None:
            raise errors.StackExists(stack_name)
        if template is None:
            raise errors.HeatError400("No template specified", "HTTPBadRequest")
        files = dict(files or {})
        tmpl, env, values = load_definition(template, files, environment, environment_files,
                                            params)
        validate_definition(tmpl, env, values, tenant)
        timeout = int(timeout_mins) if timeout_mins else DEFAULT_TIMEOUT_MINS
        stack = self._new_stack(tenant, stack_name, tmpl, env, files, params or {}, values,
                                timeout, bool(disable_rollback), tags)
        stack.username = username
        self._start(stack, CREATE, self._create_tasks(stack),
                    self.clock.now() + timeout * 60)
        return stack.identity

    def _new_stack(self, tenant, name, tmpl, env, files, params, values, timeout_mins,
                   disable_rollback, tags, parent=None, owner=None) -> Stack:
        stack = Stack(identifiers.new_uuid(), name, tenant, tmpl, env, files, tmpl.data,
                      env.as_dict(), dict(params), values, timeout_mins, disable_rollback,
                      list(tags) if tags else None, self.clock.now(),
                      parent_id=parent.id if parent else None, owner_resource=owner)
        stack.username = getattr(parent, "username", "admin")
        # Heat stores every resource as INIT_COMPLETE before the first one starts.
        for name in storage_order(tmpl):
            stack.resources[name] = self.new_resource(stack, name, tmpl.resources[name])
        self.stacks[stack.id] = stack
        return stack

    def _create_tasks(self, stack) -> list[Task]:
        return [Task("create", name, stack.template.dependencies(name))
                for name in stack.resources]

    def _start(self, stack, action: str, tasks: list[Task], deadline: float | None) -> None:
        if action != CREATE:
            stack.updated_at = self.clock.now()
        stack.set_state(action, IN_PROGRESS, f"Stack {action} started")
        self.events.stack_event(stack, self.clock.now())
        stack.operation = StackOperation(self, stack, action, tasks, deadline)
        self.operations.append(stack.operation)

    # -- update ---------------------------------------------------------------------------
    @locked
    def update_stack(self, tenant: str, identity, template=None, params=None, files=None,
                     environment=None, environment_files=None, existing: bool = False,
                     timeout_mins=None, disable_rollback=None, tags=None,
                     clear_parameters=None, **_ignored):
        stack = self._get_stack(tenant, identity)
        self._check_not_busy(stack)
        if existing:   # PATCH: the previous template, parameters and environment, plus these
            files = {**stack.files, **(files or {})}
            template = stack.template.data if template is None else template
            merged = {**stack.params, **(params or {})}
            for name in clear_parameters or []:
                merged.pop(name, None)
            params = merged
            environment = stack.environment.merge(Environment.load(environment, files)) \
                if environment else stack.environment
        elif template is None:
            raise errors.HeatError400("No template specified", "HTTPBadRequest")
        files = dict(files or {})
        tmpl, env, values = load_definition(template, files, environment, environment_files,
                                            params)
        validate_definition(tmpl, env, values, tenant)
        if timeout_mins:
            stack.timeout_mins = int(timeout_mins)
        if disable_rollback is not None:
            stack.disable_rollback = bool(disable_rollback)
        if tags is not None:
            stack.tags = list(tags) or None
        stack.files, stack.params = files, dict(params or {})
        self._apply_update(stack, tmpl, env, values,
                           self.clock.now() + (stack.timeout_mins or DEFAULT_TIMEOUT_MINS) * 60)

    def _apply_update(self, stack, tmpl, env, values, deadline) -> None:
        old_template = stack.template
        stack.template, stack.environment, stack.param_values = tmpl, env, values
        stack.raw_template, stack.raw_environment = tmpl.data, env.as_dict()
        tasks = []
        removed = [name for name in stack.resources if name not in tmpl.resources]
        for name in removed:  # a removed resource goes after removed ones that need it
            needers = {other for other in removed
                       if name in old_template.dependencies(other)}
            tasks.append(Task("delete", name, needers))
        for name, definition in tmpl.resources.items():
            deps = tmpl.dependencies(name)
            if name in stack.resources:
                stack.resources[name].definition = definition
                tasks.append(Task("update", name, deps))
            else:
                stack.resources[name] = self.new_resource(stack, name, definition)
                tasks.append(Task("create", name, deps))
        self._start(stack, UPDATE, tasks, deadline)

    # -- delete and abandon ---------------------------------------------------------------
    @locked
    def delete_stack(self, tenant: str, identity) -> None:
        stack = self._get_stack(tenant, identity)
        if stack.deleted:
            raise errors.EntityNotFound("Stack", stack.name)
        if (stack.action, stack.status) == (DELETE, IN_PROGRESS):
            return   # already on its way
        self._begin_delete(stack)

    def _begin_delete(self, stack) -> None:
        if stack.operation is not None:   # Heat stops what runs and deletes
            stack.operation.cancel()
            self._advance()
        tasks = []
        for name in stack.resources:
            needers = {other for other in stack.resources
                       if other in stack.template.resources
                       and name in stack.template.dependencies(other)}
            tasks.append(Task("delete", name, needers))
        deadline = None
        if stack.parent_id is None:
            deadline = self.clock.now() + (stack.timeout_mins or DEFAULT_TIMEOUT_MINS) * 60
        self._start(stack, DELETE, tasks, deadline)

    @locked
    def stack_cancel_without_rollback(self, tenant: str, identity) -> None:
        """`openstack stack cancel --no-rollback`: stop a running create or update."""
        stack = self._get_stack(tenant, identity)
        if not (stack.status == IN_PROGRESS and stack.action in (CREATE, UPDATE)):
            raise errors.NotSupported(f"Cancelling update when stack is "
                                      f"{stack.action}_{stack.status}")
        stack.operation.cancel()

    @locked
    def stack_cancel_update(self, tenant: str, identity) -> None:
        """Cancel with rollback: the fake has no rollback, so it says so instead."""
        stack = self._get_stack(tenant, identity)
        raise errors.NotSupported(f"Cancelling with rollback (stack {stack.name}) in the fake "
                                  "Heat, which has no rollback; cancel without rollback "
                                  "(openstack stack cancel --no-rollback)")

    @locked
    def abandon_stack(self, tenant: str, identity) -> dict:
        """Heat's prepare_abandon, then the stack forgets its resources without deleting them."""
        stack = self._get_stack(tenant, identity)
        self._check_not_busy(stack)
        data = self._abandon_data(stack)
        self._forget_stack(stack)
        return data

    def _abandon_data(self, stack) -> dict:
        resources = {}
        for res in stack.resources.values():
            entry = {"name": res.name, "resource_id": res.resource_id, "type": res.type_name,
                     "action": res.action, "status": res.status, "metadata": res.metadata,
                     "resource_data": res.plugin.abandon_data() if res.plugin else {}}
            child = self.stacks.get(res.plugin.nested_stack_id() or "") if res.plugin else None
            if child is not None:
                entry["resources"] = self._abandon_data(child)["resources"]
            resources[res.name] = entry
        return {"name": stack.name, "id": stack.id, "action": stack.action,
                "status": stack.status, "template": stack.template.data,
                "environment": stack.environment.as_dict(), "files": stack.files,
                "resources": resources, "project_id": stack.tenant,
                "stack_user_project_id": stack.tenant, "tags": stack.tags}

    def _forget_stack(self, stack) -> None:
        for res in stack.resources.values():
            child = self.stacks.get(res.plugin.nested_stack_id() or "") if res.plugin else None
            if child is not None:
                self._forget_stack(child)
            self.servers.pop(res.resource_id, None)
        now = self.clock.now()
        stack.set_state(DELETE, IN_PROGRESS, "Stack DELETE started")
        self.events.stack_event(stack, now)
        stack.set_state(DELETE, "COMPLETE", "Stack DELETE completed successfully")
        stack.deleted_at = now
        self.events.stack_event(stack, now)

    def _check_not_busy(self, stack) -> None:
        if stack.deleted:
            raise errors.EntityNotFound("Stack", stack.name)
        if stack.in_progress:
            raise errors.ActionInProgress(stack.name, stack.action)
