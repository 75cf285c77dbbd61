"""Undercloud faults as scenario steps: a thin mapping onto the fake's fault registry
(`run.undercloud.faults`, the same registry the control API `/_harness/faults` edits) and onto
the temp-URL key and clock (expired / wrongly signed temp URLs -> Swift's 401).

    - fault: {kind: fail, service: swift, route: "/ov-.*-metadata", params: {method: GET, count: 5}}
"""
from __future__ import annotations

import secrets
import time

from fakes.faults import ACTIONS, FaultSpecError
from fakes.swift.tempurl import DEFAULT_EXPIRES
from harness.runner_state import StepFailed


def _registry_fault(action: str):
    def inject(run, args: dict) -> str:
        timing = ("when", "timeout")  # for apply(), not the registry
        spec = {"action": action, **{k: v for k, v in (args.get("params") or {}).items()
                                     if k not in timing}}
        if args.get("service"):
            spec["service"] = args["service"]
        if args.get("route"):
            spec["path"] = args["route"]
        try:
            fault = run.undercloud.faults.add(spec)
        except FaultSpecError as error:
            raise StepFailed(f"fault {action}: {error}") from None
        run.snapshots.setdefault("faults", []).append(fault.public())
        return f"injected fault {fault.id}: {fault.public()}"
    return inject


def clear_faults(run, args: dict) -> str:
    """Remove every undercloud fault (those with a count left, and the permanent ones)."""
    left = run.undercloud.faults.list()
    run.undercloud.faults.clear()
    return f"removed {len(left)} fault(s)"


def _accounts(run) -> list[str]:
    """The Swift accounts that sign temp URLs (the stack's project, the admin project)."""
    return [f"AUTH_{run.undercloud.keystone.admin_project_id}"]


def rotate_temp_url_key(run, args: dict) -> str:
    """Change the account's temp-URL key: every temp URL the nodes hold is now wrongly signed."""
    for account in _accounts(run):
        run.undercloud.swift.set_account_meta(account, "temp-url-key", secrets.token_hex(16))
    return "temp-URL key replaced; the nodes' temp URLs no longer verify"


def expire_temp_urls(run, args: dict) -> str:
    """Make Swift's clock pass the expiry Heat signs its temp URLs with. Only Swift's: moving
    the whole undercloud clock would also time the stack out in Heat at once."""
    from fakes.clock import OffsetClock

    margin = float((args.get("params") or {}).get("margin", 3600))
    run.undercloud.swift.clock = OffsetClock(DEFAULT_EXPIRES - time.time() + margin)
    return f"Swift's clock moved {margin:.0f}s past the temp URLs' expiry"


def verify_fired(run, args: dict) -> str:
    """Assert from the request journal that the step's injected faults really hit requests:
    `params.min` hits in all (default 1), and, with `params.status`, that many answers with it."""
    params = args.get("params") or {}
    ids = {str(f["id"]) for f in run.snapshots.get("faults", [])}
    if not ids:
        raise StepFailed("verify_fired: no fault was injected by an earlier step")
    hits = [e for e in run.undercloud.journal.entries()
            if ids & set(str(e.get("response_headers", {}).get("X-Harness-Fault", "")).split(","))]
    wanted = int(params.get("min", 1))
    if "status" in params:
        hits = [e for e in hits if e["status"] == params["status"]]
    if len(hits) < wanted:
        raise StepFailed(f"verify_fired: the journal shows {len(hits)} request(s) hit by faults "
                         f"{sorted(ids)}{' with status %s' % params['status'] if 'status' in params else ''}, "
                         f"expected at least {wanted}")
    return f"{len(hits)} request(s) in the journal were hit by faults {sorted(ids)}"


SERVICE_KINDS = {action: _registry_fault(action) for action in ACTIONS}
SERVICE_KINDS.update({"clear": clear_faults, "rotate_temp_url_key": rotate_temp_url_key,
                      "expire_temp_urls": expire_temp_urls, "verify_fired": verify_fired})
