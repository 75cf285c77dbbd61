"""Results: outcome classification, JSON round trip, the table and the plain lines."""
from __future__ import annotations

import io

from harness.conformance import checks, report
from harness.conformance.results import CheckResult, classify

RESULTS = [
    CheckResult("HOST-001", "ssh://stack@192.0.2.10", "pass", "", checks.CHECKS["HOST-001"].title, checks.CHECKS["HOST-001"].fix),
    CheckResult("CONN-001", "ssh://stack@192.0.2.10", "fail", "`ping 192.0.2.1` from the host got no reply",
                checks.CHECKS["CONN-001"].title, checks.CHECKS["CONN-001"].fix),
    CheckResult("CONN-002", "ssh://stack@192.0.2.10", "skip-dep", "skipped: depends on CONN-001 which failed"),
    CheckResult("HOST-001", "docker://node-1", "pass", ""),
    CheckResult("AGENT-004", "docker://node-1", "warn", "not enabled", "", checks.CHECKS["AGENT-004"].fix),
]


def test_classify_each_phase():
    assert classify("call", "passed", None, False) == "pass"
    assert classify("call", "passed", checks.CheckWarning("x"), False) == "warn"
    assert classify("call", "failed", checks.CheckFailed("x"), False) == "fail"
    assert classify("call", "failed", AssertionError("x"), False) == "fail"
    assert classify("call", "failed", RuntimeError("ssh died"), False) == "error"
    assert classify("setup", "failed", RuntimeError("fixture"), False) == "error"
    assert classify("setup", "skipped", None, True) == "skip-dep"
    assert classify("setup", "skipped", None, False) == "skip"
    assert classify("setup", "passed", None, False) is None
    assert classify("teardown", "passed", None, False) is None


def test_json_round_trip_and_failed_flag():
    assert CheckResult.from_json(RESULTS[1].to_json()) == RESULTS[1]
    assert RESULTS[1].failed and not RESULTS[2].failed and not RESULTS[4].failed


def test_plain_lines_show_every_result_then_fixes_then_a_summary():
    lines = report.plain_lines(RESULTS)
    assert lines[0].startswith("pass  HOST-001  docker://node-1")
    assert "FAIL  CONN-001  ssh://stack@192.0.2.10  `ping 192.0.2.1` from the host got no reply" in lines
    assert "skip  CONN-002  ssh://stack@192.0.2.10  skipped: depends on CONN-001 which failed" in lines
    assert f"  fix: {checks.CHECKS['CONN-001'].fix}" in lines
    assert lines[-1] == "2 hosts: 2 pass, 1 fail, 1 warn, 1 skip"


def test_the_rich_table_has_a_column_per_host_and_the_fixes():
    stream = io.StringIO()
    report.show(RESULTS, stream=stream, rich=True)
    text = stream.getvalue()
    assert "docker://node-1" in text and "ssh://stack@192.0.2.10" in text
    assert "FAIL" in text and "warn" in text
    assert "os-collect-config" in text  # AGENT-004's fix, printed without markup


def test_show_writes_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    report.show(RESULTS, stream=stream)
    assert stream.getvalue().splitlines()[-1] == "2 hosts: 2 pass, 1 fail, 1 warn, 1 skip"
