"""The guide's "Configuring Deployed Servers to poll Heat" section: os-collect-config polls the
metadata URL Heat published for this host's deployed-server resource and runs os-refresh-config."""
from __future__ import annotations

import posixpath
import shlex

from harness.conformance import agentconf, heat, probes
from harness.conformance.agentconf import CONFIG_FILE, LOCAL_DATA_DIR
from harness.conformance.checks import check, fail, warn


@check("AGENT-001")
def test_request_collector_configured(facts):
    config = facts.agent_config
    if config.problems:
        fail("; ".join(config.problems))
    if not config.uses_request:
        fail(f"collectors = {', '.join(config.collectors)} (from {config.collectors_source}) does not "
             "include request")
    if not config.metadata_url:
        fail(f"no metadata_url: neither [request] metadata_url in {CONFIG_FILE} nor "
             f"os-collect-config.request.metadata_url in {LOCAL_DATA_DIR}/*.json")
    if config.url_source.startswith(LOCAL_DATA_DIR) and "local" not in config.collectors:
        fail(f"the metadata_url is in {config.url_source} but collectors = {', '.join(config.collectors)} "
             "has no local collector to read it")


@check("AGENT-002")
def test_command_is_os_refresh_config(facts):
    command = facts.agent_config.command
    if not command:
        fail(f"no command is set ({CONFIG_FILE} [DEFAULT] command, or --command on the service): "
             "os-collect-config would print the metadata once and exit instead of applying it")
    program = posixpath.basename(shlex.split(command)[0]) if command.strip() else ""
    if program != "os-refresh-config":
        fail(f"command = {command} (from {facts.agent_config.command_source}), not os-refresh-config")


@check("AGENT-003")
def test_service_running(facts):
    if not facts.service.is_running:
        state = facts.service_properties
        fail(f"the os-collect-config service is not running (ActiveState={state.get('ActiveState', '?')}, "
             f"SubState={state.get('SubState', '?')})")
    crashing = agentconf.restart_loop_problem(facts.service_properties)
    if crashing:  # running now, but only between crashes
        fail(agentconf.restart_loop_problem(facts.service_properties, facts.journal_tail))


@check("AGENT-004")
def test_service_enabled(facts):
    if not facts.service.is_enabled:
        warn("the os-collect-config service runs but is not enabled: after a reboot nothing polls Heat")


@check("AGENT-005")
def test_metadata_url_answers(facts):
    problem = probes.metadata_problem(facts.metadata_answer)
    if problem:
        fail(problem)


@check("AGENT-006")
def test_metadata_url_is_heats(facts, heat_view):
    configured = facts.agent_config.metadata_url
    server, how = heat.match_server(heat_view, facts.hostnames, facts.addresses, configured)
    if server is None:
        held = len([s for s in heat_view.servers if s.metadata_url])
        fail(f"the host's metadata_url {configured} is not the one Heat holds for any of the "
             f"{held} deployed-server resources of stack {heat_view.stack}, and no deployed server "
             f"has this host's name ({', '.join(sorted(facts.hostnames))}) or address")
    if server.metadata_url != configured:
        other = next((s for s in heat_view.servers if s.metadata_url == configured), None)
        whose = f" (it is the URL of {other.stack_name}/{other.resource_name})" if other else ""
        fail(f"the host ({how}) is {server.stack_name}/{server.resource_name}, whose metadata_url is "
             f"{server.metadata_url}, but the host has {configured}{whose}")
