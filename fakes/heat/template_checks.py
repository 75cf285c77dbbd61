"""The function checks Heat runs when it validates a stack, applied to a loaded Template.

Facts from running real Heat 27.0.1's `Stack.validate()` on probe templates:
- a call with malformed arguments is refused where it is parsed, anywhere in the template:
  `resources.r.properties.value.list_join: Incorrect arguments to "list_join" ...`;
- get_resource/get_attr naming an unknown resource in properties or metadata:
  `The specified reference "x" (in r.Properties.value) is incorrect.` (no path prefix); in an
  output only get_attr is checked: `outputs.o.value.get_attr: ... (in unknown) is incorrect.`;
- resource properties (not metadata, not outputs) are resolved with get_attr giving None, and a
  failure reads `Property error: resources.r.properties.value: <message>`.
"""
from __future__ import annotations

from typing import Any

from fakes.heat.functions import (FUNCTION_SINCE, REMOVED_FUNCTIONS, SUPPORTED_FUNCTIONS,
                                  UNSUPPORTED_FUNCTIONS, resolve, shape_error, walk_functions)
from fakes.heat.template_errors import (INVALID_TEMPLATE_REFERENCE, TemplateError,
                                        UnsupportedFeature, format_path)

PSEUDO_PARAMETERS = ("OS::stack_id", "OS::stack_name", "OS::project_id")
_SECTION_NAMES = {"properties": "Properties", "metadata": "Metadata"}


def snippets(tmpl):
    """(path, snippet) of every part of a template that may call functions."""
    for name, defn in tmpl.resources.items():
        for key in ("properties", "metadata", "update_policy", "deletion_policy"):
            yield ["resources", name, key], defn[key]
    for name, output in tmpl.outputs.items():
        yield ["outputs", name, "value"], output["value"]


def refuse_unsupported(tmpl, found: list) -> None:
    """Add every unsupported use to `found` and raise them all in one UnsupportedFeature."""
    raw_resources = tmpl.data.get("resources") or {}
    found.extend(f"resource {key} at resources.{name}.{key}"
                 for name, snippet in raw_resources.items() if isinstance(snippet, dict)
                 for key in ("condition", "external_id") if key in snippet)
    found.extend(f"output condition at outputs.{name}.condition"
                 for name, snippet in (tmpl.data.get("outputs") or {}).items()
                 if isinstance(snippet, dict) and "condition" in snippet)
    for base, snippet in snippets(tmpl):
        for fn, _, path in walk_functions(snippet, base):
            if fn in UNSUPPORTED_FUNCTIONS or (fn in REMOVED_FUNCTIONS
                                               and tmpl.version == "2013-05-23"):
                found.append(f"function {fn} at {format_path(path)}")
    if found:
        raise UnsupportedFeature(found, SUPPORTED_FUNCTIONS)


def check_calls(tmpl) -> None:
    """Malformed calls, removed functions and functions newer than the template version."""
    for base, snippet in snippets(tmpl):
        for fn, args, path in walk_functions(snippet, base):
            where = path + [fn]
            if fn in REMOVED_FUNCTIONS:
                raise TemplateError(f"The template version is invalid: The function {fn} is "
                                    "not supported in this version of HOT.", where)
            if tmpl.version < FUNCTION_SINCE[fn]:
                raise TemplateError(f'"{fn}" needs heat_template_version {FUNCTION_SINCE[fn]} '
                                    f"or later (this template is {tmpl.version})", where)
            problem = shape_error(fn, args)
            if problem:
                raise TemplateError(problem, where)


def referenced_name(fn: str, args: Any) -> Any:
    """The resource a get_resource/get_attr call names (None when it is not written out)."""
    if fn == "get_resource":
        return args if isinstance(args, str) else None
    return args[0] if isinstance(args, list) and args and isinstance(args[0], str) else None


def _reference_key(path: list) -> str:
    """Heat's dependency path: ['resources', 'r', 'properties', 'a', 0] -> 'r.Properties.a[0]'."""
    key = f"{path[1]}.{_SECTION_NAMES[path[2]]}"
    for item in path[3:]:
        key += f"[{item}]" if isinstance(item, int) else f".{item}"
    return key


def check_references(tmpl) -> None:
    """get_resource/get_attr of unknown resources, in Heat's order and words."""
    for base, snippet in snippets(tmpl):
        in_output = base[0] == "outputs"
        if not in_output and base[2] not in _SECTION_NAMES:
            continue  # Heat does not follow references in policies
        for fn, args, path in walk_functions(snippet, base):
            if fn not in ("get_resource", "get_attr") or (in_output and fn != "get_attr"):
                continue
            name = referenced_name(fn, args)
            if name is None:
                raise TemplateError(f'"{fn}" needs the resource name written out; the fake Heat '
                                    "does not compute resource names", path + [fn])
            if name in tmpl.resources:
                continue
            if in_output:
                raise TemplateError(f'The specified reference "{name}" (in unknown) is '
                                    "incorrect.", path + [fn])
            raise TemplateError(f'The specified reference "{name}" (in {_reference_key(path)}) '
                                "is incorrect.", [], INVALID_TEMPLATE_REFERENCE)


class _ValidationContext:
    """What Heat's functions see while validating: no resource exists yet."""

    def __init__(self, values: dict, files: dict) -> None:
        self.values = dict.fromkeys(PSEUDO_PARAMETERS, "") | dict(values)
        self.files = files

    def param(self, name: str) -> Any:
        if name not in self.values:
            raise TemplateError(f"The Parameter ({name}) was not provided.")
        return self.values[name]

    def resource_ref(self, name: str) -> str:
        return name

    def resource_attr(self, name: str, attr: Any, *path: Any) -> None:
        return None

    def file(self, name: str) -> str:
        if name not in self.files:
            raise TemplateError('No content found in the "files" section for get_file path: '
                                f"{name}")
        return self.files[name]


def check_properties(tmpl, values: dict) -> None:
    """Resolve every resource's properties as Heat's validation does; refuse the first failure."""
    ctx = _ValidationContext(values, tmpl.files)
    for wave in tmpl.creation_order():
        for name in wave:
            for key, value in tmpl.resources[name]["properties"].items():
                path = ["resources", name, "properties", key]
                try:
                    resolve(value, ctx, path)
                except TemplateError as exc:
                    raise TemplateError(exc.message, path, error="Property error") from None
