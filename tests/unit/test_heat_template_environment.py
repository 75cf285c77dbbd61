"""Heat environments: sections, merging like `-e a -e b`, and resource_registry resolution."""
import pytest

from fakes.heat.environment import Environment
from fakes.heat.template_errors import TemplateError, UnsupportedFeature

FILES = {"server.yaml": "heat_template_version: wallaby\n", "net.yaml": "x: 1\n"}


def test_load_none_and_yaml_text():
    assert Environment.load(None, {}).parameters == {}
    env = Environment.load("parameters:\n  a: 1\nparameter_defaults:\n  b: two\n"
                           "event_sinks: []\nencrypted_param_names: []\n", {})
    assert env.parameters == {"a": 1} and env.parameter_defaults == {"b": "two"}


def test_wrong_and_empty_sections():
    with pytest.raises(TemplateError) as err:
        Environment.load({"paramters": {}}, {})
    assert str(err.value) == ('Environment not in valid format: environment has wrong section '
                              '"paramters"')
    assert err.value.error_type == "HTTPBadRequest"
    with pytest.raises(TemplateError, match='environment has empty section "parameters"'):
        Environment.load("parameters:\n", {})
    with pytest.raises(TemplateError, match="not a valid YAML mapping"):
        Environment.load("- a\n", {})
    with pytest.raises(TemplateError, match='section "parameters" must be a mapping'):
        Environment.load({"parameters": ["a"]}, {})


def test_unsupported_environment_features_named_together():
    with pytest.raises(UnsupportedFeature) as err:
        Environment.load({"parameter_merge_strategies": {"a": "merge"},
                          "resource_registry": {"resources": {
                              "server": {"hooks": "pre-create"},
                              "db": {"restricted_actions": "replace"}}}}, {})
    message = str(err.value)
    assert "environment section parameter_merge_strategies" in message
    assert "environment hooks at resource_registry.resources.server" in message
    assert "environment restricted_actions at resource_registry.resources.db" in message


def test_resolve_type_plain_alias_chain_and_template():
    env = Environment.load({"resource_registry": {
        "OS::TripleO::Compute": "OS::TripleO::Server",
        "OS::TripleO::Server": "server.yaml",
        "OS::TripleO::Net": "OS::Heat::None"}}, FILES)
    assert env.resolve_type("OS::TripleO::Compute") == "server.yaml"
    assert env.resolve_type("OS::TripleO::Net") == "OS::Heat::None"
    assert env.resolve_type("OS::Heat::SoftwareConfig") == "OS::Heat::SoftwareConfig"
    assert env.resolve_type("server.yaml") == "server.yaml"


def test_template_file_missing_from_files():
    env = Environment.load({"resource_registry": {"OS::X": "missing.yaml"}}, FILES)
    with pytest.raises(TemplateError, match='Could not fetch remote template "missing.yaml"'):
        env.resolve_type("OS::X")


def test_mapping_loop_is_an_error():
    env = Environment.load({"resource_registry": {"A::B": "C::D", "C::D": "A::B"}}, {})
    with pytest.raises(TemplateError, match="loop: A::B -> C::D -> A::B"):
        env.resolve_type("A::B")


def test_globs():
    env = Environment.load({"resource_registry": {
        "OS::TripleO::Network::*": "OS::Heat::None",
        "My::*": "OS::Heat::*"}}, {})
    assert env.resolve_type("OS::TripleO::Network::Ports") == "OS::Heat::None"
    assert env.resolve_type("My::SoftwareConfig") == "OS::Heat::SoftwareConfig"
    assert env.resolve_type("Other::Thing") == "Other::Thing"


def test_per_resource_mapping_wins_for_that_resource_only():
    env = Environment.load({"resource_registry": {
        "OS::TripleO::Server": "server.yaml",
        "resources": {"special": {"OS::TripleO::Server": "net.yaml"}}}}, FILES)
    assert env.resolve_type("OS::TripleO::Server", "special") == "net.yaml"
    assert env.resolve_type("OS::TripleO::Server", "other") == "server.yaml"
    assert env.resolve_type("OS::TripleO::Server") == "server.yaml"


def test_merge_later_wins_and_null_removes():
    first = Environment.load({"parameters": {"a": 1, "b": 1},
                              "parameter_defaults": {"x": {"k": 1}, "y": 1},
                              "resource_registry": {"OS::A": "server.yaml",
                                                    "OS::B": "OS::Heat::None",
                                                    "resources": {"r": {"OS::A": "net.yaml"}}}},
                             FILES)
    second = Environment.load({"parameters": {"b": 2},
                               "parameter_defaults": {"x": {"j": 2}},
                               "resource_registry": {"OS::B": None, "OS::C": "OS::A"}}, FILES)
    merged = first.merge(second)
    assert merged.parameters == {"a": 1, "b": 2}
    assert merged.parameter_defaults == {"x": {"j": 2}, "y": 1}
    assert merged.resolve_type("OS::B") == "OS::B"
    assert merged.resolve_type("OS::C") == "server.yaml"
    assert merged.resolve_type("OS::A", "r") == "net.yaml"
    assert first.resolve_type("OS::B") == "OS::Heat::None"  # merge() leaves its inputs alone


def test_registry_entry_must_be_a_name():
    with pytest.raises(TemplateError) as err:
        Environment.load({"resource_registry": {"OS::A": ["x"]}}, {})
    assert str(err.value).startswith("resource_registry.OS::A: resource_registry entry OS::A")


def test_as_dict_shape():
    env = Environment.load({"parameters": {"a": 1},
                            "resource_registry": {"OS::A": "OS::Heat::None"}}, {})
    assert env.as_dict() == {"parameters": {"a": 1}, "parameter_defaults": {},
                             "resource_registry": {"OS::A": "OS::Heat::None", "resources": {}},
                             "event_sinks": []}


def test_glob_entries_rank_before_exact_ones_as_in_heat():
    # checked against real Heat 27.0.1: entries are ranked by name and "*" sorts first
    env = Environment.load({"resource_registry": {
        "OS::TripleO::Server": "OS::Heat::None",
        "OS::TripleO::*": "OS::Heat::SoftwareConfig"}}, {})
    assert env.resolve_type("OS::TripleO::Server") == "OS::Heat::SoftwareConfig"


def test_a_glob_never_maps_its_own_target():
    env = Environment.load({"resource_registry": {"OS::Heat::*": "OS::Heat::None"}}, {})
    assert env.resolve_type("OS::Heat::SoftwareConfig") == "OS::Heat::None"
    assert env.resolve_type("OS::Heat::None") == "OS::Heat::None"


def test_per_resource_entries_need_the_exact_resource_name():
    env = Environment.load({"resource_registry": {
        "OS::X": "OS::Heat::None",
        "resources": {"r*": {"OS::X": "OS::Heat::SoftwareConfig"}}}}, {})
    assert env.resolve_type("OS::X", "r1") == "OS::Heat::None"


# Environment.from_request: checked against real Heat 27.0.1's merge_environments
REQUEST_FILES = {
    "server.yaml": "heat_template_version: wallaby\nparameters:\n  nested_p: {type: string}\n",
    "e1.yaml": ("parameters:\n  a: from-file\n  unknown: u\n  nested_p: kept\n"
                "parameter_defaults:\n  b: pd1\n  zz: z\n"
                "resource_registry:\n  OS::A: server.yaml\n"
                "  resources:\n    r1: {OS::A: OS::Heat::None}\n"),
    "e2.yaml": ("resource_registry:\n  OS::B: OS::Heat::None\n"
                "  resources:\n    r2: {OS::A: OS::Heat::None}\n"),
}
KNOWN = {"a", "b", "nested_p"}


def test_environment_files_beat_the_command_line_parameters():
    env = Environment.from_request({"parameters": {"ignored": 1}}, ["e1.yaml", "e2.yaml"],
                                   REQUEST_FILES, {"a": "from-cli"}, KNOWN)
    assert env.parameters == {"a": "from-file", "nested_p": "kept"}
    # into an empty section a file's values go whole, unknown names included
    assert env.parameter_defaults == {"b": "pd1", "zz": "z"}
    assert env.registry == {"OS::A": "server.yaml", "OS::B": "OS::Heat::None"}
    assert env.per_resource == {"r2": {"OS::A": "OS::Heat::None"}}  # replaced as a whole
    assert env.resolve_type("OS::A", "r1") == "server.yaml"


def test_first_file_goes_whole_into_empty_parameters():
    env = Environment.from_request(None, ["e1.yaml"], REQUEST_FILES, {}, KNOWN)
    assert env.parameters == {"a": "from-file", "unknown": "u", "nested_p": "kept"}


def test_without_environment_files_the_inline_environment_is_used():
    env = Environment.from_request({"parameters": {"a": "inline"},
                                    "resource_registry": {"OS::A": "OS::Heat::None"}},
                                   None, {}, {"b": "cli"}, KNOWN)
    assert env.parameters == {"a": "inline", "b": "cli"}
    assert env.resolve_type("OS::A") == "OS::Heat::None"


def test_a_named_environment_file_must_be_in_files():
    with pytest.raises(TemplateError, match='The environment file "e9.yaml" is not in files'):
        Environment.from_request(None, ["e9.yaml"], REQUEST_FILES, {}, KNOWN)
