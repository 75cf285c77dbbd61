"""Properties of the HOT functions and parameter types that must hold for any input."""
import math

import pytest
from hypothesis import given, strategies as st

from fakes.heat.functions import StaticContext, resolve
from fakes.heat.template import Template, TemplateError, substitute_index

CTX = StaticContext()
plain_text = st.text(alphabet="abcXYZ -_/.0123", max_size=12)
items = st.lists(st.text(alphabet="abc xyz", max_size=6), min_size=1, max_size=6)


@given(st.lists(plain_text, min_size=1, max_size=5), plain_text)
def test_str_replace_matches_plain_replacement_when_placeholders_cannot_overlap(values, filler):
    params = {f"@{i}@": value for i, value in enumerate(values)}
    template = filler.join(params) + filler
    expected = template
    for placeholder, value in params.items():
        expected = expected.replace(placeholder, value)
    assert resolve({"str_replace": {"template": template, "params": params}}, CTX) == expected


@given(st.lists(st.lists(st.sampled_from("abc"), max_size=3), min_size=1, max_size=3))
def test_repeat_yields_the_cartesian_product(lists):
    for_each = {f"<{i}>": values for i, values in enumerate(lists)}
    template = "/".join(for_each)
    result = resolve({"repeat": {"template": template, "for_each": for_each}}, CTX)
    assert len(result) == math.prod(len(values) for values in lists)
    assert all("<" not in item for item in result)


@given(items)
def test_str_split_undoes_list_join(strings):
    joined = resolve({"list_join": [",", strings]}, CTX)
    assert resolve({"str_split": [",", joined]}, CTX) == strings


@given(st.recursive(st.text(alphabet="ab%index", max_size=10),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from("kl"), inner, max_size=2),
                    max_leaves=8),
       st.integers(min_value=0, max_value=99))
def test_substitute_index_leaves_no_pattern_in_values(value, index):
    def strings(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for item in node:
                yield from strings(item)
        elif isinstance(node, dict):
            for item in node.values():
                yield from strings(item)
    assert not any("%index%" in s for s in strings(substitute_index(value, index)))


LIST_TEMPLATE = Template.load({"heat_template_version": "wallaby",
                               "parameters": {"l": {"type": "comma_delimited_list"},
                                              "b": {"type": "boolean", "default": True}}})


@given(items.filter(lambda xs: all("," not in x for x in xs) and xs != [""]))
def test_comma_delimited_list_round_trip(strings):  # "" is the empty list, as in Heat
    values = LIST_TEMPLATE.validate_parameters(None, {"l": ",".join(strings)})
    assert values["l"] == strings


@given(st.sampled_from(["1", "t", "true", "on", "y", "yes", "0", "f", "false", "off", "n", "no"]),
       st.booleans())
def test_boolean_words_in_any_case(word, upper):
    given_word = word.upper() if upper else word
    values = LIST_TEMPLATE.validate_parameters(None, {"l": "", "b": f" {given_word} "})
    assert values["b"] is (word in ("1", "t", "true", "on", "y", "yes"))


@given(st.text(alphabet="abcdghijkmpqruvwxz2", min_size=1, max_size=6))
def test_other_boolean_words_are_refused(word):  # none of Heat's words can be spelt with these
    with pytest.raises(TemplateError, match=f"Unrecognized value '{word}', acceptable values"):
        LIST_TEMPLATE.validate_parameters(None, {"l": "", "b": word})
