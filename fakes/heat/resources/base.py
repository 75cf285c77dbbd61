"""What every resource plugin shares: the lifecycle hooks the stack operation drives.

A plugin mirrors a Heat resource class (heat/engine/resource.py): `handle_<action>` starts an
action, `check_<action>_complete` is polled until it returns True (or raises to fail),
`handle_cancel` is called when the stack operation gives up on a running action. Plugins never
set states or record events themselves: stack_ops.py does that, like Heat's _action_recorder.
"""
from __future__ import annotations

from typing import Any

from fakes.heat import errors, identifiers
from fakes.heat.functions import select_path


class ResourcePlugin:
    type_name = ""
    name_limit = identifiers.MAX_NAME_LENGTH
    attribute_names: tuple = ()   # shown by resource show (heat: attributes_schema)
    update_replace = False        # a property change replaces the resource (new physical id)
    always_update = False         # nested stacks are updated on every stack update
    supports_signal = False
    resolve_properties = True     # OS::Heat::None takes its properties unresolved

    def __init__(self, engine, resource) -> None:
        self.engine = engine
        self.resource = resource

    # -- convenience ----------------------------------------------------------------------
    @property
    def stack(self):
        return self.resource.stack

    @property
    def props(self) -> dict:
        return self.resource.properties or {}

    @property
    def name(self) -> str:
        return self.resource.name

    # -- validation (before anything is created) ------------------------------------------
    @classmethod
    def validate_properties(cls, props: dict, resource_name: str) -> None:
        """Refuse what the fake does not implement; values still unresolved are None."""

    # -- lifecycle ------------------------------------------------------------------------
    def handle_create(self) -> None:
        pass

    def check_create_complete(self) -> bool:
        return True

    def needs_update(self, new_props: dict, old_props: dict | None) -> bool:
        return self.always_update or new_props != (old_props or {})

    def needs_replace(self, new_props: dict, old_props: dict) -> bool:
        """A change Heat cannot apply in place (a property without update_allowed)."""
        return self.update_replace

    def handle_update(self, old_props: dict) -> None:
        pass

    def check_update_complete(self) -> bool:
        return True

    def handle_delete(self) -> None:
        pass

    def check_delete_complete(self) -> bool:
        return True

    def handle_cancel(self) -> None:
        pass


    # -- data -----------------------------------------------------------------------------
    def reference(self) -> Any:
        """get_resource: the physical id (None until there is one)."""
        return self.resource.resource_id

    def attribute(self, name: str) -> Any:
        raise errors.HeatError400(f'The Referenced Attribute ({self.name} {name}) is '
                                  "incorrect.", "InvalidTemplateAttribute")

    def get_attribute(self, name: str | None, path: tuple = ()) -> Any:
        if name is None:
            return {key: self.attribute(key) for key in self.attribute_names}
        return select_path(self.attribute(name), path)

    def shown_attributes(self, extra: list | None = None) -> dict:
        shown = {}
        for key in list(self.attribute_names) + list(extra or []):
            try:
                shown[key] = self.attribute(key)
            except errors.HeatError:
                shown[key] = None
        return shown

    def signal(self, details) -> str | None:
        raise errors.ResourceActionNotSupported("signal")

    def nested_stack_id(self) -> str | None:
        return None

    def abandon_data(self) -> dict:
        return dict(self.resource.data)


def required(props: dict, key: str, resource_name: str) -> Any:
    value = props.get(key)
    if value is None:
        raise errors.StackValidationFailed(
            f"Property error: resources.{resource_name}.properties: Property {key} not "
            "assigned")
    return value
