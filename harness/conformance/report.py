"""Showing conformance results: a host x check table on a terminal (rich), plain lines otherwise,
then each failure and warning with what was found and its fix."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.table import Table

from harness.conformance import checks
from harness.conformance.results import CheckResult

STYLES = {checks.PASS: "green", checks.FAIL: "bold red", checks.ERROR: "bold red", checks.WARN: "yellow",
          checks.SKIP: "dim", checks.DEP_SKIP: "dim"}
WORDS = {checks.PASS: "pass", checks.FAIL: "FAIL", checks.ERROR: "ERROR", checks.WARN: "warn",
         checks.SKIP: "skip", checks.DEP_SKIP: "skip"}


def hosts_of(results: Sequence[CheckResult]) -> list[str]:
    return sorted({result.host for result in results})


def check_ids_of(results: Sequence[CheckResult]) -> list[str]:
    present = {result.check_id for result in results}
    return [check_id for check_id in checks.CHECKS if check_id in present]


def grid(results: Sequence[CheckResult]) -> dict[tuple[str, str], CheckResult]:
    return {(result.check_id, result.host): result for result in results}


def summary_line(results: Sequence[CheckResult]) -> str:
    counts: dict[str, int] = {}
    for result in results:
        word = WORDS[result.outcome].lower()
        counts[word] = counts.get(word, 0) + 1
    hosts = len(hosts_of(results))
    parts = ", ".join(f"{counts[word]} {word}" for word in ("pass", "fail", "error", "warn", "skip") if word in counts)
    return f"{hosts} host{'s' if hosts != 1 else ''}: {parts or 'no checks ran'}"


def noteworthy(results: Sequence[CheckResult]) -> list[CheckResult]:
    """Failures, errors and warnings, in host then registry order."""
    order = {check_id: index for index, check_id in enumerate(checks.CHECKS)}
    kept = [result for result in results if result.outcome in (checks.FAIL, checks.ERROR, checks.WARN)]
    return sorted(kept, key=lambda result: (result.host, order[result.check_id]))


def plain_lines(results: Sequence[CheckResult]) -> list[str]:
    """One line per (host, check), then the fixes; stable for logs and grep."""
    order = {check_id: index for index, check_id in enumerate(checks.CHECKS)}
    lines = []
    for result in sorted(results, key=lambda r: (r.host, order[r.check_id])):
        first = result.message.splitlines()[0] if result.message else ""
        lines.append(f"{WORDS[result.outcome]:5} {result.check_id:9} {result.host}" + (f"  {first}" if first else ""))
    for result in noteworthy(results):
        lines.append(f"{result.check_id} on {result.host}: {result.message}")
        lines.append(f"  fix: {result.fix}")
    lines.append(summary_line(results))
    return lines


def table(results: Sequence[CheckResult]) -> Table:
    hosts = hosts_of(results)
    cells = grid(results)
    view = Table(title="Conformance", show_lines=False)
    view.add_column("check", no_wrap=True)
    view.add_column("requirement")
    for host in hosts:
        view.add_column(host, justify="center")
    for check_id in check_ids_of(results):
        row = [check_id, checks.CHECKS[check_id].title.split(": ")[0]]
        for host in hosts:
            result = cells.get((check_id, host))
            row.append(f"[{STYLES[result.outcome]}]{WORDS[result.outcome]}[/]" if result else "")
        view.add_row(*row)
    return view


def show(results: Sequence[CheckResult], stream: TextIO | None = None, rich: bool | None = None) -> None:
    """Print the results: the rich table when writing to a terminal (or rich=True), else plain lines."""
    console = Console(file=stream, highlight=False, soft_wrap=False)
    if rich is None:
        rich = console.is_terminal
    if not rich:
        for line in plain_lines(results):
            print(line, file=stream)
        return
    console.print(table(results))
    for result in noteworthy(results):
        style = STYLES[result.outcome]
        console.print(f"[{style}]{WORDS[result.outcome]}[/] {result.check_id} on {result.host}: ", end="")
        console.print(result.message, markup=False)
        console.print("  [bold]fix:[/] ", end="")
        console.print(result.fix, markup=False)
    console.print(summary_line(results))
