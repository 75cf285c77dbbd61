"""OS::Heat::None (heat/engine/resources/openstack/heat/none_resource.py), OS::Heat::Value
(value.py) and OS::Heat::RandomString (random_string.py)."""
from __future__ import annotations

import secrets
import string

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


class RandomString(ResourcePlugin):
    """A random string kept in resource data; `get_resource` and the `value` attribute give it.
    Character classes are honoured by their names (lettersdigits, letters, lowercase, ...)."""

    type_name = "OS::Heat::RandomString"
    attribute_names = ("value",)
    update_replace = True
    CLASSES = {"lettersdigits": string.ascii_letters + string.digits,
               "letters": string.ascii_letters, "lowercase": string.ascii_lowercase,
               "uppercase": string.ascii_uppercase, "digits": string.digits,
               "hexdigits": string.digits + "abcdef", "octdigits": string.octdigits}

    def handle_create(self) -> None:
        length = int(self.props.get("length") or 32)
        classes = [c.get("class", "lettersdigits") for c in
                   self.props.get("character_classes") or []] or ["lettersdigits"]
        alphabet = "".join(self.CLASSES.get(c, "") for c in classes) or self.CLASSES[
            "lettersdigits"]
        alphabet += "".join(s.get("sequence", "") for s in
                            self.props.get("character_sequences") or [])
        value = "".join(secrets.choice(alphabet) for _ in range(length))
        self.resource.data["value"] = value   # salt only forces a new value on change
        self.resource.resource_id = self.resource.physical_name

    def reference(self):
        return self.resource.data.get("value") if self.resource.resource_id else None

    def attribute(self, name: str):
        if name == "value":
            return self.resource.data.get("value")
        return super().attribute(name)
