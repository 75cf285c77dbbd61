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
    # a JSON body reaches the engine; template text is refused by the API layer first
    missing = error_of({"resources": {}})
    assert str(missing) == "The template version is invalid: Template version was not provided"
    assert missing.error_type == "InvalidTemplateVersion"
    as_text = error_of("resources: {}\n")
    assert str(as_text) == "Template not in valid format: Template format version not found."
    assert as_text.error_type == "HTTPBadRequest"
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
    assert str(error_of("- a\n- b\n")) == ("Template not in valid format: The template is not a "
                                          "JSON object or YAML mapping.")
    assert str(error_of("a: [\n")).startswith("Template not in valid format: Error parsing "
                                               "template [root stack] while parsing")


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

@pytest.mark.parametrize("resources, message", [  # real Heat's words, with no path
    ({"a": {"properties": {}}}, "Each resource must contain a type key."),
    ({"a": None}, "Each resource must contain a type key."),
    ({"a": {"type": "T", "propertys": {}}},
     '"propertys" is not a valid keyword inside a resource definition'),
    ({"a": "T"}, "\"resources\" must contain a map of resource maps. Found a [<class 'str'>] "
                 "instead"),
    ({"a": {"type": "T", "properties": [1]}}, "Resource a properties type must be object"),
    ({"a": {"type": 5}}, "Resource a type type must be string"),
    ({"a": {"type": "T", "depends_on": [1]}}, "Resource a depends_on must be a list of strings"),
])
def test_resource_shape_errors(resources, message):
    assert str(error_of(hot(resources))) == message


def test_sections_that_are_not_mappings():
    assert str(error_of(hot(outputs=["a"]))) == ('outputs: The "outputs" section must be a '
                                                 "mapping of names to definitions, not a list")


def test_depends_on_string_is_normalised_to_list():
    tmpl = Template.load(hot({"a": {"type": "T"}, "b": {"type": "T", "depends_on": "a"}}))
    assert tmpl.resources["b"]["depends_on"] == ["a"]
    assert tmpl.creation_order() == [["a"], ["b"]]
    assert tmpl.deletion_order() == [["b"], ["a"]]


def test_deletion_policy():
    tmpl = Template.load(hot({"a": {"type": "T", "deletion_policy": "retain"}}))
    assert tmpl.resources["a"]["deletion_policy"] == "Retain"
    err = error_of(hot({"a": {"type": "T", "deletion_policy": "Keep"}}))
    assert str(err) == 'Invalid deletion policy "Keep"'
    old = {"heat_template_version": "2015-10-15",
           "resources": {"a": {"type": "T", "deletion_policy": "retain"}}}
    assert "Invalid deletion policy" in str(error_of(old))


def test_output_shape_errors():
    assert str(error_of(hot(outputs={"o": {"description": "x"}}))) == \
        "Output validation error: outputs.o: Each output definition must contain a value key."
    assert str(error_of(hot(outputs={"o": None}))) == \
        ("Output validation error: outputs.o: Output definitions must be a map. Found a "
         "NoneType instead")
    # like Heat, other keys of an output are ignored
    assert Template.load(hot(outputs={"o": {"value": 1, "valu": 2}})).outputs["o"] == \
        {"value": 1, "description": "No description given"}


def test_unknown_references():
    err = error_of(hot({"a": {"type": "T", "properties": {"x": {"get_resource": "nope"}}}}))
    assert err.error_type == "InvalidTemplateReference"
    assert str(err) == 'The specified reference "nope" (in a.Properties.x) is incorrect.'
    deep = hot({"a": {"type": "T", "metadata": {"m": [{"k": {"str_replace": {
        "template": "t", "params": {"t": {"get_attr": ["ghost", "x"]}}}}}]}}})
    assert str(error_of(deep)) == ('The specified reference "ghost" (in a.Metadata.m[0].k.'
                                   'str_replace.params.t) is incorrect.')
    err = error_of(hot({"a": {"type": "T"}}, outputs={"o": {"value": {"get_attr": ["b", "x"]}}}))
    assert str(err) == ('outputs.o.value.get_attr: The specified reference "b" (in unknown) is '
                        "incorrect.")
    assert err.error_type == "StackValidationFailed"
    err = error_of(hot({"a": {"type": "T", "depends_on": ["ghost"]}}))
    assert str(err) == 'The specified reference "ghost" (in a) is incorrect.'
    assert err.error_type == "InvalidTemplateReference"


def test_references_heat_does_not_check_at_validation():
    # get_resource in an output and references in policies are left to resolution time
    tmpl = Template.load(hot({"a": {"type": "T", "update_policy": {"x": {"get_resource": "z"}}}},
                             outputs={"o": {"value": {"get_resource": "ghost"}}}))
    assert tmpl.outputs["o"]["value"] == {"get_resource": "ghost"}


@pytest.mark.parametrize("value, message", [
    ({"list_join": [","]}, 'resources.r.properties.v.list_join: Incorrect arguments to '
                           '"list_join" should be: "list_join" : [ " ", [ "str1", "str2"] ...]'),
    ({"str_replace": "abc"}, 'resources.r.properties.v.str_replace: Arguments to "str_replace" '
                             "must be a map"),
    ({"str_replace": {"template": "x", "params": ["a"]}},
     'resources.r.properties.v.str_replace: "str_replace" parameters must be a mapping'),
    ({"repeat": {"template": "x", "for_each": ["a"]}},
     'resources.r.properties.v.repeat: The "for_each" argument to "repeat" must contain a map'),
    ({"repeat": {"template": "x", "for_each": {"%a%": ["1"]}, "permutations": "no"}},
     'resources.r.properties.v.repeat: "permutations" should be boolean type for repeat '
     "function."),
    ({"str_split": ","}, 'resources.r.properties.v.str_split: Incorrect arguments to "str_split" '
                         'should be: "str_split" : [ ",", "apples,pears", <index>]'),
])
def test_malformed_calls_are_refused_at_load(value, message):
    assert str(error_of(hot({"r": {"type": "T", "properties": {"v": value}}}))) == message


def test_malformed_call_in_metadata_and_outputs():
    bad = {"list_join": [","]}
    assert str(error_of(hot({"r": {"type": "T", "metadata": {"m": bad}}}))).startswith(
        "resources.r.metadata.m.list_join: Incorrect arguments")
    assert str(error_of(hot(outputs={"o": {"value": bad}}))).startswith(
        "outputs.o.value.list_join: Incorrect arguments")


def test_str_replace_and_repeat_syntax_messages_are_heats():
    err = error_of(hot({"r": {"type": "T", "properties": {"v": {"str_replace": {
        "template": "x"}}}}}))
    assert str(err) == ("resources.r.properties.v.str_replace: '\"str_replace\" syntax should be "
                        "str_replace:\\n              template: This is var1 template var2\\n"
                        "              params:\\n                var1: a\\n"
                        "                var2: string'")


@pytest.mark.parametrize("value, message", [
    ({"get_param": "nope"}, "The Parameter (nope) was not provided."),
    ({"k": [{"x": {"get_param": "nope"}}]}, "The Parameter (nope) was not provided."),
    ({"get_file": "f.sh"}, 'No content found in the "files" section for get_file path: f.sh'),
    ({"list_join": [",", ["a", 5]]}, "Items to join must be string, map or list not 5"),
    ({"str_split": [",", "a,b", 5]}, 'Incorrect index to "str_split" should be between 0 and 1'),
    ({"get_param": "OS::region"}, "The Parameter (OS::region) was not provided."),
    ({"digest": ["md5", {"get_attr": ["a", "x"]}]},
     'Argument to function "digest" must be a list of strings'),
    ({"str_replace": {"template": {"get_attr": ["a", "x"]}, "params": {}}},
     '"str_replace" template must be a string'),
])
def test_properties_are_resolved_when_parameters_are_validated(value, message):
    tmpl = Template.load(hot({"a": {"type": "T"}, "r": {"type": "T", "properties": {"v": value}}}))
    with pytest.raises(TemplateError) as err:
        tmpl.validate_parameters(None, {})
    assert str(err.value) == f"Property error: resources.r.properties.v: {message}"
    assert err.value.error_type == "StackValidationFailed"


def test_validation_resolves_with_no_resource_created_yet():
    tmpl = Template.load(hot({"a": {"type": "T"}, "r": {"type": "T", "properties": {
        "joined": {"list_join": [",", {"get_attr": ["a", "ips"]}]},
        "merged": {"map_merge": [{"get_attr": ["a", "m"]}]},
        "name": {"get_param": "OS::stack_name"},
        "ref": {"str_replace": {"template": "X", "params": {"X": {"get_resource": "a"}}}},
        "each": {"repeat": {"template": "%x%", "for_each": {"%x%": {"get_attr": ["a", "l"]}}}}}},
    }, outputs={"o": {"value": {"get_param": "undeclared"}}}))
    assert tmpl.validate_parameters(None, {}) == {}  # outputs are resolved only when shown


def test_function_newer_than_the_template_version():
    data = {"heat_template_version": "2015-10-15",
            "resources": {"a": {"type": "T", "properties": {"x": {"map_merge": [{}]}}}}}
    assert '"map_merge" needs heat_template_version 2016-04-08' in str(error_of(data))


def test_removed_cfn_functions():
    err = error_of(hot({"a": {"type": "T", "properties": {"x": {"Ref": "b"}}}}))
    assert str(err) == ("resources.a.properties.x.Ref: The template version is invalid: The "
                        "function Ref is not supported in this version of HOT.")


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


def test_all_parameter_names_covers_the_templates_in_files():
    files = {"server.yaml": "heat_template_version: wallaby\nparameters:\n  idx: {type: number}\n",
             "script.sh": "#!/bin/sh\necho hi\n", "env.yaml": "parameters:\n  zz: 1\n"}
    tmpl = Template.load(hot(parameters={"count": {"type": "number", "default": 1}}), files)
    assert tmpl.all_parameter_names() == {"count", "idx"}
