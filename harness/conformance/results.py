"""Turning pytest reports into conformance results, and keeping them per (host, check).

`ResultRecorder` is registered by the suite's conftest. In the process that runs a test it
classifies the report (pass/fail/warn/skip/error/skip-dep), rewrites a failure's text to
"what was found" + "Fix: ...", and stores outcome and message in the report's
user_properties — which travel from xdist workers to the controller and into JUnit XML.
In the controller it collects one `CheckResult` per (host, check) and writes them as JSON
(--conformance-json) and as a short terminal summary.
"""
from __future__ import annotations

import dataclasses
import json

import pytest

from harness.conformance import checks


@dataclasses.dataclass(frozen=True)
class CheckResult:
    check_id: str
    host: str
    outcome: str  # pass, fail, warn, skip, error, skip-dep
    message: str
    title: str = ""
    fix: str = ""

    @property
    def failed(self) -> bool:
        return self.outcome in (checks.FAIL, checks.ERROR)

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> CheckResult:
        return cls(**{field.name: data.get(field.name, "") for field in dataclasses.fields(cls)})


def host_id_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    host = callspec.params.get("_testinfra_host") if callspec else None
    return host.backend.get_pytest_id() if host is not None else None


def _skip_reason(longrepr) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def classify(when: str, report_outcome: str, exception: BaseException | None,
             dependency_skip: bool) -> str | None:
    """The conformance outcome of one phase's report, or None when the phase says nothing new
    (a passing setup, any teardown that passes)."""
    if report_outcome == "skipped":
        return checks.DEP_SKIP if dependency_skip else checks.SKIP
    if report_outcome == "failed":
        if when == "call" and isinstance(exception, (checks.CheckFailed, AssertionError)):
            return checks.FAIL
        return checks.ERROR
    if when == "call":
        return checks.WARN if isinstance(exception, checks.CheckWarning) else checks.PASS
    return None


def found_text(outcome: str, exception: BaseException | None) -> str:
    """What the check found (its exception's text), or why it could not run."""
    found = str(exception).strip() if exception is not None else ""
    if outcome == checks.ERROR:
        found = f"the check could not run: {type(exception).__name__}: {found}"
    return found


class ResultRecorder:
    def __init__(self, config: pytest.Config):
        self.config = config
        self._outcomes: dict[str, dict[str, str]] = {}  # host -> check id -> outcome (this process)
        self._dependency_skips: set[tuple[str, str]] = set()
        self.results: dict[tuple[str, str], CheckResult] = {}  # collected where reports arrive

    def outcomes_for(self, host_id: str) -> dict[str, str]:
        return self._outcomes.setdefault(host_id, {})

    def mark_dependency_skip(self, host_id: str, check_id: str) -> None:
        self._dependency_skips.add((host_id, check_id))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        mark = item.get_closest_marker(checks.MARK)
        host_id = host_id_of(item)
        if mark is None or host_id is None:
            return
        check_id = mark.args[0]
        exception = call.excinfo.value if call.excinfo is not None else None
        if isinstance(exception, checks.CheckWarning):
            report.outcome, report.longrepr = "passed", None  # a warning is not a failure
        result = classify(call.when, report.outcome, exception,
                          (host_id, check_id) in self._dependency_skips)
        if result is None:
            return
        if result in (checks.FAIL, checks.ERROR):
            message = found_text(result, exception)
            report.longrepr = f"{check_id} on {host_id}: {message}\nFix: {checks.CHECKS[check_id].fix}"
        elif result in (checks.SKIP, checks.DEP_SKIP):
            message = _skip_reason(report.longrepr)
        else:
            message = str(exception or "")
        self.outcomes_for(host_id)[check_id] = result
        properties = [("check_id", check_id), ("host", host_id), ("outcome", result), ("message", message)]
        report.user_properties += properties
        item.user_properties += properties  # junitxml writes the teardown report's properties

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        properties = dict(report.user_properties)
        if "outcome" not in properties:
            return
        entry = checks.CHECKS[properties["check_id"]]
        key = (properties["host"], properties["check_id"])
        # setup and call may both speak (an error in setup); the first non-pass word stands
        if key in self.results and self.results[key].outcome != checks.PASS:
            return
        self.results[key] = CheckResult(properties["check_id"], properties["host"], properties["outcome"],
                                        properties["message"], entry.title, entry.fix)

    def sorted_results(self) -> list[CheckResult]:
        order = {check_id: index for index, check_id in enumerate(checks.CHECKS)}
        return sorted(self.results.values(), key=lambda result: (result.host, order[result.check_id]))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = self.config.getoption("conformance_json", None)
        if path and not hasattr(self.config, "workerinput"):
            with open(path, "w", encoding="utf-8") as stream:
                json.dump([result.to_json() for result in self.sorted_results()], stream, indent=1)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        noteworthy = [result for result in self.sorted_results() if result.outcome != checks.PASS]
        if not noteworthy:
            return
        terminalreporter.section("conformance")
        for result in noteworthy:
            first_line = result.message.splitlines()[0] if result.message else ""
            terminalreporter.write_line(f"{result.outcome.upper():8} {result.check_id:9} {result.host}: {first_line}")
