"""Nested stacks, created, updated, deleted and cancelled by the resources that own them
(template resources, ResourceGroup, deployment groups): heat/engine/resources/stack_resource.py.
A nested stack is named after its owner's physical name, inherits the parent's files, resource
registry and parameter_defaults (not its parameters), and has no timeout of its own: the top
stack's timeout cancels it."""
from __future__ import annotations

from fakes.heat import errors
from fakes.heat.model import CREATE
from fakes.heat.stack_lifecycle import load_definition
from fakes.heat.stack_validation import child_environment
from fakes.heat.template import Template
from fakes.heat.template_errors import TemplateError


class NestedStacks:
    def _nested_template(self, template, files: dict):
        """Nested templates are loaded once per text and files (every member of a group
        shares its template); loaded Templates are never modified."""
        if not isinstance(template, str):
            return template
        key = (template, id(files))
        cached = self._template_cache.get(key)
        if cached is None or cached[0] is not files:
            try:
                cached = (files, Template.load(template, files))
            except TemplateError as exc:
                raise errors.from_template_error(exc) from None
            self._template_cache[key] = cached
        return cached[1]

    def create_nested_stack(self, res, template, params: dict):
        parent = res.stack
        template = self._nested_template(template, parent.files)
        tmpl, env, values = load_definition(template, parent.files,
                                            child_environment(parent.environment), None, params)
        child = self._new_stack(parent.tenant, res.physical_name, tmpl, env, parent.files,
                                params, values, parent.timeout_mins, parent.disable_rollback,
                                None, parent=parent, owner=res.name)
        self._start(child, CREATE, self._create_tasks(child), None)
        return child

    def update_nested_stack(self, stack_id: str, template, params: dict) -> None:
        child = self.stacks[stack_id]
        parent = self.stacks[child.parent_id]
        template = self._nested_template(template, parent.files)
        tmpl, env, values = load_definition(template, parent.files,
                                            child_environment(parent.environment), None, params)
        child.files, child.params = parent.files, dict(params)
        self._apply_update(child, tmpl, env, values, None)

    def delete_nested_stack(self, stack_id: str) -> None:
        child = self.stacks.get(stack_id)
        if child is not None and not child.deleted:
            self._begin_delete(child)

    def cancel_nested_stack(self, stack_id: str) -> None:
        child = self.stacks.get(stack_id)
        if child is not None and child.operation is not None:
            child.operation.cancel()
