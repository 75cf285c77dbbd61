"""What the checks learn about one host, read once and shared by every check on that host.

The suite keeps one `HostFacts` per host for the session, so the agent configuration or the
metadata document is fetched once however many checks use it (a host costs seconds, not a
round trip per assertion).
"""
from __future__ import annotations

import functools
import json

from harness.conformance import agentconf
from harness.conformance.remote import HttpAnswer, curl, list_dir, read_file, read_files

SERVICE = "os-collect-config"
DEPLOYED_DIR = "/var/lib/heat-config/deployed"
HOOK_DIRS = ("/usr/libexec/heat-config/hooks", "/var/lib/heat-config/hooks")
AGENT_CACHE_DIR = "/var/lib/os-collect-config"


class HostFacts:
    def __init__(self, host, cacert: str | None = None):
        self.host = host
        self.cacert = cacert
        self._notify: dict[str, dict | None] = {}

    @functools.cached_property
    def agent_config(self) -> agentconf.AgentConfig:
        conf_text = read_file(self.host, agentconf.CONFIG_FILE)
        local_data = read_files(self.host, agentconf.LOCAL_DATA_DIR, ".json")
        shown = self.host.run("systemctl show -p ExecStart %s", SERVICE)
        exec_start = shown.stdout.strip() if shown.rc == 0 else None
        return agentconf.effective_config(conf_text, local_data, exec_start)

    @functools.cached_property
    def service(self):
        return self.host.service(SERVICE)

    @functools.cached_property
    def service_properties(self) -> dict[str, str]:
        shown = self.host.run("systemctl show -p ActiveState -p SubState -p NRestarts %s", SERVICE)
        return agentconf.parse_systemctl_show(shown.stdout) if shown.rc == 0 else {}

    @functools.cached_property
    def journal_tail(self) -> str:
        """The agent's last journal lines (root-only on many hosts: `sudo -n` when needed)."""
        command = "journalctl -u %s -n 40 --no-pager -o cat"
        result = self.host.run(command, SERVICE)
        if result.rc != 0 or "insufficient permissions" in result.stdout + result.stderr:
            result = self.host.run("sudo -n " + command, SERVICE)
        return result.stdout if result.rc == 0 else ""

    @functools.cached_property
    def metadata_answer(self) -> HttpAnswer:
        url = self.agent_config.metadata_url
        if not url:
            raise LookupError("no metadata_url is configured")
        return curl(self.host, url, cacert=self.cacert)

    @functools.cached_property
    def metadata(self) -> dict | None:
        """The metadata document the URL serves, when it is a JSON object."""
        answer = self.metadata_answer
        if answer.error or answer.status is None or not 200 <= answer.status < 300:
            return None
        try:
            document = json.loads(answer.body)
        except ValueError:
            return None
        return document if isinstance(document, dict) else None

    @functools.cached_property
    def deployed_names(self) -> list[str]:
        return list_dir(self.host, DEPLOYED_DIR) or []

    def notify_data(self, deployment_id: str) -> dict | None:
        """The signal heat-config wrote for one deployment (<id>.notify.json), or None."""
        if deployment_id not in self._notify:
            self._notify[deployment_id] = self._read_notify(deployment_id)
        return self._notify[deployment_id]

    def _read_notify(self, deployment_id: str) -> dict | None:
        text = read_file(self.host, f"{DEPLOYED_DIR}/{deployment_id}.notify.json")
        if text is None:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            return {"deploy_status_code": None, "deploy_stderr": f"unreadable notify file: {text[:200]!r}"}
        return data if isinstance(data, dict) else {"deploy_status_code": None}

    @functools.cached_property
    def hooks(self) -> set[str]:
        names: set[str] = set()
        for directory in HOOK_DIRS:
            names.update(list_dir(self.host, directory) or [])
        return names

    @functools.cached_property
    def agent_cache(self) -> list[str]:
        """The metadata os-collect-config cached from its collectors (*.json in its cachedir)."""
        return [name for name in (list_dir(self.host, AGENT_CACHE_DIR) or []) if name.endswith(".json")]

    @functools.cached_property
    def hostnames(self) -> set[str]:
        result = self.host.run("hostname; hostname -f; hostname -s")
        return {line.strip() for line in result.stdout.splitlines() if line.strip()}

    @functools.cached_property
    def addresses(self) -> set[str]:
        result = self.host.run("hostname -I")
        if result.rc != 0:  # busybox and some minimal images lack -I
            result = self.host.run("ip -o addr show")
            return {word.split("/")[0] for line in result.stdout.splitlines()
                    for index, word in enumerate(line.split()) if index == 3}
        return set(result.stdout.split())
