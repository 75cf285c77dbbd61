"""Loading HOT templates: versions, sections, resources, outputs, references, order, refusals."""
import json
from pathlib import Path

import pytest
import yaml

from fakes.heat.template import (Environment, StaticContext, Template, TemplateError,
                                 UnsupportedFeature, dependencies, resolve, substitute_index)

REAL_HEAT = Path("/work/shared/reference/real-heat/templates")
REFERENCE_FILES = {p.name: p.read_text() for p in sorted(REAL_HEAT.glob("*.yaml"))} \
    if REAL_HEAT.is_dir() else {}


def hot(resources=None, **sections):
    data = {"heat_template_version": "2021-04-16", "resources": resources or {}}
    data.update(sections)
    return data


def error_of(template, files=None):
    with pytest.raises(TemplateError) as err:
        Template.load(template, files or {})
    return err.value


# -- the templates real Heat was recorded with -------------------------------------------------

@pytest.mark.skipif(not REFERENCE_FILES, reason="reference templates not present")
@pytest.mark.parametrize("name", sorted(REFERENCE_FILES))
def test_reference_templates_load_and_resolve(name):
    tmpl = Template.load(REFERENCE_FILES[name], REFERENCE_FILES)
    assert tmpl.version == "2021-04-16"
    values = tmpl.validate_parameters(Environment.load(None, {}), {})
    ctx = StaticContext(params=values, refs={r: f"{r}-id" for r in tmpl.resources},
                        attrs={r: {"name": f"{r}-name"} for r in tmpl.resources})
    resolved = {r: resolve(d["properties"], ctx) for r, d in tmpl.resources.items()}
    outputs = {o: resolve(d["value"], ctx) for o, d in tmpl.outputs.items()}
    if name.startswith("server"):
        assert resolved["server"]["name"] == "overcloud-node-0"
        assert resolved["deployment"]["server"] == "server-id"
        assert resolved["deployment"]["config"] == "config-id"
        assert tmpl.creation_order() == [["config", "server"], ["deployment"]]
        assert outputs["server_id"] == "server-id"
        assert outputs["server_name"] == "server-name"
    else:
        assert resolved["Compute"]["count"] == 2
        assert resolved["Compute"]["resource_def"]["properties"]["index"] == "%index%"


@pytest.mark.skipif(not REFERENCE_FILES, reason="reference templates not present")
def test_reference_group_with_registry_and_index_substitution():
    env = Environment.load({"resource_registry": {"OS::Test::Server": "server.yaml"}},
                           REFERENCE_FILES)
    group = Template.load(REFERENCE_FILES["group.yaml"], REFERENCE_FILES)
    values = group.validate_parameters(env, {"count": "3"})
    assert values["count"] == 3
    member_def = resolve(group.resources["Compute"]["properties"],
                         StaticContext(params=values))["resource_def"]
    assert env.resolve_type(member_def["type"]) == "server.yaml"
    member_props = substitute_index(member_def["properties"], 1)
    member = Template.load(REFERENCE_FILES[env.resolve_type(member_def["type"])], REFERENCE_FILES)
    member_values = member.validate_parameters(None, member_props)
    assert member_values["index"] == 1
    name = resolve(member.resources["server"]["properties"]["name"],
                   StaticContext(params=member_values))
    assert name == "compute-1"


# -- versions and sections ----------------------------------------------------------------------

@pytest.mark.parametrize("version, canonical", [
    ("2013-05-23", "2013-05-23"), ("2015-04-30", "2015-04-30"), ("2018-08-31", "2018-08-31"),
    ("newton", "2016-10-14"), ("queens", "2018-03-02"), ("wallaby", "2021-04-16")])
def test_accepted_versions(version, canonical):
    assert Template.load({"heat_template_version": version}).version == canonical


def test_unquoted_yaml_date_version_is_a_string():
    assert Template.load("heat_template_version: 2016-10-14\n").version == "2016-10-14"


def test_json_template_text():
    text = json.dumps(hot({"a": {"type": "OS::Heat::None"}}))
    assert Template.load(text).resources["a"]["type"] == "OS::Heat::None"


def test_missing_and_unknown_version():
    assert str(error_of({"resources": {}})) == "Template format version not found."
    err = error_of({"heat_template_version": "2019-01-01"})
    assert err.error_type == "InvalidTemplateVersion"
    assert str(err).startswith('The template version is invalid: "heat_template_version: '
                               '2019-01-01". "heat_template_version" should be one of: '
                               "2013-05-23, ")
    assert "wallaby" in str(err)


def test_cloudformation_templates_are_unsupported():
    with pytest.raises(UnsupportedFeature, match="CloudFormation"):
        Template.load({"AWSTemplateFormatVersion": "2010-09-09"})


def test_not_a_mapping_and_bad_yaml():
    assert "not a JSON object or YAML mapping" in str(error_of("- a\n- b\n"))
    assert str(error_of("a: [\n")).startswith("Error parsing template")


def test_unknown_section():
    err = error_of(hot(Mappings={}))
    assert str(err) == "The template section is invalid: Mappings"
    assert err.error_type == "InvalidTemplateSection"


def test_conditions_section_before_2016_10_14_is_just_invalid():
    data = {"heat_template_version": "2016-04-08", "conditions": {}}
    assert str(error_of(data)) == "The template section is invalid: conditions"


def test_description_and_defaults():
    tmpl = Template.load(hot({"a": {"type": "OS::Heat::None"}}, description="hello"))
    assert tmpl.description == "hello"
    assert tmpl.resources["a"] == {
        "type": "OS::Heat::None", "properties": {}, "metadata": {}, "depends_on": [],
        "update_policy": {}, "deletion_policy": "Delete", "description": ""}
    assert Template.load(hot()).description == "No description"


# -- resources and outputs -------------------------------------------------------------------

def test_resource_shape_errors():
    assert str(error_of(hot({"a": {"properties": {}}}))) == \
        "resources.a: Each resource must contain a type key."
    assert str(error_of(hot({"a": {"type": "T", "propertys": {}}}))) == \
        'resources.a: "propertys" is not a valid keyword inside a resource definition'
    assert "must contain a map of resource maps" in str(error_of(hot({"a": "T"})))
    assert str(error_of(hot({"a": {"type": "T", "properties": [1]}}))) == \
        "resources.a: Resource a properties type must be object"
    assert str(error_of(hot({"a": {"type": 5}}))) == \
        "resources.a: Resource a type type must be string"
    assert str(error_of(hot({"a": {"type": "T", "depends_on": [1]}}))) == \
        "resources.a: Resource a depends_on must be a list of strings"


def test_depends_on_string_is_normalised_to_list():
    tmpl = Template.load(hot({"a": {"type": "T"}, "b": {"type": "T", "depends_on": "a"}}))
    assert tmpl.resources["b"]["depends_on"] == ["a"]
    assert tmpl.creation_order() == [["a"], ["b"]]
    assert tmpl.deletion_order() == [["b"], ["a"]]


def test_deletion_policy():
    tmpl = Template.load(hot({"a": {"type": "T", "deletion_policy": "retain"}}))
    assert tmpl.resources["a"]["deletion_policy"] == "Retain"
    err = error_of(hot({"a": {"type": "T", "deletion_policy": "Keep"}}))
    assert str(err) == 'resources.a: Invalid deletion policy "Keep"'
    old = {"heat_template_version": "2015-10-15",
           "resources": {"a": {"type": "T", "deletion_policy": "retain"}}}
    assert "Invalid deletion policy" in str(error_of(old))


def test_output_shape_errors():
    assert str(error_of(hot(outputs={"o": {"description": "x"}}))) == \
        "outputs.o: Each output must contain a value key."
    assert str(error_of(hot(outputs={"o": {"value": 1, "valu": 2}}))) == \
        'outputs.o: "valu" is not a valid keyword inside a output definition'


def test_unknown_references():
    err = error_of(hot({"a": {"type": "T", "properties": {"x": {"get_resource": "nope"}}}}))
    assert err.error_type == "InvalidTemplateReference"
    assert str(err) == ('resources.a.properties.x.get_resource: The specified reference "nope" '
                        "(in a) is incorrect.")
    err = error_of(hot({"a": {"type": "T"}}, outputs={"o": {"value": {"get_attr": ["b", "x"]}}}))
    assert str(err) == ('outputs.o.value.get_attr: The specified reference "b" (in unknown) is '
                        "incorrect.")
    err = error_of(hot({"a": {"type": "T", "depends_on": ["ghost"]}}))
    assert str(err) == 'resources.a.depends_on: The specified reference "ghost" (in a) is ' \
                       "incorrect."


def test_unknown_parameter_and_missing_file_references():
    err = error_of(hot({"a": {"type": "T", "properties": {"x": {"get_param": "nope"}}}}))
    assert str(err) == "resources.a.properties.x.get_param: The Parameter (nope) was not provided."
    assert err.error_type == "UserParameterMissing"
    pseudo = hot({"a": {"type": "T", "properties": {"x": {"get_param": "OS::stack_name"}}}})
    assert Template.load(pseudo).resources["a"]["properties"]["x"] == \
        {"get_param": "OS::stack_name"}
    err = error_of(hot({"a": {"type": "T", "properties": {"x": {"get_file": "f.sh"}}}}))
    assert 'No content found in the "files" section for get_file path: f.sh' in str(err)
    ok = hot({"a": {"type": "T", "properties": {"x": {"get_file": "f.sh"}}}})
    assert Template.load(ok, {"f.sh": "data"}).files == {"f.sh": "data"}


def test_function_newer_than_the_template_version():
    data = {"heat_template_version": "2015-10-15",
            "resources": {"a": {"type": "T", "properties": {"x": {"map_merge": [{}]}}}}}
    assert '"map_merge" needs heat_template_version 2016-04-08' in str(error_of(data))


def test_removed_cfn_functions():
    err = error_of(hot({"a": {"type": "T", "properties": {"x": {"Ref": "b"}}}}))
    assert str(err) == ("resources.a.properties.x.Ref: The function Ref is not supported in "
                        "this version of HOT.")


def test_duplicate_parameter_and_resource_names():
    data = hot({"x": {"type": "T"}}, parameters={"x": {"type": "string", "default": "a"}})
    assert str(error_of(data)) == "Duplicate names {'x'}"


# -- dependencies and order ------------------------------------------------------------------

def test_dependencies_from_functions_and_depends_on():
    definition = {"type": "T", "depends_on": ["z"], "properties": {
        "a": {"get_resource": "r1"},
        "b": [{"get_attr": ["r2", "x", 0]}],
        "c": {"str_replace": {"template": "t", "params": {"t": {"get_attr": ["r3", "y"]}}}}},
        "metadata": {"m": {"get_resource": "r4"}}}
    assert dependencies(definition) == {"z", "r1", "r2", "r3", "r4"}


def test_creation_order_waves():
    tmpl = Template.load(hot({
        "net": {"type": "T"}, "port": {"type": "T", "properties": {"n": {"get_resource": "net"}}},
        "server": {"type": "T", "properties": {"p": {"get_attr": ["port", "id"]}}},
        "config": {"type": "T"},
        "deploy": {"type": "T", "properties": {"s": {"get_resource": "server"},
                                               "c": {"get_resource": "config"}}}}))
    assert tmpl.creation_order() == [["config", "net"], ["port"], ["server"], ["deploy"]]
    assert tmpl.dependencies("deploy") == {"server", "config"}


def test_dependency_cycle():
    err = error_of(hot({
        "a": {"type": "T", "properties": {"x": {"get_resource": "b"}}},
        "b": {"type": "T", "depends_on": "c"},
        "c": {"type": "T", "properties": {"x": {"get_attr": ["a", "y"]}}},
        "d": {"type": "T"}}))
    assert str(err) == "Circular Dependency Found: a -> b -> c -> a"
    assert err.error_type == "CircularDependencyException"


# -- refusing what the fake does not implement ----------------------------------------------

def test_unsupported_features_are_all_named_at_once():
    data = hot({
        "x": {"type": "T", "condition": "is_prod",
              "properties": {"y": {"yaql": {"expression": "$.data", "data": {}}},
                             "z": [{"if": ["is_prod", "a", "b"]}]}},
        "w": {"type": "T", "properties": {"l": {"list_concat": [[1], [2]]}}}},
        conditions={"is_prod": {"equals": [{"get_param": "env"}, "prod"]}},
        outputs={"o": {"value": {"filter": [None, [1]]}, "condition": "is_prod"}})
    with pytest.raises(UnsupportedFeature) as err:
        Template.load(data)
    message = str(err.value)
    assert message.startswith("The template uses what the fake Heat does not support: ")
    for offender in ("section conditions", "resource condition at resources.x.condition",
                     "function yaql at resources.x.properties.y",
                     "function if at resources.x.properties.z[0]",
                     "function list_concat at resources.w.properties.l",
                     "function filter at outputs.o.value",
                     "output condition at outputs.o.condition"):
        assert offender in message
    assert "Supported functions: digest, get_attr, get_file, get_param" in message


def test_yaml_text_round_trip_of_a_loaded_template():
    text = yaml.safe_dump(hot({"a": {"type": "T", "properties": {"v": "1"}}}))
    assert Template.load(text).resources["a"]["properties"] == {"v": "1"}


def test_substitute_index_walks_values_only():
    value = {"name": "node-%index%", "%index%": ["%index%", 5, {"k": "x%index%x"}]}
    assert substitute_index(value, 3) == {"name": "node-3", "%index%": ["3", 5, {"k": "x3x"}]}
    assert substitute_index("a-%i%", 0, "%i%") == "a-0"


def test_parameter_groups():
    params = {"a": {"type": "string", "default": "x"}}
    ok = hot(parameters=params, parameter_groups=[{"label": "g", "parameters": ["a"]}])
    assert Template.load(ok).parameter_groups[0]["label"] == "g"
    bad = hot(parameters=params, parameter_groups=[{"label": "g", "parameters": ["b"]}])
    assert str(error_of(bad)) == ("Parameter Groups error: parameter_groups.g: The grouped "
                                  "parameter b does not reference a valid parameter.")
    twice = hot(parameters=params, parameter_groups=[{"label": "g", "parameters": ["a"]},
                                                     {"label": "h", "parameters": ["a"]}])
    assert "The a parameter must be assigned to one parameter group only." in str(error_of(twice))


def test_resolve_types_against_the_implemented_ones():
    files = {"member.yaml": "heat_template_version: wallaby\n"}
    tmpl = Template.load(hot({"a": {"type": "OS::Heat::SoftwareConfig"},
                              "b": {"type": "OS::TripleO::Thing"},
                              "c": {"type": "member.yaml"}}), files)
    env = Environment.load({"resource_registry": {"OS::TripleO::Thing": "OS::Heat::None"}}, files)
    known = {"OS::Heat::SoftwareConfig", "OS::Heat::None"}
    assert tmpl.resolve_types(env, known) == {"a": "OS::Heat::SoftwareConfig",
                                              "b": "OS::Heat::None", "c": "member.yaml"}
    with pytest.raises(UnsupportedFeature) as err:
        tmpl.resolve_types(Environment.load({"resource_registry": {
            "OS::TripleO::Thing": "OS::Nova::Server"}}, files), {"OS::Heat::None"})
    assert ("resource type OS::Heat::SoftwareConfig at resources.a; resource type "
            "OS::Nova::Server (mapped from OS::TripleO::Thing) at resources.b") in str(err.value)
    typo = Template.load(hot({"a": {"type": "Heat::None"}}))
    with pytest.raises(TemplateError, match=r"resources.a: The Resource Type \(Heat::None\) "
                                            "could not be found."):
        typo.resolve_types(None, known)
