"""One wave of a plan as Heat resources: a software config and the deployment(s) that run it.

Script waves get the wave library (templates/wave-lib.sh) prepended; structured groups (hiera,
json-file, apply-config) use StructuredConfig/StructuredDeployment so `{get_input: X}` in their
config is replaced by Heat with the input's value.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.overcloud.plans import Wave

WAVE_LIB = (Path(__file__).parent / "templates" / "wave-lib.sh").read_text()
JSON_INPUTS = ("nodes", "port_map", "services")


def config_resource(wave: Wave, standard: list[str]) -> dict:
    """The SoftwareConfig/StructuredConfig of `wave`; `standard` lists the harness inputs it
    receives (the plan's own inputs are added)."""
    # Every declared input gets a value: 55-heat-config reads `value` of each String input and
    # would stop on one without. fail_on belongs to script waves only.
    standard = [name for name in standard if name != "fail_on" or wave.group == "script"]
    names = list(standard) + [name for name in wave.inputs if name not in standard]
    inputs = [{"name": name, "type": _input_type(name, wave.inputs.get(name))} for name in names]
    if wave.group == "script":
        return {"type": "OS::Heat::SoftwareConfig",
                "properties": {"group": "script", "inputs": inputs,
                               "config": script_text(wave)}}
    return {"type": "OS::Heat::StructuredConfig",
            "properties": {"group": wave.group, "inputs": inputs, "config": wave.config}}


def deployment_type(wave: Wave, group: bool) -> str:
    kind = "Software" if wave.group == "script" else "Structured"
    return f"OS::Heat::{kind}Deployment{'Group' if group else ''}"


def deployment_properties(wave: Wave, config_name: str, input_values: dict) -> dict:
    values = dict(input_values)
    values.update(wave.inputs)
    if wave.group != "script":
        values.pop("fail_on", None)
    return {"name": wave.name, "config": {"get_resource": config_name},
            "signal_transport": {"get_param": "DeploymentSignalTransport"},
            "actions": ["CREATE", "UPDATE"], "input_values": values}


def script_text(wave: Wave) -> str:
    """`#!/bin/bash`, the wave library, then the wave's own script without its shebang."""
    body = wave.config
    if body.startswith("#!"):
        body = body.split("\n", 1)[1] if "\n" in body else ""
    names = " ".join(sorted(wave.inputs))
    return (f"#!/bin/bash\n# tripleo-harness wave {wave.name} ({wave.scope})\n"
            f"export HARNESS_INPUT_NAMES='{names}'\n" + WAVE_LIB + body)


def _input_type(name: str, value: Any) -> str:
    """Json for structures, String for everything else: heat-config's script hook puts input
    values straight into the environment, so a Number input's int would crash it; 55-heat-config
    turns String-typed values into text first."""
    if name in JSON_INPUTS or isinstance(value, (dict, list)):
        return "Json"
    return "String"
