"""Deployment plans: the waves of software deployments an overcloud runs, as data.

A plan file is YAML:

    description: what the plan is for
    waves:
      - name: Step1              # letters and digits; names the Heat resources (<Role>Step1Deployment)
        group: script            # script | hiera | json-file | apply-config (hooks on the nodes)
        scope: all-nodes         # per-node: in each node's member stack, nodes go at their own pace
                                 # all-nodes: at the top level, waits for every node of every role
        config_file: scripts/step.sh   # or `config:` inline (a string for script, a mapping else)
        inputs: {step: 1}        # extra inputs (name -> value) the config receives
        fail_on: ""              # script only: hostname or <role>-<index> where the wave exits 1

Per-node waves must come before the first all-nodes wave: once the top level has started waiting
for every node, a node cannot go back to its own pace (THT is shaped the same way).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.overcloud.errors import FileError

PLANS_DIR = Path(__file__).parent / "plans"
DEFAULT_PLAN = PLANS_DIR / "default.yaml"
GROUPS = ("script", "hiera", "json-file", "apply-config")
SCOPES = ("per-node", "all-nodes")
WAVE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
# Inputs every wave receives from the harness; a plan cannot redefine them.
STANDARD_INPUTS = ("wave", "role", "hostname", "node_index", "services", "nodes", "port_map",
                   "stack_name", "fail_on")
WAVE_KEYS = {"name", "group", "scope", "config", "config_file", "inputs", "fail_on",
             "description"}


@dataclass(frozen=True)
class Wave:
    name: str
    group: str
    scope: str
    config: Any
    inputs: dict = field(default_factory=dict)
    fail_on: str = ""
    description: str = ""

    @property
    def per_node(self) -> bool:
        return self.scope == "per-node"


@dataclass(frozen=True)
class Plan:
    name: str
    waves: tuple[Wave, ...]
    description: str = ""

    def node_waves(self) -> tuple[Wave, ...]:
        """The leading per-node waves: they live in each node's member stack."""
        leading = []
        for wave in self.waves:
            if not wave.per_node:
                break
            leading.append(wave)
        return tuple(leading)

    def top_waves(self) -> tuple[Wave, ...]:
        return self.waves[len(self.node_waves()):]


def load_plan(path: str | Path | None = None) -> Plan:
    """Read and check a plan file (default: plans/default.yaml; a bare name like `short` means
    plans/short.yaml)."""
    path = _locate(path)
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise FileError(str(path), [], f"cannot read the plan: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise FileError(str(path), [], f"not valid YAML: {exc}") from None
    return parse_plan(data, str(path), path.parent)


def _locate(path: str | Path | None) -> Path:
    if path is None:
        return DEFAULT_PLAN
    candidate = Path(path)
    if not candidate.exists() and (PLANS_DIR / f"{path}.yaml").exists():
        return PLANS_DIR / f"{path}.yaml"
    return candidate


def parse_plan(data: Any, filename: str, base_dir: Path) -> Plan:
    if not isinstance(data, dict) or not isinstance(data.get("waves"), list) or not data["waves"]:
        raise FileError(filename, ["waves"], "a plan is a mapping with a non-empty `waves` list")
    waves = [_parse_wave(item, filename, base_dir, i) for i, item in enumerate(data["waves"])]
    names = set()
    for index, wave in enumerate(waves):
        if wave.name in names:
            raise FileError(filename, ["waves", index, "name"], f"wave {wave.name!r} appears twice")
        names.add(wave.name)
    _check_order(waves, filename)
    return Plan(name=Path(filename).stem, waves=tuple(waves),
                description=str(data.get("description", "")).strip())


def _check_order(waves: list[Wave], filename: str) -> None:
    seen_all_nodes = False
    for index, wave in enumerate(waves):
        if wave.per_node and seen_all_nodes:
            raise FileError(filename, ["waves", index, "scope"],
                            f"per-node wave {wave.name} comes after an all-nodes wave; move it "
                            "before the first all-nodes wave or make it all-nodes")
        seen_all_nodes = seen_all_nodes or not wave.per_node


def _parse_wave(item: Any, filename: str, base_dir: Path, index: int) -> Wave:
    where = ["waves", index]
    if not isinstance(item, dict):
        raise FileError(filename, where, "each wave is a mapping with name, group, scope, config")
    unknown = sorted(set(item) - WAVE_KEYS)
    if unknown:
        raise FileError(filename, where + [unknown[0]], f"unknown key; a wave takes "
                        f"{', '.join(sorted(WAVE_KEYS))}")
    name = item.get("name")
    if not isinstance(name, str) or not WAVE_NAME.match(name):
        raise FileError(filename, where + ["name"], f"wave name {name!r} must be letters and "
                        "digits starting with a letter (it names Heat resources)")
    group = item.get("group")
    if group not in GROUPS:
        raise FileError(filename, where + ["group"],
                        f"group {group!r} has no hook on the nodes; use one of {', '.join(GROUPS)}")
    scope = item.get("scope")
    if scope not in SCOPES:
        raise FileError(filename, where + ["scope"], f"scope must be one of {', '.join(SCOPES)}")
    config = _config(item, filename, base_dir, where, group)
    inputs = item.get("inputs") or {}
    if not isinstance(inputs, dict) or not all(isinstance(k, str) for k in inputs):
        raise FileError(filename, where + ["inputs"], "inputs must map input names to values")
    for key in inputs:
        if key in STANDARD_INPUTS:
            raise FileError(filename, where + ["inputs", key], f"{key} is an input the harness "
                            f"gives every wave ({', '.join(STANDARD_INPUTS)}); pick another name")
    fail_on = item.get("fail_on", "") or ""
    if not isinstance(fail_on, str):
        raise FileError(filename, where + ["fail_on"], "fail_on must be a hostname or <role>-<index>")
    if fail_on and group != "script":
        raise FileError(filename, where + ["fail_on"], "only script waves can be made to fail")
    return Wave(name=name, group=group, scope=scope, config=config, inputs=dict(inputs),
                fail_on=fail_on, description=str(item.get("description", "")).strip())


def _config(item: dict, filename: str, base_dir: Path, where: list, group: str) -> Any:
    if ("config" in item) == ("config_file" in item):
        raise FileError(filename, where, "give exactly one of `config` and `config_file`")
    if "config_file" in item:
        config_path = base_dir / str(item["config_file"])
        try:
            text = config_path.read_text()
        except OSError as exc:
            raise FileError(filename, where + ["config_file"],
                            f"cannot read {config_path}: {exc.strerror}") from None
        config: Any = text if group == "script" else yaml.safe_load(text)
    else:
        config = item["config"]
    if group == "script" and not isinstance(config, str):
        raise FileError(filename, where + ["config"], "a script wave's config is the script text")
    if group != "script" and not isinstance(config, dict):
        raise FileError(filename, where + ["config"], f"a {group} wave's config is a mapping")
    return config
