"""Heat environments: parameters, parameter_defaults and the resource_registry.

Facts from heat/common/environment_format.py and heat/engine/environment.py: the sections Heat
knows, the "wrong section" / "empty section" errors, registry entries that map a type to another
type (chains allowed), to a template file (`*.yaml` / `*.template`, which must be in `files`),
glob entries (`OS::TripleO::*: OS::Heat::None`) and per-resource entries under `resources:`.
The most specific entry wins (a per-resource entry over a type-wide one), then Heat's own order:
entries sorted by their name.
"""
from __future__ import annotations

import copy
from typing import Any

from fakes.heat.functions import SUPPORTED_FUNCTIONS
from fakes.heat.template_errors import (TemplateError, UnsupportedFeature, not_in_valid_format,
                                        parse_mapping)

SECTIONS = ("parameters", "parameter_defaults", "resource_registry", "event_sinks",
            "encrypted_param_names", "parameter_merge_strategies")
TEMPLATE_SUFFIXES = (".yaml", ".template")
_RESOURCE_OPTIONS_UNSUPPORTED = ("hooks", "restricted_actions")


def is_template_name(type_name: str) -> bool:
    return type_name.endswith(TEMPLATE_SUFFIXES)


class Environment:
    """One environment (or several merged, later winning, as `-e a.yaml -e b.yaml` does)."""

    def __init__(self, parameters: dict | None = None, parameter_defaults: dict | None = None,
                 registry: dict | None = None, per_resource: dict | None = None,
                 files: dict | None = None) -> None:
        self.parameters = dict(parameters or {})
        self.parameter_defaults = dict(parameter_defaults or {})
        self.registry = dict(registry or {})          # type or glob -> target type / file name
        self.per_resource = copy.deepcopy(per_resource or {})  # resource name -> {type: target}
        self.files = dict(files or {})

    @classmethod
    def load(cls, env: dict | str | bytes | None, files: dict | None = None) -> "Environment":
        data = parse_mapping(env, "Environment",
                             "The environment is not a valid YAML mapping data type.")
        unsupported = []
        for section, value in data.items():
            if section not in SECTIONS:
                raise not_in_valid_format("Environment",
                                          f'environment has wrong section "{section}"')
            if value is None:
                raise not_in_valid_format("Environment",
                                          f'environment has empty section "{section}"')
        if "parameter_merge_strategies" in data:
            unsupported.append("environment section parameter_merge_strategies")
        for section in ("parameters", "parameter_defaults", "resource_registry"):
            if not isinstance(data.get(section, {}), dict):
                raise TemplateError(f'environment section "{section}" must be a mapping',
                                    [section])
        registry, per_resource = _split_registry(data.get("resource_registry", {}), unsupported)
        if unsupported:
            raise UnsupportedFeature(unsupported, SUPPORTED_FUNCTIONS)
        return cls(data.get("parameters"), data.get("parameter_defaults"), registry,
                   per_resource, files)

    def merge(self, other: "Environment") -> "Environment":
        """A new environment: `other`'s parameters, defaults and registry entries win."""
        merged = Environment(self.parameters, self.parameter_defaults, self.registry,
                             self.per_resource, self.files)
        merged.parameters.update(other.parameters)
        merged.parameter_defaults.update(other.parameter_defaults)
        _apply_registry(merged.registry, other.registry)
        for name, entries in other.per_resource.items():
            _apply_registry(merged.per_resource.setdefault(name, {}), entries)
        merged.files.update(other.files)
        return merged

    @classmethod
    def from_request(cls, environment: Any, environment_files: list | None, files: dict | None,
                     parameters: dict | None, known_parameters) -> "Environment":
        """The environment Heat builds from a stack create/update/preview body.

        As heat/api/openstack/v1/stacks.py and heat/common/environment_util.py do: when
        `environment_files` are named (the CLI names every -e file) the inline environment is
        ignored; the body's parameters go in first; then each file is merged in order: its
        parameters and parameter_defaults only for names in `known_parameters` (the parameters
        of the template and of every template in files; but whole when nothing was set
        before), so a file's value beats `--parameter`; its registry entries one by one, its
        `resources:` section as a whole.
        Pass the result to Template.validate_parameters(env, None).
        """
        files = files or {}
        env = cls.load(None if environment_files else environment, files)
        env.parameters.update(parameters or {})
        for name in environment_files or []:
            if name not in files:
                raise TemplateError(f'The environment file "{name}" is not in files; send its '
                                    "content in files too (the CLI does that for -e)")
            env = env._merge_file(cls.load(files[name], files), set(known_parameters))
        return env

    def _merge_file(self, other: "Environment", known: set) -> "Environment":
        merged = Environment(self.parameters, self.parameter_defaults, self.registry,
                             self.per_resource, self.files)
        for mine, theirs in ((merged.parameters, other.parameters),
                             (merged.parameter_defaults, other.parameter_defaults)):
            # Heat's quirk: into an empty section a file's values go whole, unknown names too
            mine.update({k: v for k, v in theirs.items()
                         if not mine or (k in known and v is not None)})
        merged.registry.update({k: v for k, v in other.registry.items() if v is not None})
        if other.per_resource:
            merged.per_resource = copy.deepcopy(other.per_resource)
        return merged

    def resolve_type(self, type_name: str, resource_name: str | None = None) -> str:
        """Follow registry mappings to a built-in type name or a template file in `files`."""
        seen = [type_name]
        current = type_name
        while not is_template_name(current):
            target = self._lookup(current, resource_name)
            if target is None:
                return current
            if target in seen:
                chain = " -> ".join(seen + [target])
                raise TemplateError(f"resource_registry mappings form a loop: {chain}",
                                    ["resource_registry"])
            seen.append(target)
            current = target
        if current not in self.files:
            raise TemplateError(f'Could not fetch remote template "{current}": Invalid URL '
                                "scheme (the file is not in the request's files; pass it "
                                "with -e or the template so the client uploads it)")
        return current

    def _lookup(self, type_name: str, resource_name: str | None) -> str | None:
        candidates = []  # (path, target) as Heat ranks them: longer path, then by name
        specific = self.per_resource.get(resource_name, {}) if resource_name else {}
        for key, target in specific.items():
            mapped = _match(key, target, type_name)
            if mapped is not None:
                candidates.append((["resources", resource_name, key], mapped))
        for key, target in self.registry.items():
            mapped = _match(key, target, type_name)
            if mapped is not None:
                candidates.append(([key], mapped))
        if not candidates:
            return None
        candidates.sort(key=lambda item: (-len(item[0]), item[0]))
        return candidates[0][1]

    def as_dict(self) -> dict:
        """The environment as Heat shows it (GET .../environment)."""
        registry = dict(self.registry)
        registry["resources"] = copy.deepcopy(self.per_resource)
        return {"parameters": dict(self.parameters),
                "parameter_defaults": dict(self.parameter_defaults),
                "resource_registry": registry, "event_sinks": []}


def _match(key: str, target: str, type_name: str) -> str | None:
    """What `key: target` maps `type_name` to, or None when the entry does not apply."""
    if target is None:  # a removal marker, kept for merge()
        return None
    if key == type_name:
        return type_name if is_template_name(key) and not is_template_name(target) else target
    if key.endswith("*") and type_name.startswith(key[:-1]) and type_name != target:
        if target.endswith("*"):
            return target[:-1] + type_name[len(key) - 1:]
        return target
    return None


def _apply_registry(registry: dict, entries: dict) -> None:
    """Add entries; a null value removes a mapping (a glob null removes all it matches)."""
    for key, target in entries.items():
        if target is not None:
            registry[key] = target
        elif key.endswith("*"):
            for existing in [k for k in registry if k.startswith(key[:-1])]:
                del registry[existing]
        else:
            registry.pop(key, None)


def _split_registry(section: dict, unsupported: list) -> tuple[dict, dict]:
    registry: dict = {}
    per_resource: dict = {}
    for key, target in section.items():
        if key == "resources":
            per_resource = _per_resource_entries(target, unsupported)
        elif key == "base_url":
            continue  # only the client uses it, to find relative template files
        elif target is not None and not isinstance(target, str):
            raise TemplateError(f"resource_registry entry {key} must map to a type name or a "
                                f"template file name, not {target!r}", ["resource_registry", key])
        else:
            registry[key] = target
    return registry, per_resource  # null entries only matter when merged over an earlier env


def _per_resource_entries(section: Any, unsupported: list) -> dict:
    if not isinstance(section, dict):
        raise TemplateError("resource_registry resources must map resource names to mappings",
                            ["resource_registry", "resources"])
    entries: dict = {}
    for name, mapping in section.items():
        path = ["resource_registry", "resources", name]
        if not isinstance(mapping, dict):
            raise TemplateError("must map resource types to types or template files", path)
        for key, target in mapping.items():
            if key in _RESOURCE_OPTIONS_UNSUPPORTED:
                unsupported.append(f"environment {key} at resource_registry.resources.{name}")
            elif target is not None and not isinstance(target, str):
                raise TemplateError(f"entry {key} must be a type name or template file name",
                                    path)
            else:
                entries.setdefault(name, {})[key] = target
    return entries
