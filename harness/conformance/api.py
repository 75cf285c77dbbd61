"""Running the conformance suite from Python (scenarios, the CLI, benchmarks).

`run_checks(stage, urls, undercloud_ip, ...)` runs `pytest -p harness.conformance.plugin --pyargs
harness.conformance` in subprocesses (a fresh interpreter each run: testinfra caches hosts and
pytest caches test modules per process) and returns one `CheckResult` per (host, check), read
from the suite's JSON report. With parallel=N, hosts are checked N at a time, one pytest process
per host (a host's checks must stay in one process, in order, to see their prerequisites).
"""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from xml.etree import ElementTree

from harness.conformance import checks
from harness.conformance.results import CheckResult
from harness.conformance.sshconfig import RunSshConfig

__all__ = ["CheckResult", "ConformanceRunError", "SuiteRun", "pytest_args", "run_checks", "run_suite"]

# pytest's exit codes that still mean "the checks ran": all passed, some failed
RAN = (0, 1)


class ConformanceRunError(RuntimeError):
    """pytest could not run the suite (bad option, no host collected, internal error)."""


@dataclasses.dataclass
class SuiteRun:
    results: list[CheckResult]
    exit_code: int
    output: str  # pytest's own terminal output

    @property
    def failed(self) -> bool:
        return self.exit_code != 0 or any(result.failed for result in self.results)


def pytest_args(stage: str, urls: Sequence[str], undercloud_ip: str | None, *, json_path: str,
                undercloud_scheme: str = "http", undercloud_ports: Mapping[str, int] | None = None,
                ca_file: str | None = None, stack: str = "overcloud", ssh_config: str | None = None,
                ssh_identity_file: str | None = None, ansible_inventory: str | None = None,
                connection: str | None = None, junit_xml: str | None = None,
                extra: Sequence[str] = ()) -> list[str]:
    """The pytest command line (after `python -m pytest`) for one run."""
    if stage not in checks.STAGES:
        raise ValueError(f"unknown stage {stage!r}: choose one of {', '.join(checks.STAGES)}")
    if not urls and not ansible_inventory:
        raise ValueError("no hosts to check: give testinfra URLs (ssh://user@host, docker://name) "
                         "or an Ansible inventory")
    args = ["-p", "harness.conformance.plugin", "--pyargs", "harness.conformance",
            "-p", "no:cacheprovider", "--stage", stage, "--conformance-json", json_path]
    if urls:
        args += ["--hosts", ",".join(urls)]
    if undercloud_ip:
        args += ["--undercloud", undercloud_ip]
    args += ["--undercloud-scheme", undercloud_scheme]
    for name, port in (undercloud_ports or {}).items():
        args += ["--undercloud-port", f"{name}={port}"]
    optional = {"--ca-file": ca_file, "--ssh-config": ssh_config, "--ssh-identity-file": ssh_identity_file,
                "--ansible-inventory": ansible_inventory, "--connection": connection, "--junit-xml": junit_xml}
    for flag, value in optional.items():
        if value:
            args += [flag, value]
    args += ["--stack", stack]
    if junit_xml:  # xunit1 keeps each check's id, host, outcome and message as <properties>
        args += ["-o", "junit_family=xunit1"]
    return args + list(extra)


def read_results(json_path: str) -> list[CheckResult]:
    try:
        with open(json_path, encoding="utf-8") as stream:
            return [CheckResult.from_json(entry) for entry in json.load(stream)]
    except FileNotFoundError:
        return []


def run_suite(stage: str, urls: Sequence[str], undercloud_ip: str | None = None, *, parallel: int = 1,
              ssh_insecure: bool = False, known_hosts: str | None = None, timeout: float = 900,
              credentials: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None,
              junit_xml: str | None = None, **options) -> SuiteRun:
    """Run the suite; `options` are `pytest_args` keywords. `credentials` (auth_url, username,
    password, project_name, ...) reach the suite as OS_* variables, never on a command line.
    SSH connections are shared (one ControlMaster per host) and closed at the end."""
    child_env = dict(os.environ if env is None else env)
    for name, value in (credentials or {}).items():
        if value:
            child_env[f"OS_{name.upper()}"] = value
    urls = list(urls)
    batches = [[url] for url in urls] if parallel > 1 and len(urls) > 1 else [urls]
    with tempfile.TemporaryDirectory(prefix="conformance-") as workdir, \
            RunSshConfig(options.pop("ssh_config", None), known_hosts, ssh_insecure) as ssh:
        def run_batch(index_and_batch):
            index, batch = index_and_batch
            paths = {"json_path": os.path.join(workdir, f"results-{index}.json"),
                     "junit_xml": os.path.join(workdir, f"junit-{index}.xml") if junit_xml else None}
            args = pytest_args(stage, batch, undercloud_ip, ssh_config=ssh.path, **paths, **options)
            completed = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=workdir, capture_output=True,
                                       text=True, timeout=timeout, env=child_env, check=False)
            return completed, paths
        try:
            with ThreadPoolExecutor(max_workers=max(1, min(parallel, len(batches)))) as pool:
                finished = list(pool.map(run_batch, enumerate(batches)))
        finally:
            ssh.close_connections(urls)
        return _combine(finished, junit_xml)


def _combine(finished, junit_xml: str | None) -> SuiteRun:
    results, outputs, exit_code = [], [], 0
    for completed, paths in finished:
        output = completed.stdout + completed.stderr
        if completed.returncode not in RAN:
            raise ConformanceRunError(f"pytest exited {completed.returncode}: {output.strip()[-2000:]}")
        results += read_results(paths["json_path"])
        outputs.append(output)
        exit_code = max(exit_code, completed.returncode)
    if junit_xml:
        merge_junit([paths["junit_xml"] for _, paths in finished], junit_xml)
    return SuiteRun(results, exit_code, "\n".join(outputs))


def merge_junit(parts: Sequence[str], destination: str) -> None:
    """One JUnit document holding every process's <testsuite>."""
    merged = ElementTree.Element("testsuites", name="conformance")
    for part in parts:
        if os.path.exists(part):
            root = ElementTree.parse(part).getroot()
            merged.extend(root.iter("testsuite") if root.tag == "testsuites" else [root])
    ElementTree.ElementTree(merged).write(destination, encoding="utf-8", xml_declaration=True)


def run_checks(stage: str, urls: Sequence[str], undercloud_ip: str | None = None, **options) -> list[CheckResult]:
    """Check `urls` (testinfra URLs) for `stage`; one result per (host, check) that applies."""
    return run_suite(stage, urls, undercloud_ip, **options).results
