"""Resource plugins by type name, and the lookup through an environment's resource_registry."""
from __future__ import annotations

from fakes.heat import errors
from fakes.heat.environment import is_template_name
from fakes.heat.resources.deployment_groups import (SoftwareDeploymentGroup,
                                                    StructuredDeploymentGroup)
from fakes.heat.resources.group import ResourceGroup
from fakes.heat.resources.misc import NoneResource, RandomString, ValueResource
from fakes.heat.resources.nested import TemplateResource
from fakes.heat.resources.server import DeployedServer
from fakes.heat.resources.software import (SoftwareConfig, SoftwareDeployment, StructuredConfig,
                                           StructuredDeployment)

PLUGINS = {cls.type_name: cls for cls in (
    NoneResource, ValueResource, RandomString, ResourceGroup, DeployedServer, SoftwareConfig,
    StructuredConfig, SoftwareDeployment, StructuredDeployment, SoftwareDeploymentGroup,
    StructuredDeploymentGroup)}
# Deprecated names Heat still maps (heat/engine/resources/openstack/heat/*.py resource_mapping).
PLUGINS["OS::Heat::SoftwareDeployments"] = SoftwareDeploymentGroup
PLUGINS["OS::Heat::StructuredDeployments"] = StructuredDeploymentGroup


def lookup(env, type_name: str, resource_name: str):
    """(plugin class, template file name or None) for a type as written in a template."""
    target = env.resolve_type(type_name, resource_name)
    if is_template_name(target):
        return TemplateResource, target
    cls = PLUGINS.get(target)
    if cls is None:
        raise errors.ResourceTypeNotFound(type_name)
    return cls, None


def make_plugin(engine, resource, env):
    cls, template_name = lookup(env, resource.definition["type"], resource.name)
    if template_name is not None:
        return cls(engine, resource, template_name)
    return cls(engine, resource)
