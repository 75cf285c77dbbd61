"""A conformance lab: pseudo-nodes prepared the guide's manual way against the fake undercloud,
and the ways a host goes wrong, for the suite's Docker tests and benchmark.

    lab = Lab(backend, undercloud)                  # nodes from harness.nodes, fakes.undercloud
    lab.deploy("overcloud", nodes, failing=node)    # stack + manual agent configuration + wait
    lab.retire("retired", nodes)                    # deployed, then the stack deleted (scaled down)

Each deployed server is an OS::Heat::DeployedServer (POLL_TEMP_URL) named after its node's host
name, with one script deployment (TEMP_URL_SIGNAL). The `failing` node's deployment exits 1 and
runs after every other one, so the rest of the stack completes first.
"""
from __future__ import annotations

import time

from harness.conformance import heat
from harness.conformance.settings import Credentials

SCRIPT = """#!/bin/sh
echo "configured $(hostname)"
if [ "$fail" = "yes" ]; then
    echo "cannot write /etc/hosts: No space left on device" >&2
    exit 1
fi
"""


def deployed_server_template(hostnames: list[str], failing: str | None = None) -> dict:
    resources: dict = {"config": {"type": "OS::Heat::SoftwareConfig", "properties": {
        "group": "script", "config": SCRIPT,
        "inputs": [{"name": "fail", "type": "String", "default": "no"}]}}}
    for index, hostname in enumerate(hostnames):
        resources[f"server{index}"] = {"type": "OS::Heat::DeployedServer", "properties": {
            "name": hostname, "software_config_transport": "POLL_TEMP_URL"}}
        deployment = {"type": "OS::Heat::SoftwareDeployment", "properties": {
            "name": f"HostsEntryDeployment{index}", "config": {"get_resource": "config"},
            "server": {"get_resource": f"server{index}"}, "signal_transport": "TEMP_URL_SIGNAL",
            "input_values": {"fail": "yes" if hostname == failing else "no"}}}
        if hostname == failing:  # after every other deployment, so they all complete first
            deployment["depends_on"] = [f"deployment{i}" for i in range(len(hostnames)) if hostnames[i] != failing]
        resources[f"deployment{index}"] = deployment
    return {"heat_template_version": "queens", "resources": resources}


def manual_config(metadata_url: str | None, polling_interval: int = 30) -> bytes:
    """/etc/os-collect-config.conf as the guide's manual path writes it."""
    lines = ["[DEFAULT]", "collectors=request", "command=os-refresh-config",
             f"polling_interval={polling_interval}", ""]
    if metadata_url:
        lines += ["[request]", f"metadata_url={metadata_url}", ""]
    return "\n".join(lines).encode()


# WORKAROUND, to remove once the pseudo-node image carries an en_US.UTF-8 locale (or starts the
# agent without locale coercion): under LANG=C.UTF-8 Python's locale.getlocale() answers
# ("en_US", "UTF-8"), which os-collect-config's local collector restores with setlocale() and
# dies on ("unsupported locale setting"); Heat's metadata turns that collector on, so the agent
# crash-loops after its first run. A real RHEL host has en_US.UTF-8 and never sees this.
AGENT_LOCALE_DROPIN = ("/etc/systemd/system/os-collect-config.service.d/locale.conf",
                       b"[Service]\nEnvironment=LANG=C PYTHONCOERCECLOCALE=0 PYTHONUTF8=1\n")


def prepare_agent(node) -> None:
    """What a provisioning tool would have done on the node before the guide's steps."""
    path, text = AGENT_LOCALE_DROPIN
    node.exec(["mkdir", "-p", path.rsplit("/", 1)[0]])
    node.put_file(path, text, 0o644)
    reloaded = node.exec(["systemctl", "daemon-reload"])
    if not reloaded.ok:
        raise RuntimeError(f"systemctl daemon-reload on {node.name} failed: {reloaded.stderr}")


def configure_manually(node, metadata_url: str | None, polling_interval: int = 30) -> None:
    """Write the config and restart the agent (without enabling it, as the guide does)."""
    prepare_agent(node)
    node.put_file("/etc/os-collect-config.conf", manual_config(metadata_url, polling_interval), 0o644)
    restarted = node.exec(["systemctl", "restart", "os-collect-config"])
    if not restarted.ok:
        raise RuntimeError(f"restarting os-collect-config on {node.name} failed: {restarted.stderr}")


class Lab:
    def __init__(self, backend, undercloud, polling_interval: int = 30, timeout: float = 240):
        self.backend, self.undercloud = backend, undercloud
        self.polling_interval, self.timeout = polling_interval, timeout
        self.credentials = Credentials(auth_url=undercloud.endpoints.identity_root,
                                       username=undercloud.username, password=undercloud.password,
                                       project_name=undercloud.project_name)
        self.connection = heat.connect(self.credentials)
        self.urls: dict[str, str] = {}  # node host name -> its metadata URL

    @property
    def address(self) -> str:
        return self.undercloud.endpoints.host

    def credential_options(self) -> dict[str, str]:
        """The `credentials` argument of harness.conformance.api.run_checks."""
        return {"auth_url": self.credentials.auth_url, "username": self.credentials.username,
                "password": self.credentials.password, "project_name": self.credentials.project_name}

    def deploy(self, stack: str, nodes: list, failing=None) -> str:
        """Create the stack, configure each node's agent by hand, wait; the final stack status."""
        template = deployed_server_template([node.hostname for node in nodes],
                                            failing.hostname if failing is not None else None)
        self.connection.orchestration.create_stack(name=stack, template=template)
        view = self._wait_for_urls(stack, len(nodes))
        by_name = {server.hostname: server.metadata_url for server in view.servers}
        for node in nodes:
            self.urls[node.hostname] = by_name[node.hostname]
            configure_manually(node, by_name[node.hostname], self.polling_interval)
        return self.wait_stack(stack, done=("CREATE_COMPLETE", "CREATE_FAILED"))

    def retire(self, stack: str, nodes: list) -> None:
        """Deploy `nodes` in their own stack, then delete it: hosts scaled out of the deployment
        whose agents nobody stopped, as the guide warns."""
        status = self.deploy(stack, nodes)
        if status != "CREATE_COMPLETE":
            raise RuntimeError(f"stack {stack} ended {status}, expected CREATE_COMPLETE")
        self.connection.orchestration.delete_stack(self.connection.orchestration.find_stack(stack))
        deadline = time.monotonic() + self.timeout
        while self.connection.orchestration.find_stack(stack, ignore_missing=True) is not None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"stack {stack} still exists {self.timeout:.0f} s after its delete")
            time.sleep(0.5)

    def _wait_for_urls(self, stack: str, count: int) -> heat.HeatView:
        deadline, seen = time.monotonic() + self.timeout, None
        while time.monotonic() < deadline:
            seen = heat.load(self.connection, stack)
            if len([server for server in seen.servers if server.metadata_url]) == count:
                return seen
            time.sleep(0.5)
        raise TimeoutError(f"stack {stack}: expected {count} deployed servers with a metadata URL "
                           f"within {self.timeout:.0f} s, saw {seen}")

    def wait_stack(self, stack: str, done: tuple[str, ...]) -> str:
        deadline, status = time.monotonic() + self.timeout, None
        while time.monotonic() < deadline:
            status = self.connection.orchestration.find_stack(stack, ignore_missing=False).status
            if status in done:
                return status
            time.sleep(1)
        raise TimeoutError(f"stack {stack} did not reach {' or '.join(done)} within {self.timeout:.0f} s "
                           f"(last status {status}); check the nodes' `journalctl -u os-collect-config`")
