"""Template parameters: schemas, typed values, merge order, constraints and their messages."""
import pytest

from fakes.heat.template import Environment, Template, TemplateError


def template(**parameters):
    return Template.load({"heat_template_version": "wallaby", "parameters": parameters})


def values(tmpl, params=None, env=None):
    return tmpl.validate_parameters(Environment.load(env, {}), params or {})


def failure(tmpl, params=None, env=None):
    with pytest.raises(TemplateError) as err:
        values(tmpl, params, env)
    return err.value


def test_schema_dict_exposed():
    tmpl = template(pw={"type": "string", "hidden": True, "description": "secret",
                        "constraints": [{"length": {"min": 8}}]})
    schema = tmpl.parameters["pw"]
    assert schema["type"] == "string" and schema["hidden"] is True
    assert schema["description"] == "secret" and schema["default"] is None
    assert schema["constraints"] == [{"kind": "length", "value": {"min": 8},
                                      "description": None}]


@pytest.mark.parametrize("kind, raw, expected", [
    ("string", "abc", "abc"), ("string", 5, "5"),
    ("number", "3", 3), ("number", "2.5", 2.5), ("number", 7, 7),
    ("json", '{"a": [1]}', {"a": [1]}), ("json", {"a": 1}, {"a": 1}), ("json", "[1, 2]", [1, 2]),
    ("comma_delimited_list", "a,b,c", ["a", "b", "c"]), ("comma_delimited_list", "", []),
    ("comma_delimited_list", ["a", 1], ["a", "1"]),
    ("boolean", "yes", True), ("boolean", "Off", False), ("boolean", "1", True),
    ("boolean", "false", False), ("boolean", True, True), ("boolean", "t", True),
])
def test_typed_values(kind, raw, expected):
    assert values(template(p={"type": kind}), {"p": raw}) == {"p": expected}


@pytest.mark.parametrize("kind, raw, message", [
    ("number", "abc", "Parameter 'p' is invalid: could not convert string to float: 'abc'"),
    ("json", "{not json", "Parameter 'p' is invalid: Value must be valid JSON: "),
    ("boolean", "maybe", "Parameter 'p' is invalid: Unrecognized value 'maybe', acceptable "
                         "values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', "
                         "'true', 'y', 'yes'"),
    ("comma_delimited_list", {"a": 1}, "Parameter 'p' is invalid: Value must be a "
                                        "comma-delimited list string"),
])
def test_values_that_do_not_convert(kind, raw, message):
    assert str(failure(template(p={"type": kind}), {"p": raw})).startswith(message)


def test_merge_order():
    tmpl = template(a={"type": "string", "default": "tmpl"}, b={"type": "string", "default": "t"},
                    c={"type": "string", "default": "t"}, d={"type": "string", "default": "t"})
    env = {"parameter_defaults": {"b": "pd", "c": "pd", "d": "pd", "unknown": "ignored"},
           "parameters": {"c": "env", "d": "env"}}
    assert values(tmpl, {"d": "explicit"}, env) == {"a": "tmpl", "b": "pd", "c": "env",
                                                    "d": "explicit"}


def test_parameter_defaults_fill_a_required_parameter():
    tmpl = template(a={"type": "number"})
    assert values(tmpl, env={"parameter_defaults": {"a": "4"}}) == {"a": 4}


def test_missing_required_parameter():
    err = failure(template(a={"type": "string"}))
    assert str(err) == "The Parameter (a) was not provided."
    assert err.error_type == "UserParameterMissing"


def test_unknown_parameters_are_rejected_from_params_and_env_parameters():
    tmpl = template(a={"type": "string", "default": "x"})
    err = failure(tmpl, {"zzz": 1})
    assert str(err) == "The Parameter (zzz) was not defined in template."
    assert err.error_type == "UnknownUserParameter"
    assert "(yyy) was not defined" in str(failure(tmpl, env={"parameters": {"yyy": 1}}))


@pytest.mark.parametrize("constraint, good, bad, message", [
    ({"allowed_values": ["a", "b"]}, "a", "c", 'Parameter \'p\' is invalid: "c" is not an '
                                               'allowed value ["a", "b"]'),
    ({"length": {"min": 2, "max": 3}}, "ab", "abcd",
     "Parameter 'p' is invalid: length (4) is out of range (min: 2, max: 3)"),
    ({"allowed_pattern": "[a-z]+"}, "abc", "abc1",
     'Parameter \'p\' is invalid: "abc1" does not match pattern "[a-z]+"'),
    ({"allowed_pattern": "[a-z]+", "description": "lower case only"}, "x", "X",
     "Parameter 'p' is invalid: lower case only"),
])
def test_string_constraints(constraint, good, bad, message):
    tmpl = template(p={"type": "string", "constraints": [constraint]})
    assert values(tmpl, {"p": good}) == {"p": good}
    err = failure(tmpl, {"p": bad})
    assert str(err) == message
    assert err.error_type == "StackValidationFailed"


def test_number_constraints():
    tmpl = template(p={"type": "number", "constraints": [
        {"range": {"min": 1, "max": 10}}, {"modulo": {"step": 2, "offset": 1}},
        {"allowed_values": [1, 3, 5, 7]}]})
    assert values(tmpl, {"p": "5"}) == {"p": 5}
    assert str(failure(tmpl, {"p": 11})) == \
        "Parameter 'p' is invalid: 11 is out of range (min: 1, max: 10)"
    assert str(failure(tmpl, {"p": "4"})) == \
        "Parameter 'p' is invalid: 4 is not a multiple of 2 with an offset of 1"
    assert str(failure(tmpl, {"p": 9})) == \
        "Parameter 'p' is invalid: 9 is not an allowed value [1, 3, 5, 7]"


def test_list_and_json_constraints():
    tmpl = template(l={"type": "comma_delimited_list", "default": "a",
                       "constraints": [{"allowed_values": ["a", "b"]}, {"length": {"max": 2}}]},
                    j={"type": "json", "default": {}, "constraints": [{"length": {"max": 1}}]})
    assert values(tmpl, {"l": "a,b"}) == {"l": ["a", "b"], "j": {}}
    assert 'is not an allowed value ["a", "b"]' in str(failure(tmpl, {"l": "a,c"}))
    assert "length (3) is out of range" in str(failure(tmpl, {"l": "a,a,a"}))
    assert "length (2) is out of range" in str(failure(tmpl, {"j": {"x": 1, "y": 2}}))


@pytest.mark.parametrize("schema, message", [  # real Heat's words: prefixed only when found
    ({"type": "strin"}, "Invalid type (strin)"),  # validating a parsed schema, never a path
    (None, "Invalid parameter (p), expected a mapping"),
    ({"default": 1}, "Missing parameter type for parameter: p"),
    ({"type": "string", "defualt": 1}, "Invalid key 'defualt' for parameter (p)"),
    ({"type": "string", "constraints": {"length": {}}},
     "Invalid parameter constraints for parameter p, expected a list"),
    ({"type": "string", "constraints": [{"range": {"min": 1}}]},
     "Parameter 'p' is invalid: Range constraint invalid for string"),
    ({"type": "number", "constraints": [{"range": {}}]},
     "A range constraint must have a min value and/or a max value specified."),
    ({"type": "number", "constraints": [{"modulo": {"step": 2, "offset": 3}}]},
     "offset must be smaller (by absolute value) than step."),
    ({"type": "string", "constraints": [{"lenght": {"min": 1}}]},
     "Invalid key 'lenght' for parameter constraints"),
    ({"type": "string", "default": "zz", "constraints": [{"allowed_values": ["a"]}]},
     "Parameter 'p' is invalid: Invalid default zz (\"zz\" is not an allowed value [\"a\"])"),
    ({"type": "string", "constraints": [{"allowed_values": "a"}]}, "AllowedValues must be a list"),
    ({"type": "string", "constraints": [{"length": {"min": 1.5}}]},
     "min/max length must be integral"),
])
def test_invalid_schemas(schema, message):
    with pytest.raises(TemplateError) as err:
        template(p=schema)
    assert str(err.value) == message
    assert err.value.error_type == "InvalidSchemaError"


def test_custom_constraints_are_accepted_without_a_service_to_ask():
    tmpl = template(k={"type": "string", "default": "key",
                       "constraints": [{"custom_constraint": "nova.keypair"}]})
    assert values(tmpl) == {"k": "key"}


# Facts below were checked against real Heat 27.0.1 (Stack.validate on the same templates).

def test_a_default_of_the_wrong_type_is_reported_when_used():
    tmpl = template(a={"type": "number", "default": "abc"})
    assert values(tmpl, {"a": 1}) == {"a": 1}
    err = failure(tmpl)
    assert str(err) == "Parameter 'a' is invalid: could not convert string to float: 'abc'"
    assert err.error_type == "StackValidationFailed"


def test_number_from_a_map_uses_int_words():
    err = failure(template(a={"type": "number"}), {"a": {"x": 1}})
    assert str(err) == ("Parameter 'a' is invalid: int() argument must be a string, a "
                        "bytes-like object or a real number, not 'dict'")


def test_comma_delimited_list_from_a_map():
    err = failure(template(a={"type": "comma_delimited_list"}), {"a": {"x": 1}})
    assert str(err) == ("Parameter 'a' is invalid: Value must be a comma-delimited list string: "
                        "'dict' object has no attribute 'split'")


@pytest.mark.parametrize("schema, given, message", [
    ({"type": "number", "constraints": [{"allowed_values": [1, 2]}]}, "3",
     '"3" is not an allowed value [1, 2]'),
    ({"type": "boolean", "constraints": [{"allowed_values": [True]}]}, "false",
     '"false" is not an allowed value [true]'),
    ({"type": "number", "constraints": [{"range": {"min": 5}}]}, "3",
     "3 is out of range (min: 5, max: None)"),
    ({"type": "comma_delimited_list", "constraints": [{"length": {"max": 1}}]}, "x,y",
     "length (2) is out of range (min: None, max: 1)"),
    ({"type": "comma_delimited_list", "constraints": [{"allowed_values": ["a", "b"]}]}, "a,c",
     '["a", "c"] is not an allowed value ["a", "b"]'),
])
def test_constraint_messages_show_the_value_as_given(schema, given, message):
    assert str(failure(template(a=schema), {"a": given})) == f"Parameter 'a' is invalid: {message}"


def test_number_allowed_values_compare_as_numbers():
    tmpl = template(a={"type": "number", "constraints": [{"allowed_values": ["1", "2"]}]})
    assert values(tmpl, {"a": 2}) == {"a": 2}


def test_only_the_first_kind_of_a_constraint_mapping_applies():
    tmpl = template(a={"type": "string", "default": "abc",
                       "constraints": [{"length": {"min": 1}, "allowed_values": ["x"]}]})
    assert values(tmpl) == {"a": "abc"}


@pytest.mark.parametrize("schema, message", [
    ({"type": "number", "default": 1, "constraints": [{"range": {"mini": 1}}]},
     "Invalid key 'mini' for range constraint"),
    ({"type": "string", "default": "x", "tags": "t"},
     "Tags property should be a list for parameter: a"),
    ({"type": "string", "default": "a", "constraints": [{"description": "x"}]},
     "No constraint expressed"),
])
def test_more_schema_errors(schema, message):
    with pytest.raises(TemplateError) as err:
        template(a=schema)
    assert str(err.value) == message


def test_range_bounds_may_be_numeric_strings():
    tmpl = template(a={"type": "number", "constraints": [{"range": {"min": "2", "max": "4"}}]})
    assert values(tmpl, {"a": 3}) == {"a": 3}
    assert "5 is out of range (min: 2, max: 4)" in str(failure(tmpl, {"a": 5}))
