"""The check registry: ids, dependencies, ordering and dependency skip messages."""
from __future__ import annotations

import re

import pytest

from harness.conformance import checks


def test_every_entry_is_well_formed():
    for check_id, entry in checks.CHECKS.items():
        assert entry.id == check_id
        assert re.fullmatch(r"[A-Z]+-\d{3}", check_id), check_id
        assert entry.stages and entry.stages <= checks.ALL_STAGES, check_id
        assert ":" in entry.title, f"{check_id}: the title says what is required and why"
        assert entry.fix, check_id
        for prerequisite in entry.depends_on:
            assert prerequisite in checks.CHECKS, f"{check_id} depends on unknown {prerequisite}"


def test_run_order_puts_prerequisites_first_for_every_stage():
    for stage in checks.STAGES:
        ids = [entry.id for entry in checks.checks_for_stage(stage)]
        ordered = checks.run_order(ids)
        assert sorted(ordered) == sorted(ids)
        for position, check_id in enumerate(ordered):
            for prerequisite in checks.CHECKS[check_id].depends_on:
                if prerequisite in ids:
                    assert ordered.index(prerequisite) < position, (stage, check_id, prerequisite)


def test_run_order_of_a_reversed_list_is_still_dependency_order():
    assert checks.run_order(["DEPL-001", "AGENT-005", "CONN-003", "CONN-001"]) == [
        "CONN-001", "CONN-003", "AGENT-005", "DEPL-001"]


def test_stages_select_the_guide_sections():
    pre = {entry.id for entry in checks.checks_for_stage("pre-deploy")}
    post = {entry.id for entry in checks.checks_for_stage("post-deploy")}
    gone = {entry.id for entry in checks.checks_for_stage("decommissioned")}
    assert {"CONN-001", "PKG-002"} <= pre and not any(i.startswith(("AGENT", "DEPL", "DECOM")) for i in pre)
    assert {"CONN-001", "AGENT-005", "DEPL-002"} <= post and not any(i.startswith("DECOM") for i in post)
    assert gone == {"HOST-001", "DECOM-001", "DECOM-002", "DECOM-003"}


def test_unknown_stage_is_named():
    with pytest.raises(ValueError, match="unknown stage 'deployed'.*pre-deploy"):
        checks.checks_for_stage("deployed")


def test_unknown_check_id_is_refused_at_import():
    with pytest.raises(KeyError, match="CONN-999"):
        checks.check("CONN-999")


def test_a_failed_prerequisite_skips_its_dependents():
    assert checks.skip_message("CONN-002", {"HOST-001": "pass", "CONN-001": "fail"}) == \
        "skipped: depends on CONN-001 which failed"


def test_a_passing_or_not_applicable_prerequisite_does_not_skip():
    assert checks.skip_message("CONN-002", {"CONN-001": "pass"}) is None
    assert checks.skip_message("DEPL-001", {"AGENT-005": "pass", "AGENT-006": "skip"}) is None
    assert checks.skip_message("AGENT-004", {"PKG-002": "warn"}) is None


def test_the_skip_names_the_check_that_actually_failed():
    outcomes = {"PKG-002": "fail", "AGENT-001": "skip-dep", "AGENT-005": "skip-dep"}
    assert checks.skip_message("DEPL-001", outcomes) == \
        "skipped: depends on PKG-002 which failed (via AGENT-005 -> AGENT-001)"


def test_an_error_in_a_prerequisite_is_named_as_such():
    assert checks.skip_message("CONN-001", {"HOST-001": "error"}) == \
        "skipped: depends on HOST-001 which could not run"


def test_fail_and_warn_raise_their_outcome_types():
    with pytest.raises(checks.CheckFailed, match="found this"):
        checks.fail("found this")
    with pytest.raises(checks.CheckWarning, match="fragile"):
        checks.warn("fragile")
