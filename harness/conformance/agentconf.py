"""Reading os-collect-config's configuration the way the agent does (pure functions, no host).

The guide configures the agent two ways: the manual path writes `[request] metadata_url` into
/etc/os-collect-config.conf; get-occ-config.sh drops a local-data JSON file
(/var/lib/os-collect-config/local-data/*.json) whose `os-collect-config.request.metadata_url` the
local collector supplies. Both count. The file is oslo.config INI: an option may repeat
(`collectors = request` then `collectors = local`, as os-apply-config renders it) and a list
option also splits on commas.
"""
from __future__ import annotations

import dataclasses
import json
import re
import shlex

# os-collect-config's own default (os_collect_config/collect.py DEFAULT_COLLECTORS).
DEFAULT_COLLECTORS = ("heat_local", "ec2", "cfn", "heat", "request", "local", "zaqar")
CONFIG_FILE = "/etc/os-collect-config.conf"
LOCAL_DATA_DIR = "/var/lib/os-collect-config/local-data"

_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]\s*$")
_OPTION = re.compile(r"^(?P<key>[A-Za-z0-9_.-]+)\s*[=:]\s*(?P<value>.*)$")


class ConfigSyntaxError(ValueError):
    """A line of the INI file that oslo.config would not accept."""


def parse_ini(text: str) -> dict[str, dict[str, list[str]]]:
    """Sections -> option -> every value given, in order (options may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        section = _SECTION.match(line)
        if section:
            current = section.group("name").strip()
            sections.setdefault(current, {})
            continue
        option = _OPTION.match(line)
        if option is None or current is None:
            where = "before any [section]" if option else "is not `key = value`"
            raise ConfigSyntaxError(f"line {number} {where}: {raw!r}")
        sections[current].setdefault(option.group("key").replace("-", "_"), []).append(
            option.group("value").strip())
    return sections


@dataclasses.dataclass(frozen=True)
class AgentConfig:
    """What os-collect-config will use, and where each piece comes from (for messages)."""

    collectors: tuple[str, ...]
    collectors_source: str
    metadata_url: str | None
    url_source: str | None
    command: str | None
    command_source: str | None
    problems: tuple[str, ...] = ()  # unreadable or invalid files, named

    @property
    def uses_request(self) -> bool:
        return "request" in self.collectors


def _last(values: list[str] | None) -> str | None:
    return values[-1] if values else None


def _list_option(values: list[str]) -> tuple[str, ...]:
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def _local_data_url(local_data: dict[str, str], problems: list[str]) -> tuple[str | None, str | None]:
    """The metadata_url a local-data file supplies (the last file in name order wins, like the
    agent's merge), and that file's path."""
    found: tuple[str | None, str | None] = (None, None)
    for name in sorted(local_data):
        path = f"{LOCAL_DATA_DIR}/{name}"
        try:
            data = json.loads(local_data[name])
        except ValueError as error:
            problems.append(f"{path} is not valid JSON ({error}); the local collector rejects it")
            continue
        section = data.get("os-collect-config") if isinstance(data, dict) else None
        request = section.get("request") if isinstance(section, dict) else None
        url = request.get("metadata_url") if isinstance(request, dict) else None
        if url:
            found = (str(url), path)
    return found


def command_from_exec_start(exec_start: str | None) -> str | None:
    """The `--command`/`-c` value on the service's command line (systemctl show -p ExecStart)."""
    if not exec_start:
        return None
    match = re.search(r"argv\[\]=(?P<argv>[^;]*)", exec_start)
    words = shlex.split(match.group("argv") if match else exec_start)
    for index, word in enumerate(words):
        if word in ("--command", "-c") and index + 1 < len(words):
            return words[index + 1]
        if word.startswith("--command="):
            return word.split("=", 1)[1]
    return None


def effective_config(conf_text: str | None, local_data: dict[str, str],
                     exec_start: str | None = None) -> AgentConfig:
    """Combine the config file, the local-data files and the service command line."""
    problems: list[str] = []
    sections: dict[str, dict[str, list[str]]] = {}
    if conf_text is not None:
        try:
            sections = parse_ini(conf_text)
        except ConfigSyntaxError as error:
            problems.append(f"{CONFIG_FILE}: {error}")
    default = sections.get("DEFAULT", {})
    if default.get("collectors"):
        collectors, collectors_source = _list_option(default["collectors"]), CONFIG_FILE
    else:
        collectors, collectors_source = DEFAULT_COLLECTORS, "os-collect-config's default"
    url = _last(sections.get("request", {}).get("metadata_url"))
    url_source = CONFIG_FILE if url else None
    if not url:
        url, url_source = _local_data_url(local_data, problems)
    command, command_source = _last(default.get("command")), CONFIG_FILE
    if not command:
        command = command_from_exec_start(exec_start)
        command_source = "the service's ExecStart" if command else None
    return AgentConfig(collectors, collectors_source, url, url_source, command, command_source,
                       tuple(problems))


RESTART_LOOP_THRESHOLD = 3


def parse_systemctl_show(stdout: str) -> dict[str, str]:
    """`systemctl show -p A -p B unit` output (A=value lines) as a dict."""
    return dict(line.split("=", 1) for line in stdout.splitlines() if "=" in line)


def last_error_line(journal: str) -> str | None:
    """The last line of a Python traceback's final error (e.g. `locale.Error: ...`) in a journal."""
    for line in reversed(journal.splitlines()):
        text = line.strip()
        if re.match(r"^[A-Za-z_.]*(Error|Exception)\b.*:", text):
            return text
    return None


def restart_loop_problem(properties: dict[str, str], journal: str = "") -> str | None:
    """A sentence when systemd keeps restarting the agent (it crashes after each start)."""
    try:
        restarts = int(properties.get("NRestarts", "0") or 0)
    except ValueError:
        return None
    if restarts < RESTART_LOOP_THRESHOLD:
        return None
    error = last_error_line(journal)
    cause = f"; it last died with `{error}`" if error else ""
    return (f"os-collect-config keeps crashing: systemd restarted it {restarts} times "
            f"(ActiveState={properties.get('ActiveState', '?')}){cause}")
