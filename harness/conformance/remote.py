"""Read-only access to a host through testinfra: files (with `sudo -n` for root-only ones),
directory listings and HTTP requests made *from* the host with curl.

Nothing here writes to the host. Each helper runs one command; `HostFacts` (facts.py) caches
what several checks need so that a host costs a handful of round trips.
"""
from __future__ import annotations

import dataclasses

from harness.conformance.checks import CheckFailed

_DENIED = "Permission denied"
_MISSING = "No such file or directory"
# curl writes the body, then this marker and the status code on a line of their own.
_STATUS_MARKER = "\n__conformance_http_status__="


class HostReadError(CheckFailed):
    """A file or directory exists but cannot be read, even with `sudo -n`."""


def _privileged(host, command: str, *args: str):
    """Run a read command; when the user may not read the path, retry it with `sudo -n`
    (never asks for a password, never writes)."""
    result = host.run(command, *args)
    if result.rc != 0 and _DENIED in result.stderr:
        result = host.run("sudo -n " + command, *args)
    return result


def read_file(host, path: str) -> str | None:
    """The text of `path`, or None when it does not exist."""
    result = _privileged(host, "cat -- %s", path)
    if result.rc == 0:
        return result.stdout
    if _MISSING in result.stderr:
        return None
    raise HostReadError(f"cannot read {path}: {result.stderr.strip() or 'exit status ' + str(result.rc)} "
                        "(run the checks as root or as a user with passwordless sudo)")


def list_dir(host, path: str) -> list[str] | None:
    """The entry names in directory `path` (sorted), or None when it does not exist."""
    result = _privileged(host, "ls -A1 -- %s", path)
    if result.rc == 0:
        return sorted(line for line in result.stdout.splitlines() if line)
    if _MISSING in result.stderr:
        return None
    raise HostReadError(f"cannot list {path}: {result.stderr.strip() or 'exit status ' + str(result.rc)} "
                        "(run the checks as root or as a user with passwordless sudo)")


def read_files(host, directory: str, suffix: str) -> dict[str, str]:
    """name -> text for the files in `directory` ending in `suffix` (one `cat` per file)."""
    names = list_dir(host, directory) or []
    texts = {}
    for name in names:
        if name.endswith(suffix):
            text = read_file(host, f"{directory}/{name}")
            if text is not None:
                texts[name] = text
    return texts


@dataclasses.dataclass(frozen=True)
class HttpAnswer:
    """What curl on the host got: a status and body, or the transport error curl reported."""

    url: str
    status: int | None
    body: str
    error: str | None

    def describe(self) -> str:
        if self.error:
            return f"curl {self.url} failed: {self.error}"
        snippet = self.body.strip().replace("\n", " ")
        if len(snippet) > 200:
            snippet = snippet[:200] + "..."
        return f"curl {self.url} answered HTTP {self.status}: {snippet!r}"


def parse_curl_output(url: str, rc: int, stdout: str, stderr: str) -> HttpAnswer:
    """Split curl's `-w` trailer from the body (pure, unit-tested)."""
    body, marker, status = stdout.rpartition(_STATUS_MARKER)
    if rc != 0 or not marker:
        error = stderr.strip() or f"curl exited with status {rc}"
        return HttpAnswer(url, None, body if marker else stdout, error)
    try:
        code = int(status.strip())
    except ValueError:
        return HttpAnswer(url, None, body, f"curl printed no status code ({status.strip()!r})")
    return HttpAnswer(url, code, body, None)


def curl(host, url: str, cacert: str | None = None, timeout: float = 5.0) -> HttpAnswer:
    """GET `url` from the host itself (what the agent there would see)."""
    options = ["-sS", "-m", f"{timeout:g}", "-w", _STATUS_MARKER.replace("\n", r"\n") + "%{http_code}"]
    if cacert:
        options += ["--cacert", cacert]
    placeholders = " ".join(["%s"] * (len(options) + 1))
    result = host.run("curl " + placeholders, *options, url)
    if result.rc == 127:  # the shell's "command not found"
        raise CheckFailed("curl is not installed on the host; install it (`sudo yum -y install curl` "
                          "or `sudo apt-get install curl`) so the guide's connectivity tests can run")
    return parse_curl_output(url, result.rc, result.stdout, result.stderr)
