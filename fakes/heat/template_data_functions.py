"""HOT functions over maps and lists: map_merge, map_replace, repeat, str_split, digest.

Split from functions.py to keep modules small; semantics and messages follow
heat/engine/hot/functions.py (MapMerge, MapReplace, RepeatWithNestedLoop, StrSplit, Digest).
Each takes already-resolved arguments, the context (unused here) and the error path.
"""
from __future__ import annotations

import hashlib
import itertools
from typing import Any

from fakes.heat.template_errors import TemplateError

REPEAT_SYNTAX = repr('"repeat" syntax should be repeat:\n              template: This is %var%\n'
                     "              for_each:\n                %var%: ['a', 'b', 'c']")

def map_merge(args, ctx, path):
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


def map_replace(args, ctx, path):
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


def substitute(template: Any, pairs: list[tuple[str, str]]) -> Any:
    if isinstance(template, str):
        for key, value in pairs:
            template = template.replace(key, value)
        return template
    if isinstance(template, list):
        return [substitute(item, pairs) for item in template]
    if isinstance(template, dict):
        return {substitute(k, pairs): substitute(v, pairs) for k, v in template.items()}
    return template


def repeat(args, ctx, path):
    if not isinstance(args, dict):
        raise TemplateError('Arguments to "repeat" must be a map', path)
    if "for_each" not in args or "template" not in args:
        raise TemplateError(REPEAT_SYNTAX, path)
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
            if not isinstance(value, str):  # Heat's words: str.replace() refuses it
                raise TemplateError(f"replace() argument 2 must be str, not "
                                    f"{type(value).__name__}", path)
        lists.append(list(values))
    if not permutations and len({len(values) for values in lists}) > 1:
        raise TemplateError("For repeat, the length of for_each values should be equal if no "
                            "nested loop.", path)
    combine = itertools.product if permutations else zip
    keys = list(for_each)
    return [substitute(args["template"], list(zip(keys, combo))) for combo in combine(*lists)]


def str_split(args, ctx, path):
    usage = ('Incorrect arguments to "str_split" should be: '
             '"str_split" : [ ",", "apples,pears", <index>]')
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


def digest(args, ctx, path):
    if not (isinstance(args, list) and all(isinstance(a, str) for a in args)):
        raise TemplateError('Argument to function "digest" must be a list of strings', path)
    if len(args) != 2:
        raise TemplateError('Function "digest" usage: ["<algorithm>", "<value>"]', path)
    algorithm, value = args[0].lower(), args[1]
    if algorithm not in hashlib.algorithms_available:
        raise TemplateError(f"Algorithm must be one of {sorted(hashlib.algorithms_available)}",
                            path)
    return hashlib.new(algorithm, value.encode("latin-1")).hexdigest()
