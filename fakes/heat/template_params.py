"""HOT parameter schemas, typed values and constraints.

Facts from heat/engine/parameters.py, heat/engine/hot/parameters.py and
heat/engine/constraints.py: the schema keys, the five types, how each converts a value, the
constraint kinds and which types they apply to, and the messages of each failure.
"""
from __future__ import annotations

import json
import re
from typing import Any

from fakes.heat.template_errors import (INVALID_SCHEMA, STACK_VALIDATION_FAILED,
                                        UNKNOWN_USER_PARAMETER, USER_PARAMETER_MISSING,
                                        TemplateError)

TYPES = ("string", "number", "comma_delimited_list", "json", "boolean")
SCHEMA_KEYS = ("type", "description", "default", "constraints", "hidden", "label",
               "immutable", "tags")
CONSTRAINT_KEYS = ("description", "length", "range", "modulo", "allowed_values",
                   "allowed_pattern", "custom_constraint")
# Which constraint applies to which parameter type (constraints.py valid_types).
CONSTRAINT_TYPES = {
    "range": ("number",), "modulo": ("number",), "allowed_pattern": ("string",),
    "length": ("string", "comma_delimited_list", "json"),
    "allowed_values": ("string", "number", "boolean", "comma_delimited_list"),
    "custom_constraint": TYPES,
}
_CONSTRAINT_PRIORITY = ("modulo", "range", "length", "allowed_values", "allowed_pattern",
                        "custom_constraint")
_CONSTRAINT_CLASS = {"range": "Range", "length": "Length", "modulo": "Modulo",
                     "allowed_values": "AllowedValues", "allowed_pattern": "AllowedPattern",
                     "custom_constraint": "CustomConstraint"}
TRUE_STRINGS = ("1", "t", "true", "on", "y", "yes")
FALSE_STRINGS = ("0", "f", "false", "off", "n", "no")


def parse_schemas(section: Any) -> dict:
    """Validate the `parameters` section; return name -> schema dict with every key present."""
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise TemplateError("The parameters section must be a mapping of parameter names to "
                            "parameter definitions", ["parameters"])
    return {name: _parse_schema(name, schema) for name, schema in section.items()}


def _schema_error(name: str, message: str, validating: bool = False) -> TemplateError:
    """Heat prefixes only the errors found when validating a parsed schema, not when parsing."""
    prefix = f"Parameter '{name}' is invalid: " if validating else ""
    return TemplateError(prefix + message, [], INVALID_SCHEMA)


def _parse_schema(name: str, schema: Any) -> dict:
    if not isinstance(schema, dict):
        raise _schema_error(name, f"Invalid parameter ({name}), expected a mapping")
    for key in schema:
        if key not in SCHEMA_KEYS:
            raise _schema_error(name, f"Invalid key '{key}' for parameter ({name})")
    if "type" not in schema:
        raise _schema_error(name, f"Missing parameter type for parameter: {name}")
    if schema["type"] not in TYPES:
        raise _schema_error(name, f"Invalid type ({schema['type']})")
    if not isinstance(schema.get("tags", []), list):
        raise _schema_error(name, f"Tags property should be a list for parameter: {name}")
    constraints = schema.get("constraints") or []
    if not isinstance(constraints, list):
        raise _schema_error(name, f"Invalid parameter constraints for parameter {name}, "
                                  "expected a list")
    parsed = {"type": schema["type"], "default": schema.get("default"),
              "description": schema.get("description", ""),
              "hidden": bool(schema.get("hidden", False)), "label": schema.get("label"),
              "immutable": bool(schema.get("immutable", False)), "tags": schema.get("tags"),
              "constraints": [_parse_constraint(name, c) for c in constraints]}
    for constraint in parsed["constraints"]:  # Heat checks this once all of them are parsed
        if parsed["type"] not in CONSTRAINT_TYPES[constraint["kind"]]:
            raise _schema_error(name, f"{_CONSTRAINT_CLASS[constraint['kind']]} constraint "
                                      f"invalid for {parsed['type']}", validating=True)
    if parsed["default"] is not None:
        try:
            typed = _typed(name, parsed, parsed["default"])
        except TemplateError:
            return parsed  # Heat reports a default of the wrong type only when it is used
        try:
            _check_constraints(parsed, parsed["default"], typed)
        except TemplateError as exc:
            raise _schema_error(name, f"Invalid default {parsed['default']} ({exc.message})",
                                validating=True) from None
    return parsed


def _parse_constraint(name: str, constraint: Any) -> dict:
    if not isinstance(constraint, dict):
        raise _schema_error(name, "Invalid parameter constraints, expected a mapping")
    for key in constraint:
        if key not in CONSTRAINT_KEYS:
            raise _schema_error(name, f"Invalid key '{key}' for parameter constraints")
    # Heat applies the first kind it knows, in this order, and ignores any other in the mapping
    kinds = [key for key in _CONSTRAINT_PRIORITY if key in constraint]
    if not kinds:
        raise _schema_error(name, "No constraint expressed")
    kind = kinds[0]
    value = constraint[kind]
    if kind in ("range", "length"):
        value = _check_bounds(name, kind, value)
    elif kind == "modulo":
        _check_modulo(name, value)
    elif kind == "allowed_values" and not isinstance(value, list):
        raise _schema_error(name, "AllowedValues must be a list")
    elif kind == "allowed_pattern":
        if not isinstance(value, str):
            raise _schema_error(name, "AllowedPattern must be a string")
        try:
            re.compile(value)
        except re.error as exc:
            raise _schema_error(name, f"Invalid allowed_pattern {value!r}: {exc}") from None
    return {"kind": kind, "value": value, "description": constraint.get("description")}


def _check_bounds(name: str, kind: str, bounds: Any) -> dict:
    """The bounds as numbers (Heat accepts "5" too), or Heat's complaint."""
    if not isinstance(bounds, dict):
        raise _schema_error(name, f"Invalid {kind} constraint, expected a mapping")
    for key in bounds:
        if key not in ("min", "max"):
            raise _schema_error(name, f"Invalid key '{key}' for {kind} constraint")
    if bounds.get("min") is None and bounds.get("max") is None:
        raise _schema_error(name, f"A {kind} constraint must have a min value and/or a max "
                                  "value specified.")
    numbers = {}
    for key, bound in bounds.items():
        try:
            numbers[key] = None if bound is None else to_number(bound)
        except (TypeError, ValueError):
            raise _schema_error(name, "min/max must be numeric") from None
        if kind == "length" and not isinstance(numbers[key], (int, type(None))):
            raise _schema_error(name, "min/max length must be integral")
    return numbers


def _check_modulo(name: str, modulo: Any) -> None:
    if not isinstance(modulo, dict) or modulo.get("step") is None \
            or modulo.get("offset") is None:
        raise _schema_error(name, "A modulo constraint must have a step value and an offset "
                                  "value specified.")
    step, offset = modulo["step"], modulo["offset"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (step, offset)):
        raise _schema_error(name, "step/offset must be integer")
    if step == 0:
        raise _schema_error(name, "step cannot be 0.")
    if abs(offset) >= abs(step):
        raise _schema_error(name, "offset must be smaller (by absolute value) than step.")
    if step * offset < 0:
        raise _schema_error(name, "step and offset must be both positive or both negative.")


def check_groups(groups: Any, parameters: dict) -> None:
    """parameter_groups: a list of groups, each listing declared parameters, none twice."""
    if not isinstance(groups, list):
        raise TemplateError("Parameter Groups error: parameter_groups: The parameter_groups "
                            "should be a list.")
    seen: set = set()
    for group in groups:
        group = group if isinstance(group, dict) else {}
        where = f"parameter_groups.{group.get('label', '')}"
        members = group.get("parameters")
        if not isinstance(members, list):
            raise TemplateError(f"Parameter Groups error: {where}: The parameters "
                                + ("must be provided for each parameter group."
                                   if members is None else "of parameter group should "
                                                           "be a list."))
        for name in members:
            if name in seen:
                raise TemplateError(f"Parameter Groups error: {where}: The {name} "
                                    "parameter must be assigned to one parameter group "
                                    "only.")
            if name not in parameters:
                raise TemplateError(f"Parameter Groups error: {where}: The grouped "
                                    f"parameter {name} does not reference a valid "
                                    "parameter.")
            seen.add(name)


def to_number(value: Any) -> int | float:
    """Heat's str_to_num: an int when the text is one, else a float."""
    if isinstance(value, (int, float)):
        return value
    try:
        return int(value)
    except ValueError:  # like Heat, a TypeError (a map, a list) is not retried as a float
        return float(value)


def to_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in TRUE_STRINGS or lowered in FALSE_STRINGS:
        return lowered in TRUE_STRINGS
    acceptable = ", ".join(f"'{s}'" for s in sorted(TRUE_STRINGS + FALSE_STRINGS))
    raise ValueError(f"Unrecognized value '{value}', acceptable values are: {acceptable}")


def _typed(name: str, schema: dict, raw: Any) -> Any:
    """Convert a raw value to the parameter's type; a failure names parameter and type."""
    kind = schema["type"]
    try:
        if kind == "string":
            return raw if isinstance(raw, str) else str(raw)
        if kind == "number":
            return to_number(raw)
        if kind == "boolean":
            return to_boolean(raw)
        if kind == "comma_delimited_list":
            if isinstance(raw, list):
                return [str(item) for item in raw]
            if not isinstance(raw, str):
                raise ValueError("Value must be a comma-delimited list string: "
                                 f"'{type(raw).__name__}' object has no attribute 'split'")
            return raw.split(",") if raw else []
        if isinstance(raw, str):
            return json.loads(raw) if raw else raw
        json.dumps(raw)
        return raw
    except (TypeError, ValueError) as exc:
        if kind == "json":
            detail = f"Value must be valid JSON: {exc}"
        elif kind in ("boolean", "comma_delimited_list"):
            detail = str(exc)
        else:  # number: Heat shows Python's own words, e.g. could not convert string to float
            detail = str(exc)
        raise TemplateError(f"Parameter '{name}' is invalid: {detail}") from None


def _check_constraints(schema: dict, raw: Any, typed: Any) -> None:
    """Heat compares typed values but words its messages with the value as given for scalars
    (`"3" is not an allowed value [1, 2]`) and with the parsed value for lists and maps."""
    shown = raw if schema["type"] in ("number", "boolean") else typed
    for constraint in schema["constraints"]:
        problem = _constraint_problem(schema["type"], constraint, typed, shown)
        if problem:
            raise TemplateError(constraint["description"] or problem)


def _constraint_problem(param_type: str, constraint: dict, value: Any, shown: Any) -> str | None:
    kind, rule = constraint["kind"], constraint["value"]
    if kind in ("range", "length"):
        measured = len(value) if kind == "length" else value
        low, high = rule.get("min"), rule.get("max")
        if (low is not None and measured < low) or (high is not None and measured > high):
            subject = f"length ({measured})" if kind == "length" else f"{shown}"
            return f"{subject} is out of range (min: {low}, max: {high})"
    elif kind == "modulo":
        if value % rule["step"] != rule["offset"]:
            return (f"{shown} is not a multiple of {rule['step']} with an offset of "
                    f"{rule['offset']}")
    elif kind == "allowed_values":
        allowed_text = "[" + ", ".join(json.dumps(a) for a in rule) + "]"
        if param_type == "comma_delimited_list":
            ok = all(item in rule for item in value)
        else:
            ok = value in [_coerce_allowed(param_type, a) for a in rule]
        if not ok:
            return f"{json.dumps(shown)} is not an allowed value {allowed_text}"
    elif kind == "allowed_pattern":
        if not re.fullmatch(rule, value):
            return f'"{value}" does not match pattern "{rule}"'
    return None  # custom_constraint: needs the named service; the fake has none to ask


def _coerce_allowed(param_type: str, allowed: Any) -> Any:
    try:
        return {"number": to_number, "boolean": to_boolean, "string": str}[param_type](allowed)
    except (TypeError, ValueError):
        return allowed


def validate_values(schemas: dict, env_parameters: dict, env_defaults: dict,
                    params: dict | None) -> dict:
    """Typed values: template default < parameter_defaults < env parameters < params."""
    user_values = dict(env_parameters or {})
    user_values.update(params or {})
    for name in user_values:
        if name not in schemas:  # unknown parameter_defaults are ignored, unknown values not
            raise TemplateError(f"The Parameter ({name}) was not defined in template.", [],
                                UNKNOWN_USER_PARAMETER)
    values = {}
    for name, schema in schemas.items():
        raw = user_values.get(name)
        if raw is None:
            raw = env_defaults.get(name) if env_defaults.get(name) is not None \
                else schema["default"]
        if raw is None:
            raise TemplateError(f"The Parameter ({name}) was not provided.", [],
                                USER_PARAMETER_MISSING)
        value = _typed(name, schema, raw)
        try:
            _check_constraints(schema, raw, value)
        except TemplateError as exc:
            raise TemplateError(f"Parameter '{name}' is invalid: {exc.message}", [],
                                STACK_VALIDATION_FAILED) from None
        values[name] = value
    return values
