"""Errors of the HOT subset and the YAML/JSON parsing Heat applies to templates and environments.

Kept apart from template.py so functions.py, environment.py and template.py can all raise the
same errors without importing each other in a circle. `fakes.heat.template` re-exports them.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

import yaml

# Heat's exception types for a refused template; all of them are answered with HTTP 400.
STACK_VALIDATION_FAILED = "StackValidationFailed"
INVALID_TEMPLATE_VERSION = "InvalidTemplateVersion"
INVALID_TEMPLATE_SECTION = "InvalidTemplateSection"
INVALID_TEMPLATE_REFERENCE = "InvalidTemplateReference"
USER_PARAMETER_MISSING = "UserParameterMissing"
UNKNOWN_USER_PARAMETER = "UnknownUserParameter"
CIRCULAR_DEPENDENCY = "CircularDependencyException"
INVALID_SCHEMA = "InvalidSchemaError"


def format_path(path: Sequence[Any]) -> str:
    """Render a path the way Heat does: `resources.server.properties.networks[0]`."""
    rendered = ""
    for item in path:
        if isinstance(item, int) or (isinstance(item, str) and item.isdigit()):
            rendered += f"[{item}]"
        elif rendered:
            rendered += f".{item}"
        else:
            rendered = str(item)
    return rendered


class TemplateError(Exception):
    """A template, environment or parameter value Heat would refuse.

    `path` is the list of keys leading to the offending snippet; `error_type` is the name of the
    Heat exception the API reports (all of them map to 400 Bad Request).
    """

    def __init__(self, message: str, path: Sequence[Any] | None = None,
                 error_type: str = STACK_VALIDATION_FAILED) -> None:
        self.message = message
        self.path = list(path or [])
        self.error_type = error_type
        super().__init__(str(self))

    def __str__(self) -> str:
        where = format_path(self.path)
        return f"{where}: {self.message}" if where else self.message


class UnsupportedFeature(TemplateError):
    """Valid Heat that the fake does not implement; names every offender found in one go."""

    def __init__(self, offenders: Iterable[str], supported: Iterable[str]) -> None:
        self.offenders = list(offenders)
        self.supported = sorted(supported)
        message = ("The template uses what the fake Heat does not support: "
                   + "; ".join(self.offenders)
                   + ". Supported functions: " + ", ".join(self.supported) + ".")
        super().__init__(message, [], STACK_VALIDATION_FAILED)


class _HeatYamlLoader(yaml.SafeLoader):
    """Like Heat's loader: timestamps (an unquoted `2016-10-14` version) stay strings."""


def _construct_timestamp_as_str(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return loader.construct_scalar(node)


_HeatYamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_str)


def parse_yaml_or_json(text: str | bytes, what: str) -> Any:
    """Parse JSON first, then YAML, as Heat does; a syntax error names `what` failed to parse."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return yaml.load(text, Loader=_HeatYamlLoader)
    except yaml.YAMLError as exc:
        raise TemplateError(f"Error parsing {what} {exc}") from None


def parse_mapping(source: dict | str | bytes | None, what: str, not_a_mapping: str) -> dict:
    """Accept an already-parsed dict or a YAML/JSON document that must be a mapping."""
    if source is None:
        return {}
    data = parse_yaml_or_json(source, what) if isinstance(source, (str, bytes)) else source
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TemplateError(not_a_mapping)
    return data
