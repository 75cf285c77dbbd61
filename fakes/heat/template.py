"""The HOT subset the fake Heat accepts: loading, validation, dependencies and creation order.

Facts from heat/engine/template.py, heat/engine/hot/template.py and heat/common/exception.py:
the versions and their aliases, the sections, the resource and output keys, and the messages of
each refusal. Valid Heat the fake does not implement (conditions, yaql, if, ...) is refused with
one UnsupportedFeature naming every use at once, never silently mis-handled.
"""
from __future__ import annotations

from typing import Any

from fakes.heat import template_checks, template_params
from fakes.heat.environment import Environment
from fakes.heat.functions import (SUPPORTED_FUNCTIONS, StaticContext, function_name, resolve,
                                  select_path, walk_functions)
from fakes.heat.template_checks import PSEUDO_PARAMETERS, referenced_name
from fakes.heat.template_errors import (CIRCULAR_DEPENDENCY, INVALID_TEMPLATE_REFERENCE,
                                        INVALID_TEMPLATE_SECTION, INVALID_TEMPLATE_VERSION,
                                        TemplateError, UnsupportedFeature, not_in_valid_format,
                                        parse_mapping)

__all__ = ["Template", "Environment", "TemplateError", "UnsupportedFeature", "resolve",
           "dependencies", "substitute_index", "select_path", "StaticContext",
           "SUPPORTED_FUNCTIONS", "VERSIONS", "PSEUDO_PARAMETERS"]

# heat_template_version value -> the dated version it stands for (setup.cfg heat.templates).
VERSIONS = {v: v for v in ("2013-05-23", "2014-10-16", "2015-04-30", "2015-10-15",
                           "2016-04-08", "2016-10-14", "2017-02-24", "2017-09-01",
                           "2018-03-02", "2018-08-31", "2021-04-16")}
VERSIONS.update({"newton": "2016-10-14", "ocata": "2017-02-24", "pike": "2017-09-01",
                 "queens": "2018-03-02", "rocky": "2018-08-31", "wallaby": "2021-04-16"})
SECTIONS = ("heat_template_version", "description", "parameter_groups", "parameters",
            "resources", "outputs")
RESOURCE_KEYS = ("type", "properties", "metadata", "depends_on", "deletion_policy",
                 "update_policy", "description")
DELETION_POLICIES = {"Delete": "Delete", "Retain": "Retain", "Snapshot": "Snapshot"}
LOWER_CASE_POLICIES_SINCE = "2016-10-14"


def _version_of(data: dict, sent_as_text: bool) -> str:
    if "AWSTemplateFormatVersion" in data or "HeatTemplateFormatVersion" in data:
        raise UnsupportedFeature(["CloudFormation-format templates (use heat_template_version)"],
                                 SUPPORTED_FUNCTIONS)
    if "heat_template_version" not in data:
        # the API refuses template text without a version; a JSON body reaches the engine
        if sent_as_text:
            raise not_in_valid_format("Template", "Template format version not found.")
        raise TemplateError("The template version is invalid: Template version was not "
                            "provided", [], INVALID_TEMPLATE_VERSION)
    given = str(data["heat_template_version"])
    if given not in VERSIONS:
        raise TemplateError(f'The template version is invalid: "heat_template_version: {given}". '
                            '"heat_template_version" should be one of: '
                            + ", ".join(sorted(VERSIONS)), [], INVALID_TEMPLATE_VERSION)
    return VERSIONS[given]


class Template:
    """A loaded, validated HOT template (the subset the fake implements)."""

    def __init__(self, data: dict, files: dict, version: str) -> None:
        self.data = data
        self.files = files
        self.version = version
        self.description = data.get("description") or "No description"
        self.parameters = template_params.parse_schemas(data.get("parameters"))
        self.parameter_groups = data.get("parameter_groups") or []
        self.resources = {name: _resource_definition(name, snippet, version)
                          for name, snippet in _section(data, "resources").items()}
        self.outputs = {name: _output_definition(name, snippet)
                        for name, snippet in _section(data, "outputs").items()}

    @classmethod
    def load(cls, template: dict | str | bytes, files: dict | None = None) -> "Template":
        data = parse_mapping(template, "Template", "The template is not a JSON object or YAML "
                                                   "mapping.")
        version = _version_of(data, isinstance(template, (str, bytes)))
        unsupported = []
        for section in data:
            if section == "conditions" and version >= "2016-10-14":
                unsupported.append("section conditions")
            elif section not in SECTIONS:
                raise TemplateError(f"The template section is invalid: {section}", [],
                                    INVALID_TEMPLATE_SECTION)
        data = {key: value for key, value in data.items() if key != "conditions"}
        tmpl = cls(data, dict(files or {}), version)
        template_checks.refuse_unsupported(tmpl, unsupported)
        template_params.check_groups(tmpl.parameter_groups, tmpl.parameters)
        template_checks.check_calls(tmpl)
        duplicates = sorted(set(tmpl.parameters) & set(tmpl.resources))
        if duplicates:
            raise TemplateError(f"Duplicate names {set(duplicates)}")
        template_checks.check_references(tmpl)
        tmpl.creation_order()  # refuses a dependency cycle at load
        return tmpl

    # -- parameters, dependencies ------------------------------------------------------------
    def validate_parameters(self, env: Environment | None, params: dict | None) -> dict:
        """Typed parameter values: template default < parameter_defaults < parameters < params.

        Then, as Heat's stack validation does, every resource's properties are resolved once
        (no resource exists yet: get_attr gives None), so a property that cannot resolve is
        refused now (`Property error: resources.r.properties.p: ...`), not at creation.
        """
        env = env or Environment()
        values = template_params.validate_values(self.parameters, env.parameters,
                                                 env.parameter_defaults, params)
        template_checks.check_properties(self, values)
        return values

    def all_parameter_names(self) -> set[str]:
        """This template's parameters and those of every template in its files (Heat's
        all_param_schemata: what environment files may set)."""
        names = set(self.parameters)
        for content in self.files.values():
            try:
                data = parse_mapping(content, "Template", "")
            except TemplateError:
                continue
            section = data.get("parameters") if "heat_template_version" in data else None
            if isinstance(section, dict):
                names.update(section)
        return names

    def resolve_types(self, env: Environment | None, known_types) -> dict[str, str]:
        """Resource name -> implementation (a type in `known_types` or a template file name).

        Types the fake does not implement are refused together in one UnsupportedFeature;
        names outside Heat's OS::/AWS:: namespaces get Heat's "could not be found" instead.
        """
        env = env or Environment(files=self.files)
        resolved, unsupported = {}, []
        for name, defn in self.resources.items():
            impl = env.resolve_type(defn["type"], name)
            if impl in known_types or impl.endswith((".yaml", ".template")):
                resolved[name] = impl
            elif not impl.startswith(("OS::", "AWS::")):
                raise TemplateError(f"The Resource Type ({impl}) could not be found.",
                                    ["resources", name])
            else:
                via = "" if impl == defn["type"] else f" (mapped from {defn['type']})"
                unsupported.append(f"resource type {impl}{via} at resources.{name}")
        if unsupported:
            raise UnsupportedFeature(unsupported, SUPPORTED_FUNCTIONS)
        return resolved

    def dependencies(self, name: str) -> set[str]:
        return dependencies(self.resources[name])

    def creation_order(self) -> list[list[str]]:
        """Waves of resource names: each wave depends only on earlier waves (sorted within)."""
        pending = {name: set(dependencies(defn)) for name, defn in self.resources.items()}
        for name, deps in pending.items():
            for dep in sorted(deps - set(self.resources)):
                raise TemplateError(f'The specified reference "{dep}" (in {name}) is '
                                    "incorrect.", [], INVALID_TEMPLATE_REFERENCE)
        waves = []
        while pending:
            ready = sorted(name for name, deps in pending.items() if not deps)
            if not ready:
                raise TemplateError(f"Circular Dependency Found: {_cycle_text(pending)}", [],
                                    CIRCULAR_DEPENDENCY)
            waves.append(ready)
            pending = {name: deps - set(ready) for name, deps in pending.items()
                       if name not in ready}
        return waves

    def deletion_order(self) -> list[list[str]]:
        return list(reversed(self.creation_order()))


def _section(data: dict, section: str) -> dict:
    value = data.get(section) or {}
    if not isinstance(value, dict):
        raise TemplateError(f'The "{section}" section must be a mapping of names to '
                            f"definitions, not a {type(value).__name__}", [section])
    return value


def _resource_definition(name: str, snippet: Any, version: str) -> dict:
    """Heat's checks and words, which name the resource but carry no path."""
    path: list = []
    if snippet is not None and not isinstance(snippet, dict):
        raise TemplateError('"resources" must contain a map of resource maps. Found a '
                            f"[{type(snippet)}] instead")
    snippet = dict(snippet or {})
    snippet.pop("condition", None)      # refused later, with every other unsupported use
    snippet.pop("external_id", None)
    for key in snippet:
        if key not in RESOURCE_KEYS:
            raise TemplateError(f'"{key}" is not a valid keyword inside a resource definition',
                                path)
    if not snippet.get("type"):
        raise TemplateError("Each resource must contain a type key.", path)
    if not isinstance(snippet["type"], str):
        raise TemplateError(f"Resource {name} type type must be string", path)
    for key in ("properties", "metadata"):
        value = snippet.get(key)
        if value is not None and not isinstance(value, dict):
            raise TemplateError(f"Resource {name} {key} type must be object", path)
    depends_on = snippet.get("depends_on") or []
    depends_on = [depends_on] if isinstance(depends_on, str) else depends_on
    if not isinstance(depends_on, list) or not all(isinstance(d, str) for d in depends_on):
        raise TemplateError(f"Resource {name} depends_on must be a list of strings", path)
    return {"type": snippet["type"], "properties": snippet.get("properties") or {},
            "metadata": snippet.get("metadata") or {}, "depends_on": depends_on,
            "update_policy": snippet.get("update_policy") or {},
            "deletion_policy": _deletion_policy(snippet.get("deletion_policy"), version, path),
            "description": snippet.get("description") or ""}


def _deletion_policy(policy: Any, version: str, path: list) -> Any:
    if policy is None or function_name(policy) is not None:
        return policy or "Delete"
    allowed = dict(DELETION_POLICIES)
    if version >= LOWER_CASE_POLICIES_SINCE:
        allowed.update({key.lower(): value for key, value in DELETION_POLICIES.items()})
    if policy not in allowed:
        raise TemplateError(f'Invalid deletion policy "{policy}"', path)
    return allowed[policy]


def _output_definition(name: str, snippet: Any) -> dict:
    path = ["outputs", name]
    if not isinstance(snippet, dict):
        raise TemplateError("Output definitions must be a map. Found a "
                            f"{type(snippet).__name__} instead", path,
                            error="Output validation error")
    if "value" not in snippet:
        raise TemplateError("Each output definition must contain a value key.", path,
                            error="Output validation error")
    # Heat ignores other keys of an output; `condition` is refused with the unsupported uses
    return {"value": snippet["value"], "description": snippet.get("description") or
            "No description given"}


def dependencies(definition: dict) -> set[str]:
    """Resource names a definition needs first: get_resource/get_attr uses plus depends_on."""
    needed = set(definition.get("depends_on") or [])
    for key in ("properties", "metadata"):
        for fn, args, _ in walk_functions(definition.get(key), [key]):
            if fn in ("get_resource", "get_attr"):
                name = referenced_name(fn, args)
                if isinstance(name, str):
                    needed.add(name)
    return needed


def substitute_index(value: Any, index: int | str, pattern: str = "%index%") -> Any:
    """Replace `pattern` by the index in every string value (ResourceGroup's index_var)."""
    if isinstance(value, str):
        return value.replace(pattern, str(index))
    if isinstance(value, dict):
        return {key: substitute_index(item, index, pattern) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute_index(item, index, pattern) for item in value]
    return value


def _cycle_text(pending: dict) -> str:
    """One cycle among the blocked resources, e.g. `a -> b -> a`."""
    start = sorted(pending)[0]
    trail = [start]
    while True:
        following = sorted(pending[trail[-1]] & set(pending))[0]
        if following in trail:
            cycle = trail[trail.index(following):] + [following]
            return " -> ".join(cycle)
        trail.append(following)
