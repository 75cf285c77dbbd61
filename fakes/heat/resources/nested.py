"""Resources that own a nested stack: template resources (a type mapped to a template file)
and the base of ResourceGroup / deployment groups (heat/engine/resources/stack_resource.py,
template_resource.py).

The nested stack is named after the resource's physical name and its id is the resource's
physical id. Every stack update updates the nested stack too (Heat always does), which is why
unchanged members still show UPDATE events around an empty nested update. A failed nested stack
fails this resource with the nested reason re-rooted under `resources.<name>` (ResourceFailure).
"""
from __future__ import annotations

from fakes.heat import errors, identifiers
from fakes.heat.model import COMPLETE, CREATE, DELETE, FAILED, IN_PROGRESS, UPDATE
from fakes.heat.resources.base import ResourcePlugin


class NestedStackPlugin(ResourcePlugin):
    always_update = True

    # what the nested stack is made of; subclasses decide
    def nested_template(self) -> dict:
        raise NotImplementedError

    def nested_params(self) -> dict:
        return {}

    # -- lifecycle ------------------------------------------------------------------------
    def handle_create(self) -> None:
        child = self.engine.create_nested_stack(self.resource, self.nested_template(),
                                                self.nested_params())
        self.resource.resource_id = child.id

    def check_create_complete(self) -> bool:
        return self._check(CREATE)

    def handle_update(self, old_props: dict) -> None:
        self.engine.update_nested_stack(self.resource.resource_id, self.nested_template(),
                                        self.nested_params())

    def check_update_complete(self) -> bool:
        return self._check(UPDATE)

    def handle_delete(self) -> None:
        if self.resource.resource_id:
            self.engine.delete_nested_stack(self.resource.resource_id)

    def check_delete_complete(self) -> bool:
        child = self.nested()
        return child is None or child.deleted or self._check(DELETE)

    def handle_cancel(self) -> None:
        if self.resource.resource_id:
            self.engine.cancel_nested_stack(self.resource.resource_id)

    def _check(self, action: str) -> bool:
        child = self.nested()
        if child is None:
            return action == DELETE
        if child.action != action or child.status == IN_PROGRESS:
            return False
        if child.status == COMPLETE:
            return True
        assert child.status == FAILED
        raise errors.ResourceFailure.from_nested_reason(child.status_reason, action, self.name)

    # -- data -----------------------------------------------------------------------------
    def nested(self):
        rid = self.resource.resource_id
        return self.engine.stacks.get(rid) if rid else None

    def nested_stack_id(self) -> str | None:
        return self.resource.resource_id

    def output(self, name: str):
        child = self.nested()
        if child is None or name not in child.template.outputs:
            return None
        return self.engine.output_value(child, name)


class TemplateResource(NestedStackPlugin):
    """A type mapped (resource_registry) to a template in `files`; properties -> parameters."""

    def __init__(self, engine, resource, template_name: str) -> None:
        super().__init__(engine, resource)
        self.template_name = template_name

    def nested_template(self):
        return self.stack.files[self.template_name]

    def nested_params(self) -> dict:
        """Properties become parameters; a null one is left out so its default applies
        (heat template_resource.py child_params)."""
        return {key: value for key, value in self.props.items() if value is not None}

    def reference(self):
        child = self.nested()
        if child is None:
            return None
        if "OS::stack_id" in child.template.outputs:
            return self.engine.output_value(child, "OS::stack_id")
        return identifiers.arn(child.tenant, child.name, child.id)

    def attribute(self, name: str):
        child = self.nested()
        if child is not None and name in child.template.outputs:
            return self.engine.output_value(child, name)
        if name == "OS::stack_id":
            return child.id if child else None
        return super().attribute(name)

    def shown_attributes(self, extra=None) -> dict:
        child = self.nested()
        names = list(child.template.outputs) if child else []
        return {name: self.attribute(name) for name in names + list(extra or [])
                if name in names}
