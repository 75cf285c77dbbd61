"""The runner's side of the reporting seam (docs/contracts.md, "Reporting").

harness.report (diagnosis, artefacts, timeline, live progress) is written separately; while it
has not landed, this module gives the runner a minimal plain-text stand-in with the same shape:
a diagnosis naming failed deployments (node, deployment, exit code, stderr tail) and nodes whose
metadata was never fetched, and a JSON summary.
"""
from __future__ import annotations

import contextlib
import importlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import agents


def _report():
    try:
        return importlib.import_module("harness.report")
    except ModuleNotFoundError as error:
        if not (error.name or "").startswith("harness.report"):
            raise
        return None


@dataclass
class FallbackContext:
    scenario: object
    run_dir: Path
    undercloud: object
    heat: object
    stack_name: str
    nodes: list
    node_names: dict
    started: float


@dataclass
class FallbackDiagnosis:
    text: str
    findings: list = field(default_factory=list)


def make_context(run):
    nodes = list(run.all_nodes.values())
    names = {node.name: label for label, node in run.all_nodes.items()}
    module = _report()
    factory = getattr(module, "RunContext", None) if module else None
    factory = factory or FallbackContext
    return factory(scenario=run.scenario, run_dir=run.run_dir, undercloud=run.undercloud,
                   heat=run.heat, stack_name=run.stack_name, nodes=nodes, node_names=names,
                   started=run.started)


def progress(ctx):
    module = _report()
    if module is not None and hasattr(module, "Progress"):
        return module.Progress(ctx)
    return contextlib.nullcontext(None)


def diagnose(ctx):
    module = _report()
    if module is not None and hasattr(module, "diagnose"):
        return module.diagnose(ctx)
    return _fallback_diagnosis(ctx)


def write_artefacts(ctx, outcome: dict) -> Path:
    module = _report()
    if module is not None and hasattr(module, "write_artefacts"):
        return module.write_artefacts(ctx, outcome)
    path = Path(ctx.run_dir) / "summary.json"
    path.write_text(json.dumps(outcome, indent=1, default=str))
    return path


# -- the stand-in diagnosis ---------------------------------------------------------------
def _fallback_diagnosis(ctx) -> FallbackDiagnosis:
    if ctx.heat is None or ctx.heat.find(ctx.stack_name) is None:
        return FallbackDiagnosis("no stack was created")
    servers = agents.deployed_servers(ctx.heat, ctx.stack_name)
    by_server = {}
    for (role, index), ref in servers.items():
        resource = ctx.heat.resource(ref.stack_path, "deployed-server")
        by_server[resource.get("physical_resource_id")] = f"{role}-{index}"
    response = ctx.heat.heat.request("/software_deployments", "GET")
    deployments = response.json().get("software_deployments", []) if response.status_code < 400 else []
    findings = _failed(ctx, deployments, by_server) + _never_fetched(ctx, deployments, by_server)
    lines = [f"{f['kind']}: {f['node']}: {f['deployment']}: {f['detail']}" for f in findings]
    return FallbackDiagnosis("\n".join(lines) or "nothing wrong found", findings)


def _config_name(ctx, config_id: str) -> str:
    response = ctx.heat.heat.request(f"/software_configs/{config_id}", "GET")
    if response.status_code >= 400:
        return config_id
    return response.json().get("software_config", {}).get("name") or config_id


def _failed(ctx, deployments, by_server) -> list:
    found = []
    for item in deployments:
        if item.get("status") != "FAILED":
            continue
        outputs = item.get("output_values") or {}
        stderr = (outputs.get("deploy_stderr") or "").strip().splitlines()[-5:]
        found.append({"kind": "deployment-failed", "node": by_server.get(item["server_id"], item["server_id"]),
                      "deployment": _config_name(ctx, item["config_id"]),
                      "detail": f"exit code {outputs.get('deploy_status_code')}; "
                                f"{item.get('status_reason', '')}; stderr: " + " | ".join(stderr)})
    return found


def _never_fetched(ctx, deployments, by_server) -> list:
    fetched = {entry.get("remote_addr") for entry in ctx.undercloud.journal.entries(service="swift")
               if entry.get("method") in ("GET", "HEAD") and entry.get("status") == 200}
    found = []
    for node in ctx.nodes:
        label = ctx.node_names.get(node.name, node.name)
        if label not in by_server.values() or node.address in fetched:
            continue
        server = next(s for s, name in by_server.items() if name == label)
        waiting = [_config_name(ctx, d["config_id"]) for d in deployments
                   if d["server_id"] == server and d.get("status") == "IN_PROGRESS"]
        found.append({"kind": "metadata-never-fetched", "node": label,
                      "deployment": ", ".join(waiting) or "-",
                      "detail": f"the agent on {node.address} never fetched its metadata "
                                f"(its agent is not configured?); {len(waiting)} deployment(s) "
                                "wait for it"})
    return found


def elapsed(started: float) -> float:
    return round(time.time() - started, 2)
