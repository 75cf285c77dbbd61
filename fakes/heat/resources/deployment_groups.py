"""OS::Heat::SoftwareDeploymentGroup / StructuredDeploymentGroup (software_deployment.py,
structured_config.py): one deployment per entry of the `servers` map, named by its key, in a
nested stack; attributes are maps keyed the same way."""
from __future__ import annotations

from fakes.heat import errors
from fakes.heat.resources.nested import NestedStackPlugin
from fakes.heat.resources.software import SoftwareDeployment, StructuredDeployment

GROUP_TEMPLATE_VERSION = "2015-04-30"
MAP_ATTRIBUTES = {"deploy_stdouts": "deploy_stdout", "deploy_stderrs": "deploy_stderr",
                  "deploy_status_codes": "deploy_status_code"}


class SoftwareDeploymentGroup(NestedStackPlugin):
    type_name = "OS::Heat::SoftwareDeploymentGroup"
    member_type = "OS::Heat::SoftwareDeployment"
    member_class = SoftwareDeployment
    attribute_names = tuple(MAP_ATTRIBUTES)

    @classmethod
    def validate_properties(cls, props: dict, resource_name: str) -> None:
        servers = props.get("servers")
        if servers is not None and not isinstance(servers, dict):
            raise errors.StackValidationFailed(
                f"Property error: resources.{resource_name}.properties.servers: Value must "
                "be a map")
        cls.member_class.validate_properties(props, resource_name)

    def servers(self) -> dict:
        return dict(self.props.get("servers") or {})

    def nested_template(self) -> dict:
        common = {k: v for k, v in self.props.items() if k != "servers" and v is not None}
        resources = {key: {"type": self.member_type,
                           "properties": dict(common, server=server)}
                     for key, server in self.servers().items()}
        return {"heat_template_version": GROUP_TEMPLATE_VERSION, "resources": resources}

    def members(self) -> list:
        child = self.nested()
        if child is None:
            return []
        return [child.resources[k] for k in self.servers() if k in child.resources]

    def attribute(self, name: str):
        inner = MAP_ATTRIBUTES.get(name, name)
        return {m.name: m.plugin.get_attribute(inner) for m in self.members()}


class StructuredDeploymentGroup(SoftwareDeploymentGroup):
    type_name = "OS::Heat::StructuredDeploymentGroup"
    member_type = "OS::Heat::StructuredDeployment"
    member_class = StructuredDeployment
