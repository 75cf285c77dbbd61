"""Running the conformance suite from Python (scenarios, the CLI, benchmarks).

`run_checks(stage, urls, undercloud_ip, ...)` runs `pytest -p harness.conformance.plugin --pyargs
harness.conformance` in a subprocess (a fresh interpreter each run: testinfra caches hosts and
pytest caches test modules per process) and returns one `CheckResult` per (host, check), read
from the suite's JSON report.
"""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence

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
                connection: str | None = None, parallel: int = 1, junit_xml: str | None = None,
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
    if parallel > 1 and len(urls) > 1:
        args += ["-n", str(min(parallel, len(urls))), "--dist", "loadgroup"]
    return args + list(extra)


def read_results(json_path: str) -> list[CheckResult]:
    try:
        with open(json_path, encoding="utf-8") as stream:
            return [CheckResult.from_json(entry) for entry in json.load(stream)]
    except FileNotFoundError:
        return []


def run_suite(stage: str, urls: Sequence[str], undercloud_ip: str | None = None, *,
              ssh_insecure: bool = False, known_hosts: str | None = None, timeout: float = 900,
              credentials: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None,
              **options) -> SuiteRun:
    """Run the suite once; `options` are `pytest_args` keywords. `credentials` (auth_url, username,
    password, project_name, ...) reach the suite as OS_* variables, never on a command line.
    SSH connections are shared (one ControlMaster per host) and closed at the end."""
    child_env = dict(os.environ if env is None else env)
    for name, value in (credentials or {}).items():
        if value:
            child_env[f"OS_{name.upper()}"] = value
    with tempfile.TemporaryDirectory(prefix="conformance-") as workdir, \
            RunSshConfig(options.pop("ssh_config", None), known_hosts, ssh_insecure) as ssh:
        json_path = os.path.join(workdir, "results.json")
        args = pytest_args(stage, list(urls), undercloud_ip, json_path=json_path, ssh_config=ssh.path, **options)
        try:
            completed = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=workdir,
                                       capture_output=True, text=True, timeout=timeout,
                                       env=child_env, check=False)
        finally:
            ssh.close_connections(list(urls))
        output = completed.stdout + completed.stderr
        if completed.returncode not in RAN:
            raise ConformanceRunError(f"pytest exited {completed.returncode}: {output.strip()[-2000:]}")
        return SuiteRun(read_results(json_path), completed.returncode, output)


def run_checks(stage: str, urls: Sequence[str], undercloud_ip: str | None = None, **options) -> list[CheckResult]:
    """Check `urls` (testinfra URLs) for `stage`; one result per (host, check) that applies."""
    return run_suite(stage, urls, undercloud_ip, **options).results
