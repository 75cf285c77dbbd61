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

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from fakes.heat.template_data_functions import (REPEAT_SYNTAX, digest, map_merge, map_replace,
                                                 repeat, str_split)
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


_STR_REPLACE_SYNTAX = repr('"str_replace" syntax should be str_replace:\n'
                           '              template: This is var1 template var2\n'
                           '              params:\n                var1: a\n'
                           '                var2: string')
_LIST_JOIN_USAGE = ('Incorrect arguments to "list_join" should be: '
                    '"list_join" : [ " ", [ "str1", "str2"] ...]')
_STR_SPLIT_USAGE = ('Incorrect arguments to "str_split" should be: '
                    '"str_split" : [ ",", "apples,pears", <index>]')


def shape_error(name: str, args: Any) -> str | None:
    """What Heat refuses when it parses a call (before any value is known), or None."""
    is_map = isinstance(args, dict)
    if name == "str_replace":
        if not is_map:
            return 'Arguments to "str_replace" must be a map'
        if "params" not in args or "template" not in args:
            return _STR_REPLACE_SYNTAX
        if not isinstance(args["params"], dict) and function_name(args["params"]) is None:
            return '"str_replace" parameters must be a mapping'
    elif name == "list_join" and (not isinstance(args, list) or len(args) < 2):
        return _LIST_JOIN_USAGE
    elif name == "repeat":
        if not is_map:
            return 'Arguments to "repeat" must be a map'
        if "for_each" not in args or "template" not in args:
            return REPEAT_SYNTAX
        if not isinstance(args.get("permutations", True), bool):
            return '"permutations" should be boolean type for repeat function.'
        if not isinstance(args["for_each"], dict):
            return 'The "for_each" argument to "repeat" must contain a map'
    elif name == "str_split" and isinstance(args, (str, dict)):
        return _STR_SPLIT_USAGE
    elif name == "get_attr" and not isinstance(args, list):
        return 'Argument to "get_attr" must be a list'
    elif name == "get_attr" and not args:
        return ('Arguments to "get_attr" can be of the next forms: [resource_name] or '
                '[resource_name, attribute, (path), ...]')
    return None


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
    problem = shape_error("get_attr", args)
    if problem:
        raise TemplateError(problem, path)
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
    problem = shape_error("str_replace", args)
    if problem:
        raise TemplateError(problem, path)
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
        raise TemplateError(_LIST_JOIN_USAGE, path)
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


def _get_file(args, ctx, path):
    if not isinstance(args, str):
        raise TemplateError('Argument to "get_file" must be a string', path)
    return ctx.file(args)


_RESOLVERS: dict[str, Callable[[Any, Any, list], Any]] = {
    "get_param": _get_param, "get_resource": _get_resource, "get_attr": _get_attr,
    "str_replace": _str_replace, "list_join": _list_join, "map_merge": map_merge,
    "map_replace": map_replace, "repeat": repeat, "str_split": str_split,
    "get_file": _get_file, "digest": digest,
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
