"""HOT intrinsic functions: each supported one, its error paths, and the refusal of the others."""
import hashlib

import pytest

from fakes.heat.functions import (SUPPORTED_FUNCTIONS, StaticContext, function_name, resolve,
                                  select_path, walk_functions)
from fakes.heat.template_errors import TemplateError, UnsupportedFeature


@pytest.fixture
def ctx():
    return StaticContext(
        params={"name": "web", "count": 3, "flag": True, "tags": ["a", "b"],
                "cfg": {"nested": {"key": "v"}, "list": [10, 20]}},
        refs={"server": "0a1b-uuid"},
        attrs={"server": {"name": "node-0", "addresses": {"ctlplane": [{"addr": "192.0.2.5"}]}}},
        files={"script.sh": "#!/bin/sh\necho hi\n"})


def test_function_detection_needs_a_single_known_key():
    assert function_name({"get_param": "x"}) == "get_param"
    assert function_name({"get_param": "x", "other": 1}) is None
    assert function_name({"not_a_function": 1}) is None
    assert function_name({"yaql": {}}) == "yaql"
    assert function_name("get_param") is None


def test_plain_data_passes_through(ctx):
    data = {"a": [1, "two", {"three": None}], "b": 4.5}
    assert resolve(data, ctx) == data


def test_get_param_plain_and_with_path(ctx):
    assert resolve({"get_param": "name"}, ctx) == "web"
    assert resolve({"get_param": ["cfg", "nested", "key"]}, ctx) == "v"
    assert resolve({"get_param": ["cfg", "list", "1"]}, ctx) == 20
    assert resolve({"get_param": ["tags", 0]}, ctx) == "a"


def test_get_param_path_leading_nowhere_is_empty_string(ctx):
    assert resolve({"get_param": ["cfg", "missing"]}, ctx) == ""
    assert resolve({"get_param": ["cfg", "list", "9"]}, ctx) == ""
    assert resolve({"get_param": ["cfg", "list", "x"]}, ctx) == ""


def test_get_param_unknown_and_malformed(ctx):
    with pytest.raises(TemplateError, match=r"The Parameter \(nope\) was not provided\."):
        resolve({"get_param": "nope"}, ctx)
    with pytest.raises(TemplateError, match='Function "get_param" must have arguments'):
        resolve({"get_param": []}, ctx)
    with pytest.raises(TemplateError, match="must be string or list"):
        resolve({"get_param": {"a": 1}}, ctx)


def test_get_resource_and_get_attr(ctx):
    assert resolve({"get_resource": "server"}, ctx) == "0a1b-uuid"
    assert resolve({"get_attr": ["server", "name"]}, ctx) == "node-0"
    assert resolve({"get_attr": ["server", "addresses", "ctlplane", 0, "addr"]}, ctx) \
        == "192.0.2.5"
    assert resolve({"get_attr": ["server", "addresses", "nowhere"]}, ctx) is None
    assert resolve({"get_attr": ["server"]}, ctx)["name"] == "node-0"
    with pytest.raises(TemplateError, match=r"\[resource_name\] or"):
        resolve({"get_attr": []}, ctx)
    with pytest.raises(TemplateError, match='Argument to "get_attr" must be a list'):
        resolve({"get_attr": "server"}, ctx)


def test_select_path():
    value = {"a": [{"b": "c"}]}
    assert select_path(value, ["a", 0, "b"]) == "c"
    assert select_path(value, ["a", 5]) is None
    assert select_path(value, ["x"]) is None
    assert select_path("text", [1]) == "e"
    assert select_path(5, ["a"]) is None


def test_str_replace_like_heat(ctx):
    snippet = {"str_replace": {"template": "NAME-IDX", "params": {
        "NAME": {"get_param": "name"}, "IDX": 0}}}
    assert resolve(snippet, ctx) == "web-0"


def test_str_replace_longer_keys_first_and_no_rescan(ctx):
    snippet = {"str_replace": {"template": "$var $var_long", "params": {
        "$var": "short", "$var_long": "LONG"}}}
    assert resolve(snippet, ctx) == "short LONG"
    # a replacement is never scanned again for other placeholders
    snippet = {"str_replace": {"template": "A B", "params": {"A": "B", "B": "C"}}}
    assert resolve(snippet, ctx) == "B C"


def test_str_replace_json_encodes_maps_and_lists(ctx):
    snippet = {"str_replace": {"template": "x=X y=Y n=N b=B", "params": {
        "X": {"b": 1, "a": [1, 2]}, "Y": ["p", "q"], "N": None, "B": True}}}
    assert resolve(snippet, ctx) == 'x={"a": [1, 2], "b": 1} y=["p", "q"] n= b=True'


def test_str_replace_errors(ctx):
    with pytest.raises(TemplateError, match='"str_replace" syntax should be'):
        resolve({"str_replace": {"template": "x"}}, ctx)
    with pytest.raises(TemplateError, match='"str_replace" template must be a string'):
        resolve({"str_replace": {"template": 5, "params": {}}}, ctx)
    with pytest.raises(TemplateError, match='"str_replace" parameters must be a mapping'):
        resolve({"str_replace": {"template": "x", "params": ["a"]}}, ctx)
    with pytest.raises(TemplateError, match='Arguments to "str_replace" must be a map'):
        resolve({"str_replace": "x"}, ctx)
    with pytest.raises(TemplateError) as err:
        resolve({"a": {"str_replace": {"template": "x", "params": 1}}}, ctx)
    assert str(err.value).startswith("a.str_replace: ")


def test_list_join(ctx):
    assert resolve({"list_join": [",", ["a", "b"], ["c"]]}, ctx) == "a,b,c"
    assert resolve({"list_join": ["-", {"get_param": "tags"}]}, ctx) == "a-b"
    assert resolve({"list_join": [" ", [{"k": "v"}, [1], None]]}, ctx) == '{"k": "v"} [1] '
    assert resolve({"list_join": [",", [], None, ["x"]]}, ctx) == "x"


def test_list_join_errors(ctx):
    with pytest.raises(TemplateError, match='Incorrect arguments to "list_join"'):
        resolve({"list_join": [","]}, ctx)
    with pytest.raises(TemplateError, match='"list_join" must operate on a list'):
        resolve({"list_join": [",", "abc"]}, ctx)
    with pytest.raises(TemplateError, match='"list_join" delimiter must be a string'):
        resolve({"list_join": [1, ["a"]]}, ctx)
    with pytest.raises(TemplateError, match="Items to join must be string, map or list not 5"):
        resolve({"list_join": [",", ["a", 5]]}, ctx)


def test_map_merge(ctx):
    snippet = {"map_merge": [{"a": 1, "b": 2}, None, {"b": 3, "c": {"get_param": "name"}}]}
    assert resolve(snippet, ctx) == {"a": 1, "b": 3, "c": "web"}
    with pytest.raises(TemplateError, match="Items to merge must be maps"):
        resolve({"map_merge": [{"a": 1}, "x"]}, ctx)
    with pytest.raises(TemplateError, match='Incorrect arguments to "map_merge"'):
        resolve({"map_merge": {"a": 1}}, ctx)


def test_map_replace(ctx):
    snippet = {"map_replace": [{"k1": "v1", "k2": "v2"},
                               {"keys": {"k1": "K1"}, "values": {"v2": "V2"}}]}
    assert resolve(snippet, ctx) == {"K1": "v1", "k2": "V2"}
    with pytest.raises(TemplateError, match="collides with a key in the input map"):
        resolve({"map_replace": [{"a": 1, "b": 2}, {"keys": {"a": "b"}}]}, ctx)
    with pytest.raises(TemplateError, match='Incorrect arguments to "map_replace"'):
        resolve({"map_replace": [{"a": 1}, {"other": {}}]}, ctx)


def test_repeat_single_and_cartesian(ctx):
    snippet = {"repeat": {"template": {"port": "%p%", "proto": "%q%"},
                          "for_each": {"%p%": ["22", "80"], "%q%": ["tcp", "udp"]}}}
    assert resolve(snippet, ctx) == [
        {"port": "22", "proto": "tcp"}, {"port": "22", "proto": "udp"},
        {"port": "80", "proto": "tcp"}, {"port": "80", "proto": "udp"}]
    keyed = {"repeat": {"template": {"<%n%>": "name-<%n%>"},
                        "for_each": {"<%n%>": {"get_param": "tags"}}}}
    assert resolve(keyed, ctx) == [{"a": "name-a"}, {"b": "name-b"}]


def test_repeat_without_permutations_zips(ctx):
    snippet = {"repeat": {"template": "%a%=%b%", "permutations": False,
                          "for_each": {"%a%": ["x", "y"], "%b%": ["1", "2"]}}}
    assert resolve(snippet, ctx) == ["x=1", "y=2"]
    snippet["repeat"]["for_each"]["%b%"] = ["1"]
    with pytest.raises(TemplateError, match="length of for_each values should be equal"):
        resolve(snippet, ctx)


def test_repeat_over_map_keys(ctx):
    snippet = {"repeat": {"template": "k=%k%", "for_each": {"%k%": {"one": 1, "two": 2}}}}
    assert resolve(snippet, ctx) == ["k=one", "k=two"]


def test_repeat_errors(ctx):
    with pytest.raises(TemplateError, match='"repeat" syntax should be'):
        resolve({"repeat": {"template": "x"}}, ctx)
    with pytest.raises(TemplateError, match='"for_each" argument to "repeat" must contain a map'):
        resolve({"repeat": {"template": "x", "for_each": ["a"]}}, ctx)
    with pytest.raises(TemplateError, match="must be lists or maps"):
        resolve({"repeat": {"template": "x", "for_each": {"%a%": "abc"}}}, ctx)
    with pytest.raises(TemplateError, match='"permutations" should be boolean'):
        resolve({"repeat": {"template": "x", "for_each": {"%a%": ["1"]}, "permutations": "no"}},
                ctx)
    with pytest.raises(TemplateError, match="replace\\(\\) argument 2 must be str, not int"):
        resolve({"repeat": {"template": "%a%", "for_each": {"%a%": [1]}}}, ctx)


def test_str_split(ctx):
    assert resolve({"str_split": [",", "a,b,c"]}, ctx) == ["a", "b", "c"]
    assert resolve({"str_split": [",", "a,b,c", 1]}, ctx) == "b"
    assert resolve({"str_split": [",", "a,b,c", "2"]}, ctx) == "c"
    with pytest.raises(TemplateError, match="should be between 0 and 2"):
        resolve({"str_split": [",", "a,b,c", 3]}, ctx)
    with pytest.raises(TemplateError, match='Incorrect index to "str_split"'):
        resolve({"str_split": [",", "a,b,c", "x"]}, ctx)
    with pytest.raises(TemplateError, match='Incorrect arguments to "str_split"'):
        resolve({"str_split": ","}, ctx)


def test_get_file(ctx):
    assert resolve({"get_file": "script.sh"}, ctx).startswith("#!/bin/sh")
    with pytest.raises(TemplateError, match='No content found in the "files" section for '
                                            "get_file path: other.sh"):
        resolve({"get_file": "other.sh"}, ctx)
    with pytest.raises(TemplateError, match='Argument to "get_file" must be a string'):
        resolve({"get_file": ["x"]}, ctx)


def test_digest(ctx):
    assert resolve({"digest": ["sha256", "abc"]}, ctx) == hashlib.sha256(b"abc").hexdigest()
    assert resolve({"digest": ["MD5", {"get_param": "name"}]}, ctx) == \
        hashlib.md5(b"web").hexdigest()
    with pytest.raises(TemplateError, match="Algorithm must be one of"):
        resolve({"digest": ["nope", "abc"]}, ctx)
    with pytest.raises(TemplateError, match='usage: \\["<algorithm>", "<value>"\\]'):
        resolve({"digest": ["md5"]}, ctx)


def test_nested_functions_resolve_inside_out(ctx):
    snippet = {"list_join": ["/", [{"get_param": "name"},
                                   {"str_replace": {"template": "n-N", "params": {
                                       "N": {"get_param": "count"}}}}]]}
    assert resolve(snippet, ctx) == "web/n-3"


def test_unsupported_function_is_refused_with_its_path(ctx):
    with pytest.raises(UnsupportedFeature) as err:
        resolve({"a": [{"yaql": {"expression": "1"}}]}, ctx)
    assert "function yaql at a[0]" in str(err.value)
    assert "Supported functions: " in str(err.value)
    for name in SUPPORTED_FUNCTIONS:
        assert name in str(err.value)


def test_walk_functions_reports_paths():
    snippet = {"a": {"str_replace": {"template": "x", "params": {"y": {"get_param": "p"}}}}}
    found = [(name, path) for name, _, path in walk_functions(snippet, ["props"])]
    assert found == [("str_replace", ["props", "a"]),
                     ("get_param", ["props", "a", "str_replace", "params", "y"])]
