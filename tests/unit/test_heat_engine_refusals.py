"""What the engine refuses, with Heat's error types, statuses and messages, and the guarantee
that a refused request leaves nothing behind (no stack, no Swift object, no user)."""
from __future__ import annotations

import pytest
from test_heat_engine_support import ENVIRONMENT, FILES, GROUP_YAML, cloud  # noqa: F401

from fakes.heat import errors

SIMPLE = """\
heat_template_version: 2016-10-14
resources:
  thing:
    type: {type}
"""


def refused(cloud, template, params=None, files=None, environment=None) -> errors.HeatError:
    with pytest.raises(errors.HeatError) as caught:
        cloud.engine.create_stack(cloud.tenant, "bad", template, params, files, environment)
    assert cloud.engine.list_stacks(cloud.tenant, show_deleted=True, show_nested=True) == []
    assert cloud.swift.account_info(f"AUTH_{cloud.tenant}")[1] == []
    return caught.value


def test_unknown_resource_type(cloud):
    error = refused(cloud, SIMPLE.format(type="OS::Nova::Nope"))
    assert (error.status, error.error_type) == (400, "StackValidationFailed")
    assert error.message == "The Resource Type (OS::Nova::Nope) could not be found."


def test_unknown_type_inside_a_nested_template_is_refused_up_front(cloud):
    nested = FILES["server.yaml"].replace("OS::Heat::SoftwareConfig", "OS::Heat::Nope")
    error = refused(cloud, GROUP_YAML, {}, {"server.yaml": nested}, ENVIRONMENT)
    assert "The Resource Type (OS::Heat::Nope) could not be found." in error.message


@pytest.mark.parametrize("transport", ["POLL_SERVER_CFN", "ZAQAR_MESSAGE"])
def test_unsupported_config_transport_names_the_supported_ones(cloud, transport):
    error = refused(cloud, GROUP_YAML, {"config_transport": transport}, dict(FILES),
                    ENVIRONMENT)
    assert error.status == 400
    assert transport in error.message
    assert "POLL_SERVER_HEAT, POLL_TEMP_URL" in error.message


@pytest.mark.parametrize("transport", ["CFN_SIGNAL", "ZAQAR_SIGNAL"])
def test_unsupported_signal_transport_names_the_supported_ones(cloud, transport):
    error = refused(cloud, GROUP_YAML, {"signal_transport": transport}, dict(FILES),
                    ENVIRONMENT)
    assert "TEMP_URL_SIGNAL, HEAT_SIGNAL, NO_SIGNAL" in error.message


def test_not_a_heat_transport_at_all(cloud):
    error = refused(cloud, GROUP_YAML, {"signal_transport": "CARRIER_PIGEON"}, dict(FILES),
                    ENVIRONMENT)
    assert error.message.startswith("Property error: resources.deployment.properties."
                                    "signal_transport: \"CARRIER_PIGEON\" is not an allowed")


def test_template_outside_the_subset(cloud):
    template = SIMPLE.format(type="OS::Heat::None") + "conditions:\n  never: false\n"
    error = refused(cloud, template)
    assert error.status == 400 and "conditions" in error.message


def test_missing_template_file(cloud):
    error = refused(cloud, GROUP_YAML, {}, {}, ENVIRONMENT)
    assert error.status == 400 and "server.yaml" in error.message


def test_bad_stack_name_and_missing_stack(cloud):
    with pytest.raises(errors.HeatError) as bad:
        cloud.engine.create_stack(cloud.tenant, "1-bad", SIMPLE.format(type="OS::Heat::None"))
    assert bad.value.status == 400 and "Invalid stack name 1-bad" in bad.value.message
    with pytest.raises(errors.EntityNotFound) as missing:
        cloud.engine.identify_stack(cloud.tenant, "nope")
    assert (missing.value.status, missing.value.message) == (
        404, "The Stack (nope) could not be found.")


def test_other_tenant_and_name_mismatch(cloud):
    identity = cloud.engine.create_stack(cloud.tenant, "mine",
                                         SIMPLE.format(type="OS::Heat::None"))
    with pytest.raises(errors.InvalidTenant) as other:
        cloud.engine.show_stack("someone-else", identity)
    assert other.value.status == 403
    with pytest.raises(errors.EntityNotFound):
        cloud.engine.show_stack(cloud.tenant, dict(identity, stack_name="theirs"))


def test_update_while_in_progress_and_resource_errors(cloud):
    identity = cloud.create_group()
    with pytest.raises(errors.ActionInProgress) as busy:
        cloud.engine.update_stack(cloud.tenant, identity, existing=True, params={"count": 1})
    assert busy.value.status == 409
    assert busy.value.message == "Stack rg already has an action (CREATE) in progress."
    with pytest.raises(errors.ResourceNotFound) as missing:
        cloud.engine.describe_stack_resource(cloud.tenant, identity, "Nope")
    assert missing.value.message == "The Resource (Nope) could not be found in Stack rg."
    with pytest.raises(errors.ResourceActionNotSupported) as unsupported:
        cloud.engine.resource_signal(cloud.tenant, identity, "Compute", {})
    assert (unsupported.value.status, unsupported.value.message) == (
        400, "signal is not supported for resource.")
    with pytest.raises(errors.HeatError) as bad_filter:
        cloud.engine.list_stack_resources(cloud.tenant, identity, filters={"color": "red"})
    assert bad_filter.value.status == 400 and "color" in bad_filter.value.message


def test_unsupported_function_in_a_nested_template_fed_by_get_attr(cloud):
    parent = """\
heat_template_version: rocky
resources:
  first: {type: OS::Heat::Value, properties: {value: 1}}
  nested:
    type: child.yaml
    properties: {size: {get_attr: [first, value]}}
"""
    child = """\
heat_template_version: rocky
parameters:
  size: {type: number}
resources:
  thing: {type: OS::Heat::Value, properties: {value: {yaql: {expression: '1', data: {}}}}}
"""
    error = refused(cloud, parent, {}, {"child.yaml": child})
    assert error.status == 400
    assert error.message.startswith("resources.nested: ") and "yaql" in error.message
