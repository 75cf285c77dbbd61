"""`configure`: configure the agents of the nodes not configured yet (or those named), the
scenario's way: manual, automatic (the harness's SSH implementation) or an external script."""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

from harness import agents
from harness.runner_state import StepFailed

LOOKUP_DEADLINE = 180.0
LOOKUP_POLL = 0.5


def method_of(run, step) -> tuple[str, str | None]:
    declared = run.scenario.get("agents") or {}
    method = step.args.get("method") or declared.get("configure") or "manual"
    script = step.args.get("script") or declared.get("script")
    if run.options.configure_script and method in ("automatic", "script"):
        method, script = "script", run.options.configure_script
    if method == "script" and not script:
        raise StepFailed("configure: method script needs a script (agents.script in the scenario "
                         "or --configure-script PATH)")
    if script and not os.path.isabs(script):
        script = str((run.scenario.path.parent / script).resolve())
    return method, script


def run(run, step) -> None:
    method, script = method_of(run, step)
    if "nodes" in step.args:
        nodes = run.select(step.args["nodes"])
    else:
        nodes = [n for n in run.select("all") if run.label_of(n) not in run.configured]
    if not nodes:
        raise StepFailed("configure: every node in the stack is configured already")
    labels = [run.label_of(node) for node in nodes]
    run.echo(f"configuring agents ({method}): {', '.join(labels)}")
    refs = wait_for_servers(run, labels)
    run.snapshots.setdefault("metadata_urls", {}).update(
        {label: refs[label].metadata_url for label in labels})
    if method == "script":
        _script(run, nodes, script)
    else:
        configure_one = _manual if method == "manual" else _automatic
        with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
            list(pool.map(lambda node: configure_one(run, node, refs[run.label_of(node)]), nodes))
    run.configured.update(labels)


def wait_for_servers(run, labels: list[str]) -> dict:
    """The deployed-server resources of these nodes, once Heat has made all of them."""
    deadline = time.monotonic() + LOOKUP_DEADLINE
    while True:
        found = agents.deployed_servers(run.heat, run.stack_name)
        refs = {f"{role}-{index}": ref for (role, index), ref in found.items()}
        missing = [label for label in labels if label not in refs]
        if not missing:
            return refs
        if time.monotonic() > deadline:
            raise StepFailed(f"no deployed-server resource for {', '.join(missing)} after "
                             f"{LOOKUP_DEADLINE:.0f}s; the stack is {run.heat.show(run.stack_name)['stack_status']}")
        time.sleep(LOOKUP_POLL)


def _manual(run, node, ref) -> None:
    agents.configure_manual(node, ref.metadata_url, run.polling_interval)


def ssh_access(run) -> agents.SshAccess:
    return agents.SshAccess(run.login_user, run.backend.keypair.private_key, run.run.known_hosts)


def _automatic(run, node, ref) -> None:
    agents.prepare_for_local_data(node, run.polling_interval)
    agents.configure_automatic_node(ssh_access(run), node.address, ref.metadata_url,
                                    run.polling_interval)


def _script(run, nodes, script) -> None:
    with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
        list(pool.map(lambda node: agents.prepare_for_local_data(node, run.polling_interval), nodes))
    roles = []
    for node in nodes:
        role = run.label_of(node).rsplit("-", 1)[0]
        if role not in roles:
            roles.append(role)
    # The script maps hosts to the role's members by position: every member, in index order.
    hosts = {role: [n.address for n in run.select(role)] for role in roles}
    env = agents.script_environment(dict(os.environ), hosts, ssh_access(run), run.stack_name,
                                    run.stackrc())
    agents.run_configure_script(script, env, run.run_dir)
