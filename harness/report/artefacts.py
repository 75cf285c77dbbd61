"""The per-scenario artefacts directory, written piece by piece and atomically (temp file +
rename), so an interrupted run keeps whatever was written before it stopped:

    summary.json          scenario, outcome, stack status, step durations, findings, paths
    diagnosis.txt         what diagnose() says
    journal.jsonl         the request journal as it happened (appended live by Progress)
    journal.json          the fakes' request journal, whole (journal.jsonl + what is in memory)
    events.json/.txt      the stack's events; the text as the guide prints them
    nodes/<label>/        os-collect-config.journal, heat-config/<id>.notify.json
    timeline.json/.svg    each deployment on each node: published, fetched, hook, signalled

Every file goes through fakes.redact, and then the secrets the undercloud knows (its admin
password, the accounts' temp URL keys) are replaced wherever they still appear.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from fakes.redact import REDACTED, redact_text
from harness.overcloud.client import EventLog
from harness.report import nodeview, svg, timeline
from harness.report.diagnose import analyse
from harness.report.stackview import gather

MIN_SECRET = 6
JOURNAL_LOG = "journal.jsonl"   # appended live by Progress; journal.json is the final whole


def known_secrets(undercloud) -> list[str]:
    """Secret values the undercloud holds, to strike out wherever they slipped through."""
    if undercloud is None:
        return []
    found = [getattr(undercloud, "password", None)]
    keystone, swift = getattr(undercloud, "keystone", None), getattr(undercloud, "swift", None)
    if keystone is not None and swift is not None:
        meta = swift.account_meta(f"AUTH_{keystone.admin_project_id}")
        found += [value for key, value in meta.items() if "temp-url-key" in key]
        # tokens issued so far and every user's password, Heat's stack users included (the
        # model keeps them privately; there is no public listing of secrets, rightly)
        found += list(getattr(keystone, "_tokens", {}))
        found += [user.password for user in getattr(keystone, "_users", {}).values()]
    return sorted({s for s in found if s and len(s) >= MIN_SECRET}, key=len, reverse=True)


class Writer:
    """Writes redacted files under one directory, each atomically."""

    def __init__(self, root: Path, secrets: list[str]) -> None:
        self.root = Path(root)
        self.secrets = secrets
        self.paths: dict[str, str] = {}

    def scrub(self, text: str) -> str:
        text = redact_text(text)
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def text(self, relative: str, content: str, key: str | None = None) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(self.scrub(content))
        os.replace(temp, path)
        self.paths[key or relative] = str(path)
        return path

    def json(self, relative: str, data, key: str | None = None) -> Path:
        return self.text(relative, json.dumps(data, indent=1, default=str), key)


def write_artefacts(ctx, outcome: dict, reachable: bool = True) -> Path:
    """Write everything for one scenario run; returns the summary's path.

    `reachable=False` (an interrupted run: the signal handler has already removed the nodes and
    the run network, so the undercloud's address is gone) keeps to what is in this process —
    the summary and the request journal — instead of waiting on connections that cannot succeed."""
    writer = Writer(Path(ctx.run_dir), known_secrets(ctx.undercloud))
    summary = _summary(ctx, outcome, writer)
    summary_path = writer.json("summary.json", summary)   # first: whatever follows may stop
    pieces = [("journal", _journal)]
    if reachable:
        pieces += [("stack", _stack), ("nodes", _nodes)]
    shared: dict = {}
    for name, piece in pieces:
        try:
            piece(ctx, writer, shared, summary)
        except Exception as error:  # one piece failing must not lose the others
            summary["errors"].append(f"{name}: {type(error).__name__}: {error}")
        summary["artefacts"] = dict(writer.paths)
        writer.json("summary.json", summary)
    try:
        if reachable:
            _timeline(ctx, writer, shared, summary)
    except Exception as error:
        summary["errors"].append(f"timeline: {type(error).__name__}: {error}")
    summary["artefacts"] = dict(writer.paths)
    summary["written_at"] = time.time()
    writer.json("summary.json", summary)
    return summary_path


def _summary(ctx, outcome: dict, writer: Writer) -> dict:
    steps = outcome.get("steps") or []
    return {"scenario": outcome.get("scenario") or getattr(ctx.scenario, "name", ""),
            "passed": outcome.get("passed"), "stack_status": outcome.get("status"),
            "expected": outcome.get("expected"), "error": outcome.get("error"),
            "message": outcome.get("message"), "seconds": outcome.get("seconds"),
            "steps": [{"action": s.get("action"), "args": s.get("args"),
                       "seconds": s.get("seconds"), "error": s.get("error")} for s in steps],
            "run_dir": str(ctx.run_dir), "started": ctx.started,
            "nodes": {ctx.label(n): {"name": n.name, "address": n.address} for n in ctx.nodes},
            "findings": [], "errors": [], "artefacts": {}}


def kept_entries(run_dir: Path) -> dict:
    """Entries Progress appended to journal.jsonl during the run, by sequence number."""
    path = Path(run_dir) / JOURNAL_LOG
    if not path.exists():
        return {}
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue   # a line cut by an interruption
        found[entry.get("seq")] = entry
    return found


def _journal(ctx, writer: Writer, shared: dict, summary: dict) -> None:
    """The whole run's journal: what Progress kept as it went (the in-memory journal is
    bounded) joined with what the undercloud still holds."""
    journal = getattr(ctx.undercloud, "journal", None)
    merged = kept_entries(ctx.run_dir)
    merged.update({e["seq"]: e for e in (journal.entries() if journal is not None else [])})
    entries = [merged[seq] for seq in sorted(merged, key=lambda s: s or 0)]
    shared["entries"] = entries
    writer.json("journal.json", entries, "journal")


def _stack(ctx, writer: Writer, shared: dict, summary: dict) -> None:
    view = shared["view"] = gather(ctx.heat, ctx.stack_name)
    summary["stack_status"] = view.status or summary["stack_status"]
    summary["errors"] += view.errors
    if view.stack is None:
        return
    log = EventLog(view.stack["stack_name"], view.stack["id"])
    log.learn(ctx.heat.resources(view.stack))
    events = ctx.heat.events(view.stack)
    writer.json("events.json", events, "events")
    writer.text("events.txt", "\n".join(log.line(e) for e in events) + "\n", "events_text")


def _nodes(ctx, writer: Writer, shared: dict, summary: dict) -> None:
    states = shared["states"] = {}
    for node in ctx.nodes:
        label = ctx.label(node)
        state = states[label] = nodeview.node_state(node)
        base = f"nodes/{label}"
        if state.reachable:
            writer.text(f"{base}/os-collect-config.journal", nodeview.agent_journal(node))
        for config_id, entry in state.deployed.items():
            if "notify_text" in entry:
                writer.text(f"{base}/heat-config/{config_id}.notify.json", entry["notify_text"])
        writer.json(f"{base}/state.json", {"name": node.name, "address": node.address,
                                           "status": state.status, "agent": state.agent_active,
                                           "deployed": state.stats(), "error": state.error})


def _timeline(ctx, writer: Writer, shared: dict, summary: dict) -> None:
    view, entries = shared.get("view"), shared.get("entries") or []
    if view is None or view.stack is None:
        return
    swift = [e for e in entries if e.get("service") == "swift"]
    states = shared.get("states") or {}
    rows = timeline.build(view, swift, {label: s.stats() for label, s in states.items()})
    writer.json("timeline.json", rows, "timeline")
    origin = ctx.started or min((r[f] for r in rows for f in timeline.FIELDS
                                 if r[f] is not None), default=0.0)
    title = f"{summary['scenario']}: {view.status}"
    writer.text("timeline.svg", svg.render(rows, origin, title), "timeline_svg")
    diagnosis = analyse(ctx, view, swift, states)
    summary["findings"] = diagnosis.findings
    writer.text("diagnosis.txt", diagnosis.text + "\n", "diagnosis")
