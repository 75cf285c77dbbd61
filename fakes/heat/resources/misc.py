"""OS::Heat::None (heat/engine/resources/openstack/heat/none_resource.py) and OS::Heat::Value
(value.py)."""
from __future__ import annotations

from fakes.heat import identifiers
from fakes.heat.resources.base import ResourcePlugin


class NoneResource(ResourcePlugin):
    """Accepts any properties, never updates, answers every attribute with None."""

    type_name = "OS::Heat::None"
    resolve_properties = False

    def handle_create(self) -> None:
        self.resource.resource_id = identifiers.new_uuid()

    def needs_update(self, new_props, old_props) -> bool:
        return False

    def get_attribute(self, name, path=()):
        return None

    def shown_attributes(self, extra=None) -> dict:
        return {key: None for key in extra or []}


class ValueResource(ResourcePlugin):
    type_name = "OS::Heat::Value"
    attribute_names = ("value",)

    def handle_create(self) -> None:
        self.resource.resource_id = self.resource.physical_name

    def attribute(self, name: str):
        if name == "value":
            return self.props.get("value")
        return super().attribute(name)
