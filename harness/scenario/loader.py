"""Loading a scenario file: YAML, then the schema; every error names the file and the key path.

>>> load_scenario("scenarios/deploy-manual.yaml").name
'deploy-manual'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from harness.scenario.schema import SCENARIO_SCHEMA, STEPS


class ScenarioError(Exception):
    """A scenario file that cannot be used; the message names the file, the key path and the fix."""


@dataclass(frozen=True)
class Step:
    action: str
    args: dict[str, Any]
    index: int


@dataclass(frozen=True)
class Scenario:
    path: Path
    name: str
    steps: tuple[Step, ...]
    raw: dict[str, Any] = field(repr=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    data = _read_yaml(path)
    problems = validation_problems(data)
    if problems:
        raise ScenarioError("\n".join(f"{path}: {problem}" for problem in problems))
    steps = tuple(_step(index, item) for index, item in enumerate(data["steps"]))
    return Scenario(path=path, name=data["name"], steps=steps, raw=data)


def _step(index: int, item: str | dict) -> Step:
    if isinstance(item, str):  # `- deploy` is `- deploy: {}`
        return Step(item, {}, index)
    (action, args), = item.items()
    return Step(action, dict(args or {}), index)


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_text()
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read the scenario file: {error.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(f"{path}: not valid YAML{where}: {getattr(error, 'problem', error)}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: a scenario is a mapping with at least `name` and `steps`, "
                            f"found {type(data).__name__}")
    return data


def validation_problems(data: dict) -> list[str]:
    """Every schema violation as `key.path: what is wrong`, sorted by path."""
    validator = jsonschema.Draft202012Validator(SCENARIO_SCHEMA)
    problems = [_describe(error) for error in validator.iter_errors(data)]
    return sorted(set(problems))


def _describe(error: jsonschema.ValidationError) -> str:
    path = key_path(error.absolute_path)
    if error.validator == "oneOf" and _is_step_path(error.absolute_path):
        return f"{path}: {_describe_step(error.instance)}"
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return f"{path}: {error.message}; allowed keys: {allowed}"
    return f"{path}: {error.message}"


def _is_step_path(path) -> bool:
    parts = list(path)
    return len(parts) == 2 and parts[0] == "steps"


def _describe_step(step: Any) -> str:
    known = ", ".join(STEPS)
    if isinstance(step, str) and step in STEPS:
        return f"{step} needs arguments: {', '.join(STEPS[step]['required'])}"
    if not isinstance(step, dict) or len(step) != 1:
        return f"a step is a mapping with exactly one action ({known}), found {step!r}"
    (action, args), = step.items()
    if action not in STEPS:
        return f"unknown action {action!r}; known actions: {known}"
    sub = jsonschema.Draft202012Validator(STEPS[action])
    details = "; ".join(_step_detail(e) for e in sub.iter_errors(args or {}))
    return f"{action}: {details}" if details else f"{action}: invalid arguments"


def _step_detail(error: jsonschema.ValidationError) -> str:
    """One argument error: `key: message`, or the message alone for the arguments as a whole."""
    message = error.message
    if error.validator == "additionalProperties":
        message += "; allowed keys: " + ", ".join(sorted(error.schema.get("properties", {})))
    return f"{key_path(error.absolute_path)}: {message}" if list(error.absolute_path) else message


def key_path(parts) -> str:
    """['steps', 2, 'wait'] -> 'steps[2].wait'."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"
