"""`snapshot` and `verify_reruns`: what the agents ran, before and after an update.

heat-config keeps one `<derived config id>.json` per deployment run in
/var/lib/heat-config/deployed/ and skips a config it has deployed already; a deployment whose
inputs change (hosts entries after a scale-up) gets a new derived config and runs again as
UPDATE. So after the update, on the nodes of the snapshot: every file that existed is untouched,
every new file is an UPDATE, and the undercloud's journal shows no signal for the untouched ones.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from harness.runner_state import StepFailed

DEPLOYED = "/var/lib/heat-config/deployed"


def deployed_files(node) -> dict[str, str]:
    """`<id>.json` -> modification time (as find prints it) for every deployment run."""
    result = node.exec(["sh", "-c", f"find {DEPLOYED} -maxdepth 1 -name '*.json' "
                        "! -name '*.notify.json' -printf '%f %T@\\n' 2>/dev/null || true"])
    return dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)


def _inputs(node, name: str) -> dict:
    config = json.loads(node.get_file(f"{DEPLOYED}/{name}"))
    return {item.get("name"): item.get("value") for item in config.get("inputs", [])}


def _signal_path(node, file: str) -> str:
    return urlsplit(_inputs(node, file).get("deploy_signal_id") or "").path


def run_snapshot(run, step) -> None:
    name = step.args.get("name", "before")
    nodes = run.select(step.args.get("nodes", "all"))
    run.snapshots[name] = {
        "files": {run.label_of(node): deployed_files(node) for node in nodes},
        "journal": max((e["seq"] for e in run.undercloud.journal.entries(limit=1)), default=0),
        "configured": set(run.configured),
    }
    total = sum(len(files) for files in run.snapshots[name]["files"].values())
    run.echo(f"snapshot {name}: {total} deployment runs on {len(nodes)} nodes")


def run_verify_reruns(run, step) -> None:
    name = step.args.get("since", "before")
    if name not in run.snapshots:
        raise StepFailed(f"verify_reruns: no snapshot {name!r}; add `- snapshot: {{name: {name}}}` "
                         "before the update")
    before = run.snapshots[name]
    signals = _signal_puts(run.undercloud.journal.entries(service="swift", since=before["journal"]))
    problems, updates = [], 0
    for label, old_files in before["files"].items():
        node = run.all_nodes[label]
        now = deployed_files(node)
        runs_per_signal: dict[str, int] = {}
        for file, mtime in old_files.items():
            if now.get(file) != mtime:
                problems.append(f"{label}: {file} ran again although its inputs did not change")
            runs_per_signal.setdefault(_signal_path(node, file), 0)
        for file in sorted(set(now) - set(old_files)):
            inputs = _inputs(node, file)
            updates += 1
            if inputs.get("deploy_action") != "UPDATE":
                problems.append(f"{label}: new run {file} is {inputs.get('deploy_action')}, "
                                "expected UPDATE")
            path = urlsplit(inputs.get("deploy_signal_id") or "").path
            runs_per_signal[path] = runs_per_signal.get(path, 0) + 1
        # A deployment signals through the same object on every run: one signal per new run
        # (an UPDATE with new inputs); any more is a deployment that ran twice unchanged.
        for path, runs in runs_per_signal.items():
            if path and signals.get(path, 0) > runs:
                problems.append(f"{label}: {signals[path]} signal(s) to {path.rsplit('/', 1)[-1]} "
                                f"for {runs} new run(s)")
    newly = run.configured - before["configured"]
    reconfigured = [label for label in before["files"] if label in newly]
    if reconfigured:
        problems.append(f"nodes configured again: {', '.join(reconfigured)}")
    if step.args.get("expect_updates") and not updates:
        problems.append("no deployment ran again as UPDATE on the old nodes (hosts entries "
                        "should have changed)")
    run.echo(f"verify_reruns since {name}: {updates} UPDATE runs on old nodes, "
             f"{len(problems)} problem(s)")
    if problems:
        raise StepFailed("verify_reruns:\n  " + "\n  ".join(problems))


def _signal_puts(entries: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in entries:
        if entry.get("service") == "swift" and entry.get("method") in ("PUT", "POST"):
            counts[entry["path"]] = counts.get(entry["path"], 0) + 1
    return counts
