"""Validation of a whole stack definition before anything is created (heat/engine/stack.py
validate, resource validate): every resource type must be known, every property the fake
checks must hold, and nested templates (template resources, ResourceGroup members) are loaded
and validated too, down to Heat's max_nested_stack_depth (5)."""
from __future__ import annotations

from fakes.heat import errors, resources
from fakes.heat.environment import Environment
from fakes.heat.functions import resolve
from fakes.heat.stack_context import ValidationContext
from fakes.heat.template import PSEUDO_PARAMETERS, Template, substitute_index
from fakes.heat.template_errors import TemplateError

MAX_NESTED_DEPTH = 5
PLACEHOLDER = "None"


def validate_definition(tmpl, env: Environment, values: dict, tenant: str,
                        depth: int = 0) -> None:
    if depth > MAX_NESTED_DEPTH:
        raise errors.StackValidationFailed(f"Recursion depth exceeds {MAX_NESTED_DEPTH}.")
    params = dict(values)
    params.update({name: PLACEHOLDER for name in PSEUDO_PARAMETERS})
    params["OS::project_id"] = tenant
    ctx = ValidationContext(params, env.files)
    for name, definition in tmpl.resources.items():
        _validate_resource(name, definition, env, ctx, tenant, depth)


def _validate_resource(name: str, definition: dict, env, ctx, tenant: str, depth: int) -> None:
    try:
        cls, template_name = resources.lookup(env, definition["type"], name)
    except TemplateError as exc:
        raise errors.from_template_error(exc) from None
    if not cls.resolve_properties:
        return
    props = _try_resolve(definition.get("properties") or {}, ctx, name)
    if props is not None:
        cls.validate_properties(props, name)
    if template_name is not None:
        _validate_nested(env.files[template_name], props, env, tenant, depth, name)
    elif cls.type_name == "OS::Heat::ResourceGroup" and props is not None:
        rdef = props["resource_def"]
        member = {"type": rdef["type"],
                  "properties": substitute_index(rdef.get("properties") or {}, "0",
                                                 props.get("index_var") or "%index%")}
        _validate_resource(name, member, child_environment(env), ctx, tenant, depth + 1)


def _validate_nested(template_text, props: dict | None, env, tenant: str, depth: int,
                     owner: str) -> None:
    """Load the nested template (refusals surface now) and validate it with the parameter
    values known now; values only known at run time (get_attr, ...) are left unknown."""
    child_env = child_environment(env)
    known = {k: v for k, v in (props or {}).items() if v is not None}
    complete = props is not None and len(known) == len(props)
    try:
        tmpl = Template.load(template_text, env.files)
    except TemplateError as exc:
        raise errors.HeatError400(f"resources.{owner}: {exc}", exc.error_type) from None
    try:
        values = tmpl.validate_parameters(child_env, known)
    except TemplateError as exc:
        if complete:
            raise errors.HeatError400(f"resources.{owner}: {exc}", exc.error_type) from None
        values = {name: known.get(name) for name in tmpl.parameters}
    validate_definition(tmpl, child_env, values, tenant, depth + 1)


def child_environment(env: Environment) -> Environment:
    """What a nested stack inherits: the registry and parameter_defaults, not parameters."""
    return Environment(None, env.parameter_defaults, env.registry, env.per_resource, env.files)


def _try_resolve(snippet, ctx, name: str):
    try:
        props = resolve(snippet, ctx, ["resources", name, "properties"])
    except (TemplateError, errors.HeatError, TypeError, ValueError, KeyError):
        return None
    return props if _fully_known(props) else _known_part(props)


def _fully_known(value) -> bool:
    if value is None:
        return False
    if isinstance(value, dict):
        return all(_fully_known(v) for v in value.values())
    if isinstance(value, list):
        return all(_fully_known(v) for v in value)
    return True


def _known_part(props):
    """Keep what is known at the top level; unknown values stay None (validators skip None)."""
    return props if isinstance(props, dict) else None
