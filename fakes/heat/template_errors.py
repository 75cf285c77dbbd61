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
HTTP_BAD_REQUEST = "HTTPBadRequest"  # refused by Heat's API layer before the engine sees it


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
    Heat exception the API reports (all of them map to 400 Bad Request); `error` is the
    optional lead Heat puts before the path (`Property error`, `Output validation error`).
    """

    def __init__(self, message: str, path: Sequence[Any] | None = None,
                 error_type: str = STACK_VALIDATION_FAILED, error: str = "") -> None:
        self.message = message
        self.path = list(path or [])
        self.error_type = error_type
        self.error = error
        super().__init__(str(self))

    def __str__(self) -> str:
        where = format_path(self.path)
        lead = f"{self.error}: " if self.error else ""
        return f"{lead}{where}: {self.message}" if where else f"{lead}{self.message}"


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


def not_in_valid_format(kind: str, message: str) -> TemplateError:
    """Heat's API-level refusal of a body it cannot parse: `Template not in valid format: ...`."""
    return TemplateError(f"{kind} not in valid format: {message}", [], HTTP_BAD_REQUEST)


def parse_yaml_or_json(text: str | bytes, kind: str) -> Any:
    """Parse JSON first, then YAML, as Heat does (`kind` is "Template" or "Environment")."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return yaml.load(text, Loader=_HeatYamlLoader)
    except yaml.YAMLError as exc:
        detail = f"Error parsing template [root stack] {exc}" if kind == "Template" else str(exc)
        raise not_in_valid_format(kind, detail) from None


def parse_mapping(source: dict | str | bytes | None, kind: str, not_a_mapping: str) -> dict:
    """Accept an already-parsed dict or a YAML/JSON document that must be a mapping."""
    if source is None:
        return {}
    data = parse_yaml_or_json(source, kind) if isinstance(source, (str, bytes)) else source
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise not_in_valid_format(kind, not_a_mapping)
    return data
