"""HOT intrinsic functions the fake Heat implements, resolved against a context.

A snippet is a function call when it is a mapping with exactly one key that names a function
(Heat's rule); any other mapping is plain data. Arguments are resolved before the function runs,
as in Heat. Error messages follow Heat's (heat/engine/hot/functions.py) so users can search them.

The context passed to `resolve` provides (see `StaticContext` for a ready-made one):
  param(name) -> typed value            (raise TemplateError for an unknown name)
  resource_ref(name) -> str             (get_resource)
  resource_attr(name, attr, *path)      (get_attr; attr is None for `get_attr: [name]`, which
                                         means "all attributes as a dict"; see select_path)
  file(name) -> str                     (get_file)
"""
from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from fakes.heat.template_errors import TemplateError, UnsupportedFeature, format_path

# Function name -> the first heat_template_version that has it.
FUNCTION_SINCE = {
    "get_param": "2013-05-23", "get_resource": "2013-05-23", "get_attr": "2013-05-23",
    "str_replace": "2013-05-23", "list_join": "2013-05-23", "get_file": "2013-05-23",
    "repeat": "2015-04-30", "digest": "2015-04-30", "str_split": "2015-10-15",
    "map_merge": "2016-04-08", "map_replace": "2016-10-14",
}
SUPPORTED_FUNCTIONS = frozenset(FUNCTION_SINCE)
# Real HOT functions the fake refuses (UnsupportedFeature), never silently treats as data.
UNSUPPORTED_FUNCTIONS = frozenset({
    "yaql", "if", "filter", "str_replace_strict", "str_replace_vstrict", "make_url",
    "list_concat", "list_concat_unique", "contains", "resource_facade",
})
# CloudFormation functions HOT removed in 2014-10-16 (Heat: InvalidTemplateVersion).
REMOVED_FUNCTIONS = frozenset({
    "Fn::GetAZs", "Fn::Join", "Fn::Split", "Fn::Replace", "Fn::Base64", "Fn::MemberListToMap",
    "Fn::ResourceFacade", "Fn::Select", "Ref",
})
KNOWN_FUNCTIONS = SUPPORTED_FUNCTIONS | UNSUPPORTED_FUNCTIONS | REMOVED_FUNCTIONS


def function_name(snippet: Any) -> str | None:
    """The function a snippet calls, or None when it is plain data."""
    if isinstance(snippet, dict) and len(snippet) == 1:
        name = next(iter(snippet))
        if name in KNOWN_FUNCTIONS:
            return name
    return None


def walk_functions(snippet: Any, path: list):
    """Yield (name, args, path) for every function call in a snippet, outermost first."""
    name = function_name(snippet)
    if name is not None:
        yield name, snippet[name], path
        yield from walk_functions(snippet[name], path + [name])
    elif isinstance(snippet, dict):
        for key, value in snippet.items():
            yield from walk_functions(value, path + [key])
    elif isinstance(snippet, list):
        for index, value in enumerate(snippet):
            yield from walk_functions(value, path + [index])


def resolve(snippet: Any, ctx: Any, path: list | None = None) -> Any:
    """Resolve every function in a snippet (recursively) and return plain data."""
    path = list(path or [])
    name = function_name(snippet)
    if name in SUPPORTED_FUNCTIONS:
        fn_path = path + [name]
        args = resolve(snippet[name], ctx, fn_path)
        return _RESOLVERS[name](args, ctx, fn_path)
    if name is not None:
        raise UnsupportedFeature([f"function {name} at {format_path(path) or '(top)'}"],
                                 SUPPORTED_FUNCTIONS)
    if isinstance(snippet, dict):
        return {key: resolve(value, ctx, path + [key]) for key, value in snippet.items()}
    if isinstance(snippet, list):
        return [resolve(value, ctx, path + [index]) for index, value in enumerate(snippet)]
    return snippet


def select_path(value: Any, path: tuple | list) -> Any:
    """Follow get_attr path components into an attribute value; None when it leads nowhere."""
    for key in path:
        if isinstance(value, (dict, list, str)) and isinstance(key, (str, int)):
            try:
                value = value[key]
                continue
            except (KeyError, IndexError, TypeError):
                pass
        return None
    return value


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _get_param(args, ctx, path):
    if not args:
        raise TemplateError('Function "get_param" must have arguments', path)
    if isinstance(args, str):
        name, components = args, []
    elif isinstance(args, list):
        name, components = args[0], args[1:]
    else:
        raise TemplateError('Argument to "get_param" must be string or list', path)
    if not isinstance(name, str):
        raise TemplateError('Parameter name in "get_param" must be string', path)
    value = ctx.param(name)
    for key in components:  # Heat answers '' whenever the path leads nowhere
        if isinstance(value, (list, str)) and isinstance(key, str):
            key = int(key) if key.lstrip("-").isdigit() else None
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return ""
    return value


def _get_resource(args, ctx, path):
    if not isinstance(args, str):
        raise TemplateError('Argument to "get_resource" must be a resource name', path)
    return ctx.resource_ref(args)


def _get_attr(args, ctx, path):
    if not isinstance(args, list) or not args:
        raise TemplateError('Arguments to "get_attr" can be of the next forms: '
                            '[resource_name] or [resource_name, attribute, (path), ...]', path)
    if len(args) == 1:
        return ctx.resource_attr(args[0], None)
    return ctx.resource_attr(args[0], args[1], *args[2:])


def _replacement_text(value, placeholder, path):
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return _json(value)
    if isinstance(value, (str, int, float, bool)):
        return str(value)
    raise TemplateError('"str_replace" params must be strings, numbers, list or map.', path)


def _replace_all(text: str, replacements: list[tuple[str, str]]) -> str:
    """Longer placeholders first (ties: alphabetical); replaced text is never scanned again."""
    if not replacements:
        return text
    (placeholder, value), rest = replacements[0], replacements[1:]
    return value.join(_replace_all(piece, rest) for piece in text.split(placeholder))


def _str_replace(args, ctx, path):
    if not isinstance(args, dict) or "template" not in args or "params" not in args:
        raise TemplateError('"str_replace" syntax should be str_replace: {template: '
                            'This is var1 template var2, params: {var1: a, var2: string}}', path)
    template, params = args["template"], args["params"]
    if not isinstance(template, str):
        raise TemplateError('"str_replace" template must be a string', path)
    if not isinstance(params, dict):
        raise TemplateError('"str_replace" params must be a map', path)
    for key in params:
        if not isinstance(key, str):
            raise TemplateError('"str_replace" param placeholders must be strings', path)
    order = sorted(sorted(params), key=len, reverse=True)
    return _replace_all(template, [(k, _replacement_text(params[k], k, path)) for k in order])


def _join_item(item, path):
    if item is None:
        return ""
    if isinstance(item, str):
        return item
    if isinstance(item, (dict, list)):
        return _json(item)
    raise TemplateError(f"Items to join must be string, map or list not {repr(item)[:200]}", path)


def _list_join(args, ctx, path):
    if not isinstance(args, list) or len(args) < 2:
        raise TemplateError('Incorrect arguments to "list_join" should be: '
                            '"list_join" : [ " ", [ "str1", "str2"] ...]', path)
    delimiter, lists = args[0], args[1:]
    items: list = []
    for joined in lists:
        if not joined:
            continue
        if not isinstance(joined, list):
            raise TemplateError('"list_join" must operate on a list', path)
        items.extend(joined)
    if not isinstance(delimiter, str):
        raise TemplateError('"list_join" delimiter must be a string', path)
    return delimiter.join(_join_item(item, path) for item in items)


def _map_merge(args, ctx, path):
    if not isinstance(args, list):
        raise TemplateError('Incorrect arguments to "map_merge" should be: '
                            '"map_merge" : [ { "key1": "val1" }, { "key2": "val2" } ]', path)
    merged: dict = {}
    for item in args:
        if item is None:
            continue
        if not isinstance(item, dict):
            raise TemplateError('Incorrect arguments: Items to merge must be maps. '
                                f'{repr(item)[:200]} is type {type(item)} instead of a dict',
                                path)
        merged.update(item)
    return merged


def _map_replace(args, ctx, path):
    usage = ('Incorrect arguments to "map_replace" should be: "map_replace" : [ { "key1": '
             '"val1" }, {"keys": {"key1": "key2"}, "values": {"val1": "val2"}}]')
    if not isinstance(args, list) or len(args) != 2:
        raise TemplateError(usage, path)
    source, replacements = (item if item is not None else {} for item in args)
    if not isinstance(source, dict) or not isinstance(replacements, dict):
        raise TemplateError(usage, path)
    if set(replacements) - {"keys", "values"}:
        raise TemplateError(usage, path)
    new_keys, new_values = replacements.get("keys") or {}, replacements.get("values") or {}
    if not isinstance(new_keys, dict) or not isinstance(new_values, dict):
        raise TemplateError(usage, path)
    result: dict = {}
    for key, value in source.items():
        new_key = new_keys.get(key, key)
        if new_key != key and new_key in source:
            raise TemplateError(f"key replacement {new_key} collides with a key in the input map",
                                path)
        if new_key in result:
            raise TemplateError(f"key replacement {new_key} collides with a key in the output "
                                "map", path)
        hashable = isinstance(value, (str, int, float, bool)) or value is None
        result[new_key] = new_values.get(value, value) if hashable else value
    return result


def _substitute(template: Any, pairs: list[tuple[str, str]]) -> Any:
    if isinstance(template, str):
        for key, value in pairs:
            template = template.replace(key, value)
        return template
    if isinstance(template, list):
        return [_substitute(item, pairs) for item in template]
    if isinstance(template, dict):
        return {_substitute(k, pairs): _substitute(v, pairs) for k, v in template.items()}
    return template


def _repeat(args, ctx, path):
    if not isinstance(args, dict) or "for_each" not in args or "template" not in args:
        raise TemplateError('"repeat" syntax should be repeat: {template: This is %var%, '
                            "for_each: {'%var%': ['a', 'b', 'c']}}", path)
    for_each, permutations = args["for_each"], args.get("permutations", True)
    if not isinstance(for_each, dict) or not for_each:
        raise TemplateError('The "for_each" argument to "repeat" must contain a map', path)
    if not isinstance(permutations, bool):
        raise TemplateError('"permutations" should be boolean type for repeat function.', path)
    lists = []
    for values in for_each.values():
        values = [] if values is None else values
        if not isinstance(values, list) and not (permutations and isinstance(values, dict)):
            kinds = "lists or maps" if permutations else "lists"
            raise TemplateError(f'The values of the "for_each" argument to "repeat" must be '
                                f"{kinds}", path)
        for value in values:
            if not isinstance(value, str):
                raise TemplateError(f'The "for_each" values of "repeat" must be strings, not '
                                    f"{value!r}", path)
        lists.append(list(values))
    if not permutations and len({len(values) for values in lists}) > 1:
        raise TemplateError("For repeat, the length of for_each values should be equal if no "
                            "nested loop.", path)
    combine = itertools.product if permutations else zip
    keys = list(for_each)
    return [_substitute(args["template"], list(zip(keys, combo))) for combo in combine(*lists)]


def _str_split(args, ctx, path):
    usage = 'Incorrect arguments to "str_split" should be: "str_split" : [ ",", "apples,pears", <index>]'
    if not isinstance(args, list) or len(args) not in (2, 3):
        raise TemplateError(usage, path)
    delimiter, text = args[0], args[1]
    if text is None:
        return None
    if not isinstance(delimiter, str) or not isinstance(text, str):
        raise TemplateError(usage, path)
    pieces = text.split(delimiter)
    if len(args) == 2:
        return pieces
    try:
        index = int(args[2])
    except (TypeError, ValueError):
        raise TemplateError('Incorrect index to "str_split" should be: "str_split" : '
                            '[ ",", "apples,pears", <index>]', path) from None
    if not -len(pieces) <= index < len(pieces):
        raise TemplateError(f'Incorrect index to "str_split" should be between 0 and '
                            f"{len(pieces) - 1}", path)
    return pieces[index]


def _get_file(args, ctx, path):
    if not isinstance(args, str):
        raise TemplateError('Argument to "get_file" must be a string', path)
    return ctx.file(args)


def _digest(args, ctx, path):
    if not (isinstance(args, list) and all(isinstance(a, str) for a in args)):
        raise TemplateError('Argument to function "digest" must be a list of strings', path)
    if len(args) != 2:
        raise TemplateError('Function "digest" usage: ["<algorithm>", "<value>"]', path)
    algorithm, value = args[0].lower(), args[1]
    if algorithm not in hashlib.algorithms_available:
        raise TemplateError(f"Algorithm must be one of {sorted(hashlib.algorithms_available)}",
                            path)
    return hashlib.new(algorithm, value.encode("latin-1")).hexdigest()


_RESOLVERS: dict[str, Callable[[Any, Any, list], Any]] = {
    "get_param": _get_param, "get_resource": _get_resource, "get_attr": _get_attr,
    "str_replace": _str_replace, "list_join": _list_join, "map_merge": _map_merge,
    "map_replace": _map_replace, "repeat": _repeat, "str_split": _str_split,
    "get_file": _get_file, "digest": _digest,
}


@dataclass
class StaticContext:
    """A resolve() context over plain dicts: parameter values, refs, attributes and files."""

    params: dict = field(default_factory=dict)
    refs: dict = field(default_factory=dict)
    attrs: dict = field(default_factory=dict)  # resource name -> {attribute: value}
    files: dict = field(default_factory=dict)

    def param(self, name: str) -> Any:
        if name not in self.params:
            raise TemplateError(f"The Parameter ({name}) was not provided.", [],
                                "UserParameterMissing")
        return self.params[name]

    def resource_ref(self, name: str) -> Any:
        return self.refs.get(name, name)

    def resource_attr(self, name: str, attr: str | None, *path: Any) -> Any:
        values = self.attrs.get(name, {})
        return dict(values) if attr is None else select_path(values.get(attr), path)

    def file(self, name: str) -> str:
        if name not in self.files:
            raise TemplateError('No content found in the "files" section for get_file path: '
                                f"{name}")
        return self.files[name]
