"""The JSON schema of a scenario file. One place; the README documents it with a full example."""
from __future__ import annotations

NODE_SELECTOR = {
    "description": "`all`, `removed` (scaled out), a role name (every node of it) or `<Role>-<index>`",
    "type": "string",
    "pattern": r"^(all|removed|[A-Za-z][A-Za-z0-9_]*(-[0-9]+)?)$",
}
NODES = {"oneOf": [NODE_SELECTOR, {"type": "array", "items": NODE_SELECTOR, "minItems": 1}]}
SECONDS = {"type": "number", "exclusiveMinimum": 0}
COUNTS = {
    "type": "object",
    "propertyNames": {"pattern": r"^[A-Za-z][A-Za-z0-9_]*$"},
    "additionalProperties": {"type": "integer", "minimum": 0},
}
STACK_STATUS = {"type": "string", "pattern": r"^(CREATE|UPDATE|DELETE)_(COMPLETE|FAILED|IN_PROGRESS)$"}


def _step(name: str, args: dict) -> dict:
    return {
        "type": "object",
        "required": [name],
        "additionalProperties": False,
        "properties": {name: args},
    }


def _args(properties: dict, required: tuple = ()) -> dict:
    return {"type": "object", "additionalProperties": False, "properties": properties,
            "required": list(required)}


STEPS = {
    "check": _args({
        "stage": {"enum": ["pre-deploy", "post-deploy", "decommissioned"]},
        "nodes": NODES,
        "expect_failures": {"type": "array", "items": {"type": "string"}},
    }, ("stage",)),
    "deploy": _args({"timeout": SECONDS}),
    "configure": _args({
        "method": {"enum": ["manual", "automatic", "script"]},
        "script": {"type": "string"},
        "nodes": NODES,
    }),
    "wait": _args({"status": STACK_STATUS, "timeout": SECONDS}, ("status",)),
    "scale": _args({"counts": COUNTS, "timeout": SECONDS, "reuse": NODES}, ("counts",)),
    "power_off": _args({"nodes": NODES}, ("nodes",)),
    "power_on": _args({"nodes": NODES}, ("nodes",)),
    "snapshot": _args({"name": {"type": "string"}, "nodes": NODES}),
    "verify_reruns": _args({"since": {"type": "string"}, "expect_updates": {"type": "boolean"}}),
    "verify_removed": _args({"nodes": NODES, "powered_off": {"type": "boolean"}}),
    "verify_effects": _args({"nodes": NODES, "validation": {"type": "boolean"}}),
    "fault": _args({
        "kind": {"type": "string"},
        "service": {"enum": ["keystone", "heat", "cfn", "swift"]},
        "route": {"type": "string"},
        "nodes": NODES,
        "params": {"type": "object"},
    }, ("kind",)),
}

SCENARIO_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "steps"],
    "properties": {
        "name": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"},
        "description": {"type": "string"},
        "markers": {"type": "array", "items": {"type": "string", "pattern": r"^[a-z_][a-z0-9_]*$"}},
        "stack": {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_.-]*$"},
        "roles": COUNTS,
        "roles_file": {"type": "string"},
        "environment_files": {"type": "array", "items": {"type": "string"}},
        "plan": {"type": "string"},
        "parameters": {"type": "object", "description": "extra stack parameters, e.g. Step1FailOn"},
        "agents": _args({
            "configure": {"enum": ["manual", "automatic", "script"]},
            "script": {"type": "string"},
            "polling_interval": SECONDS,
        }),
        "timeout": SECONDS,
        "steps": {
            "type": "array",
            "minItems": 1,
            "items": {"oneOf": [_step(name, args) for name, args in STEPS.items()]
                      + [{"enum": [name for name, args in STEPS.items() if not args["required"]]}]},
        },
        "expect": _args({
            "status": STACK_STATUS,
            "failed_node": {"type": "string"},
            "failed_deployment": {"type": "string"},
            "exit_code": {"type": "integer"},
            "diagnosis_contains": {"type": "array", "items": {"type": "string"}},
            "waiting_node": {"type": "string"},
            "error_contains": {"type": "array", "items": {"type": "string"}},
            "refused": {"type": "boolean"},
        }),
    },
}
