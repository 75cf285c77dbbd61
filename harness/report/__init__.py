"""What the user sees of a scenario run: live progress, the diagnosis of a failed or stuck
stack, and the artefacts directory (request journal, stack events, node journals, timeline).

The runner builds one `RunContext` per scenario and passes it in (docs/contracts.md,
"Reporting"); nothing here starts or stops anything. Everything is read from public surfaces:
the Heat API, the fakes' request journal and the nodes themselves.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Diagnosis", "Progress", "RunContext", "diagnose", "write_artefacts"]


@dataclass
class RunContext:
    scenario: Any                 # harness.scenario.loader.Scenario
    run_dir: Path                 # the scenario's artefacts directory
    undercloud: Any               # fakes.undercloud.Undercloud (in-process): .journal, .endpoints
    heat: Any                     # harness.overcloud.client.HeatClient, or None before it exists
    stack_name: str
    nodes: list = field(default_factory=list)       # harness.nodes.base.Node
    node_names: dict = field(default_factory=dict)  # node.name -> "<Role>-<index>"
    started: float = 0.0          # epoch seconds

    def label(self, node) -> str:
        return self.node_names.get(node.name, node.name)

    def node_by_label(self, label: str):
        return next((n for n in self.nodes if self.label(n) == label), None)


from harness.report.artefacts import write_artefacts  # noqa: E402
from harness.report.diagnose import Diagnosis, diagnose  # noqa: E402
from harness.report.progress import Progress  # noqa: E402
