"""The timeline of every deployment on every node, from three public sources:

- the fakes' request journal: the node's GETs of its metadata object (each answer carries
  the object version's `X-Timestamp`, i.e. when Heat wrote that version) and its signal PUT;
- Heat's deployments (which object is whose, creation times, the signal object);
- the node: mtimes of /var/lib/heat-config/deployed/<config id>.json (55-heat-config writes it
  just before running the hook) and <config id>.notify.json (written when the hook returned).

Per deployment: `available` (the first version of the node's metadata object written since the
deployment existed, as seen in the agent's answers), `fetched` (the GET that delivered it: the
last GET before the hook ran, since os-collect-config does not poll while os-refresh-config
runs), `hook_start`, `hook_end`, `signalled` (the last accepted PUT on its signal object).
All are epoch seconds or None when the source does not show them.
"""
from __future__ import annotations

import math

from harness.report.stackview import StackView

FIELDS = ("available", "fetched", "hook_start", "hook_end", "signalled")


def object_requests(entries: list[dict], path: str, methods: tuple[str, ...],
                    ok_only: bool = True) -> list[dict]:
    return [e for e in entries
            if e.get("service") == "swift" and e.get("path") == path
            and e.get("method") in methods and (not ok_only or 200 <= e.get("status", 0) < 300)]


def version_of(entry: dict) -> float | None:
    """The object version an answer carried (Swift's X-Timestamp), when it says."""
    value = (entry.get("response_headers") or {}).get("X-Timestamp")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def deployment_row(deployment, server, entries: list[dict], stats: dict) -> dict:
    """One deployment on one node. `stats`: config id -> {"json": mtime, "notify": mtime}."""
    files = stats.get(deployment.config_id) or {}
    hook_start, hook_end = files.get("json"), files.get("notify")
    puts = object_requests(entries, deployment.signal_path, ("PUT",)) if deployment.signal_path else []
    signalled = puts[-1]["started_at"] if puts else None
    reads = object_requests(entries, server.metadata_path, ("GET", "HEAD")) if server else []
    gets = [e for e in reads if e["method"] == "GET"]
    lower = _lower_bound(deployment)
    fetch = _fetch(gets, hook_start or signalled, lower)
    available = _available(reads, lower, version_of(fetch) if fetch else None)
    return {"node": deployment.label, "deployment": deployment.name,
            "resource": deployment.resource, "action": deployment.action,
            "status": deployment.status, "config_id": deployment.config_id,
            "available": available, "fetched": fetch["started_at"] if fetch else None,
            "hook_start": hook_start, "hook_end": hook_end, "signalled": signalled,
            "metadata_path": server.metadata_path if server else None,
            "signal_path": deployment.signal_path}


def _lower_bound(deployment) -> float | None:
    """The deployment cannot be in any object version written before this (whole seconds)."""
    if deployment.action == "CREATE" and deployment.created is not None:
        return math.floor(deployment.created)
    if deployment.status == "IN_PROGRESS" and deployment.updated is not None:
        return math.floor(deployment.updated)   # an update in progress: updated_time is its start
    return None


def _fetch(gets: list[dict], before: float | None, lower: float | None) -> dict | None:
    if before is not None:
        earlier = [e for e in gets if e["started_at"] <= before]
        return earlier[-1] if earlier else None
    if lower is None:
        return None
    return next((e for e in gets if (version_of(e) or 0) >= lower), None)


def _available(reads: list[dict], lower: float | None, fetched_version: float | None):
    """The earliest version seen since `lower`; with no lower bound (a finished update:
    Heat keeps no start time for it) the version the agent fetched is the best estimate."""
    if lower is None:
        return fetched_version
    versions = sorted({v for v in map(version_of, reads) if v is not None and v >= lower})
    if fetched_version is not None:
        versions = [v for v in versions if v <= fetched_version] or [fetched_version]
    return versions[0] if versions else None


def build(view: StackView, entries: list[dict], node_stats: dict) -> list[dict]:
    """Rows for every deployment of the stack, ordered by node then time.
    `node_stats`: label -> {config id -> {"json", "notify"}}."""
    rows = [deployment_row(d, view.servers.get(d.label), entries, node_stats.get(d.label) or {})
            for d in view.deployments]
    return sorted(rows, key=lambda r: (r["node"], _first_time(r)))


def _first_time(row: dict) -> float:
    return min((row[f] for f in FIELDS if row[f] is not None), default=math.inf)


def spans(row: dict) -> list[tuple[str, float, float]]:
    """The row's phases as (phase, start, end): poll wait, agent run up to the hook, hook,
    signal. A phase is left out when either end is unknown."""
    marks = [("poll wait", "available", "fetched"), ("agent", "fetched", "hook_start"),
             ("hook", "hook_start", "hook_end"), ("signal", "hook_end", "signalled")]
    if row["hook_start"] is None and row["hook_end"] is None:
        marks = [marks[0], ("agent + hook + signal", "fetched", "signalled")]
    return [(name, row[a], row[b]) for name, a, b in marks
            if row[a] is not None and row[b] is not None and row[b] >= row[a]]
