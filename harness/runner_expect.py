"""The scenario's `expect` section against what happened: the final stack status, a refusal
before any node started, the failing step's error, and the diagnosis (its findings and text).

Returns (passed, message); the message says every mismatch, and on failure the diagnosis too.
"""
from __future__ import annotations

from harness import runner_report as report


def check_expectations(scenario, run=None, error: str | None = None, ctx=None,
                       refusal: str | None = None) -> tuple[bool, str]:
    expect = scenario.get("expect") or {}
    if refusal is not None:
        return _refusal(scenario, expect, refusal)
    problems = []
    if expect.get("refused"):
        problems.append("expected a refusal before any node starts, but the scenario ran")
    wanted = expect.get("status")
    if wanted and run.status != wanted:
        problems.append(f"stack status {run.status or '(no stack)'}, expected {wanted}")
    problems += _error_problems(expect, error)
    diagnosis = None
    if _wants_diagnosis(expect) or error or problems:
        diagnosis = report.diagnose(ctx)
        problems += _diagnosis_problems(expect, diagnosis)
    head = f"{scenario.name}: " + ("as expected" if not problems else "not as expected")
    lines = [head] + [f"  - {p}" for p in problems]
    if error:
        lines.append(f"  step error: {error.strip().splitlines()[0]}")
    if diagnosis is not None and (problems or _wants_diagnosis(expect)):
        lines.append("  diagnosis:\n    " + diagnosis.text.replace("\n", "\n    "))
    return not problems, "\n".join(lines)


def _refusal(scenario, expect: dict, refusal: str) -> tuple[bool, str]:
    problems = []
    if not expect.get("refused"):
        problems.append(f"refused before any node started: {refusal}")
    for text in expect.get("error_contains", []):
        if text not in refusal:
            problems.append(f"the refusal does not say {text!r}: {refusal}")
    if problems:
        return False, f"{scenario.name}: not as expected\n  - " + "\n  - ".join(problems)
    return True, f"{scenario.name}: refused before any node started, as expected: {refusal}"


def _error_problems(expect: dict, error: str | None) -> list[str]:
    wanted = expect.get("error_contains", [])
    if not wanted:
        return [f"a step failed: {error}"] if error else []
    if not error:
        return [f"expected a step to fail with {wanted}, but every step passed"]
    return [f"the failing step's error does not say {text!r}" for text in wanted if text not in error]


def _wants_diagnosis(expect: dict) -> bool:
    return any(key in expect for key in ("failed_node", "failed_deployment", "exit_code",
                                         "diagnosis_contains", "waiting_node"))


def _diagnosis_problems(expect: dict, diagnosis) -> list[str]:
    problems = []
    findings = list(diagnosis.findings)
    if "failed_node" in expect or "failed_deployment" in expect or "exit_code" in expect:
        if not any(_matches_failure(f, expect) for f in findings):
            problems.append("the diagnosis names no failed deployment "
                            f"{expect.get('failed_deployment', '')} on {expect.get('failed_node', '')} "
                            f"with exit code {expect.get('exit_code', '')}")
    if "waiting_node" in expect:
        node = expect["waiting_node"]
        if not any(f.get("node") == node and f.get("deployment") not in (None, "", "-")
                   for f in findings if "fetch" in (f.get("kind") or "") or "never" in (f.get("detail") or "")):
            problems.append(f"the diagnosis does not name {node} as never having fetched its "
                            "metadata, with the deployments waiting for it")
    for text in expect.get("diagnosis_contains", []):
        if text not in diagnosis.text:
            problems.append(f"the diagnosis does not say {text!r}")
    return problems


def _matches_failure(finding: dict, expect: dict) -> bool:
    if "failed_node" in expect and finding.get("node") != expect["failed_node"]:
        return False
    if "failed_deployment" in expect and expect["failed_deployment"] not in (finding.get("deployment") or ""):
        return False
    if "exit_code" in expect and str(expect["exit_code"]) not in (finding.get("detail") or ""):
        return False
    return True
