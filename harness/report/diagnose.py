"""Why is my stack failed or stuck? Read from public surfaces only: the Heat API, the fakes'
request journal, and the nodes.

FAILED: each failed deployment with its node, exit code and the tail of its stderr.
STUCK (deployments still IN_PROGRESS, or cancelled when the stack gave up): for each, what the
node did and did not do, from the journal and the node's own state:
  - never read its metadata object  -> agent not configured, or cannot reach the undercloud
  - read it, but not since the deployment was published -> agent stopped polling / busy
  - fetched it, no config run       -> fetched but has not run it (+ the agent's journal)
  - ran it (deployed/<id>.json)     -> ran but never signalled (+ what it would have sent)
  - signal answered with an error   -> e.g. 401: temp URL expired or wrong key
  - the node is off / unreachable   -> power it on / heal the network
"""
from __future__ import annotations

from dataclasses import dataclass, field

from harness.report import nodeview, timeline
from harness.report.stackview import StackView, gather

STDERR_LINES = 6
JOURNAL_LINES = 8
SIGNAL_ERRORS = {
    401: "Temp URL invalid: expired or wrong key (the signal URL's signature does not match "
         "the account's Temp-URL-Key)",
    403: "forbidden by Swift",
    404: "the signal object or its container is gone (deployment deleted or stack replaced?)",
    413: "the signal body is too large",
}


@dataclass
class Diagnosis:
    text: str
    findings: list = field(default_factory=list)


def diagnose(ctx) -> Diagnosis:
    view = gather(ctx.heat, ctx.stack_name)
    journal = getattr(ctx.undercloud, "journal", None)
    entries = journal.entries(service="swift") if journal is not None else []
    diagnosis = analyse(ctx, view, entries)
    if ctx.run_dir:
        diagnosis.text += f"\nartefacts: {ctx.run_dir}"
    return diagnosis


def analyse(ctx, view: StackView, entries: list[dict], states: dict | None = None) -> Diagnosis:
    """`states`: label -> nodeview.NodeState, read from the nodes when not given."""
    if view.stack is None:
        text = f"no stack {ctx.stack_name} on the undercloud"
        return Diagnosis("\n".join([text, *view.errors]))
    states = {} if states is None else states
    findings: list[dict] = []
    lines = [f"{ctx.stack_name}: {view.status}: {view.stack.get('stack_status_reason', '')}"]
    for deployment in view.deployments:
        if deployment.status == "FAILED" and not _cancelled(deployment):
            lines += _failed(ctx, deployment, findings)
    waiting = [d for d in view.deployments if d.status == "IN_PROGRESS" or _cancelled(d)]
    for label in sorted({d.label for d in waiting}):
        mine = [d for d in waiting if d.label == label]
        lines += _stuck_node(ctx, view, label, mine, entries, states, findings)
    lines += _removed_but_running(ctx, view, entries, states, findings)
    if "timed out" in (view.stack.get("stack_status_reason") or "").lower():
        lines.append("fix: the stack's timeout (timeout_mins, the deploy step's `timeout`) was "
                     "shorter than the deployment needed: raise it, or find the slow wave in "
                     "timeline.svg")
    if not findings and view.failed_resources:
        lines.append("failed resources:")
        lines += [f"  {r['resource_name']} ({r['resource_type']}): {r['resource_status']}: "
                  f"{r.get('resource_status_reason', '')}" for r in view.failed_resources[:8]]
    if len(lines) == 1 and not view.failed_resources:  # nothing failed, waits or lingers
        lines.append("nothing wrong found: no deployment failed or waits for a node")
    lines += [f"(could not read: {e})" for e in view.errors]
    return Diagnosis("\n".join(lines), findings)


def _removed_but_running(ctx, view, entries, states, findings) -> list[str]:
    """Nodes no longer in the stack whose agent still polls: Swift answers 404 for their
    metadata object. The guide says to power removed nodes off."""
    lines = []
    for node in ctx.nodes:
        label = ctx.label(node)
        if label in view.servers:
            continue
        gone = [e for e in entries if e.get("remote_addr") == node.address
                and e.get("method") in ("GET", "HEAD") and e.get("status") == 404]
        if not gone:
            continue
        state = states.get(label) or nodeview.node_state(node)
        if state.status != "running":   # powered off since: as it should be
            continue
        detail = (f"removed from the stack, but its agent still polls ({len(gone)} answers 404 "
                  f"for its metadata, last at {_clock(ctx, gone[-1]['started_at'])})")
        findings.append({"kind": "removed-still-running", "node": label, "deployment": "-",
                         "detail": detail})
        lines += [f"REMOVED {describe_node(ctx, label)}: {detail}",
                  "    fix: power it off, as the guide requires for removed nodes; reprovision it "
                  "before it joins a deployment again"]
    return lines


def _cancelled(deployment) -> bool:
    return deployment.status == "FAILED" and "cancel" in deployment.status_reason.lower()


def describe_node(ctx, label: str) -> str:
    node = ctx.node_by_label(label)
    return f"{label} ({node.name}, {node.address})" if node is not None else label


def _failed(ctx, deployment, findings: list) -> list[str]:
    outputs = deployment.outputs
    code = outputs.get("deploy_status_code")
    stderr = str(outputs.get("deploy_stderr") or "").strip().splitlines()[-STDERR_LINES:]
    findings.append({"kind": "deployment-failed", "node": deployment.label,
                     "deployment": deployment.name,
                     "detail": f"exit code {code}; {deployment.status_reason}; stderr: "
                               + " | ".join(stderr)})
    lines = [f"FAILED  {describe_node(ctx, deployment.label)}: deployment {deployment.name} "
             f"({deployment.resource or deployment.id}) exited {code}",
             f"    Heat: {deployment.status_reason}"]
    if stderr:
        lines.append(f"    stderr (last {len(stderr)} lines):")
        lines += [f"      {line}" for line in stderr]
    lines.append(f"    fix: correct what the stderr names (the config ran on the node from "
                 f"/var/lib/heat-config/deployed/{deployment.config_id}.json), then update the "
                 "stack again")
    return lines


def _stuck_node(ctx, view, label, deployments, entries, states, findings) -> list[str]:
    names = ", ".join(d.name for d in deployments)
    server = view.servers.get(label)
    node = ctx.node_by_label(label)
    state = states.get(label)
    if state is None and node is not None:
        state = states[label] = nodeview.node_state(node)
    state_word = "CANCELLED" if all(_cancelled(d) for d in deployments) else "WAITING"
    head = f"{state_word} {describe_node(ctx, label)}: {names}"
    if node is not None and state is not None and not state.reachable and state.status != "running":
        detail = f"the node is {state.status or 'unreachable'}: {state.error}"
        findings.append({"kind": "node-down", "node": label, "deployment": names, "detail": detail})
        return [head, f"    {detail}",
                "    fix: power the node on (`power_on`); its agent resumes polling at boot"]
    reads = timeline.object_requests(entries, server.metadata_path, ("GET", "HEAD"),
                                     ok_only=False) if server else []
    if not reads:
        return [head] + _never_fetched(ctx, label, names, node, state, findings)
    lines = [head]
    for deployment in deployments:
        lines += _one_stuck(ctx, deployment, server, entries, node, state, findings)
    return lines


def _never_fetched(ctx, label, names, node, state, findings) -> list[str]:
    active = state.agent_active if state else ""
    undercloud = getattr(getattr(ctx.undercloud, "endpoints", None), "host", "the undercloud")
    if active and active != "active":
        why = (f"its os-collect-config is {active}: the agent was never configured or started "
               "(agent not configured)")
        fix = ("configure the agent: write /etc/os-collect-config.conf with its metadata_url "
               "(`openstack stack resource metadata <stack> deployed-server`) and "
               "`systemctl restart os-collect-config`, or run the configuration script")
    elif _cut_off(ctx, node):
        why = (f"its agent never fetched its metadata object: the node cannot connect to "
               f"{undercloud}:{_swift_port(ctx)} (partitioned or firewalled)")
        fix = "reconnect the node to the undercloud network (`heal`) or open the port"
    else:
        why = (f"its agent never fetched its metadata object from {undercloud}: agent not "
               "configured, or it cannot reach the undercloud")
        fix = (f"check metadata_url in /etc/os-collect-config.conf on the node and that "
               f"{undercloud}:8080 is reachable from it")
    detail = f"metadata never fetched; {why}; deployments waiting: {names}"
    findings.append({"kind": "metadata-never-fetched", "node": label, "deployment": names,
                     "detail": detail})
    return [f"    {why}", f"    fix: {fix}"] + _journal_tail(node, state)


def _one_stuck(ctx, deployment, server, entries, node, state, findings) -> list[str]:
    rejected = _rejected_signals(entries, deployment)
    row = timeline.deployment_row(deployment, server, entries, state.stats() if state else {})
    ran = bool(state and deployment.config_id in state.deployed)
    prefix = "cancelled when the stack gave up; " if _cancelled(deployment) else ""
    extra: list[str] = []
    if rejected:
        status = rejected[-1]["status"]
        kind = "signal-rejected"
        why = f"its signal PUT was answered {status}: " + SIGNAL_ERRORS.get(
            status, "the undercloud failed" if status >= 500 else "refused")
        extra = [f"    {len(rejected)} signal attempt(s), last at {_clock(ctx, rejected[-1]['started_at'])}"]
    elif _signalled(row):
        kind = "signalled-not-taken"
        when = _clock(ctx, row["signalled"])
        why = (f"signalled at {when}, after Heat had given up on it" if _cancelled(deployment)
               else f"signalled at {when}, but Heat has not taken the signal yet")
        prefix = ""
    elif ran:
        kind = "ran-not-signalled"
        notify = state.deployed[deployment.config_id].get("notify_text")
        why = "ran it (deployed/<id>.json exists) but never signalled"
        extra = [f"    would have signalled: {notify.strip()[:400]}"] if notify else \
                ["    no notify file: the hook has not finished (still running?)"]
    elif row["fetched"] is not None:
        kind = "fetched-not-run"
        why = (f"fetched the metadata holding it at {_clock(ctx, row['fetched'])} "
               "but has not run it")
        extra = _journal_tail(node, state)
    else:
        kind = "not-fetched-since-published"
        last = max(e["started_at"] for e in timeline.object_requests(
            entries, server.metadata_path, ("GET", "HEAD"), ok_only=False))
        why = (f"has not fetched its metadata since the deployment was published (last poll "
               f"at {_clock(ctx, last)}; agent {state.agent_active if state else 'unknown'})")
        if _cut_off(ctx, node):
            why += f"; the node cannot connect to the undercloud's port {_swift_port(ctx)} now"
        extra = _journal_tail(node, state)
    findings.append({"kind": kind, "node": deployment.label, "deployment": deployment.name,
                     "detail": prefix + why})
    return [f"  {deployment.name} ({deployment.resource or deployment.id}): {prefix}{why}", *extra]


def _signalled(row: dict) -> bool:
    """An accepted signal PUT since the deployment was published (an update's signal object
    also holds the signal of the run before)."""
    return row["signalled"] is not None and (row["available"] is None
                                             or row["signalled"] >= row["available"])


def _swift_port(ctx) -> int:
    endpoints = getattr(ctx.undercloud, "endpoints", None)
    return endpoints.ports.get("swift", 8080) if endpoints is not None else 8080


def _cut_off(ctx, node) -> bool:
    """The node is up but cannot open a connection to the undercloud's Swift."""
    endpoints = getattr(ctx.undercloud, "endpoints", None)
    if node is None or endpoints is None:
        return False
    return nodeview.reaches(node, endpoints.host, _swift_port(ctx)) is False


def _rejected_signals(entries, deployment) -> list[dict]:
    if not deployment.signal_path:
        return []
    puts = timeline.object_requests(entries, deployment.signal_path, ("PUT",), ok_only=False)
    accepted_after = [e for e in puts if 200 <= e.get("status", 0) < 300]
    rejected = [e for e in puts if e.get("status", 0) >= 400]
    if accepted_after and rejected and accepted_after[-1]["started_at"] > rejected[-1]["started_at"]:
        return []
    return rejected


def _journal_tail(node, state) -> list[str]:
    if node is None or (state is not None and not state.reachable):
        return []
    tail = nodeview.agent_journal(node, JOURNAL_LINES).strip()
    if not tail:
        return ["    os-collect-config journal: (empty)"]
    return ["    os-collect-config journal (last lines):"] + [f"      {l}" for l in tail.splitlines()]


def _clock(ctx, when: float) -> str:
    return f"+{when - ctx.started:.1f}s" if ctx.started else f"{when:.3f}"
