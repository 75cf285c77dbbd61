"""The guide's "Scaling Down" section: a host removed from the deployment must be powered off
and reprovisioned before reuse; if it still runs its agent or holds its deployed state it can
rejoin the deployment."""
from __future__ import annotations

from harness.conformance import heat
from harness.conformance.checks import check, fail
from harness.conformance.facts import AGENT_CACHE_DIR, DEPLOYED_DIR


@check("DECOM-001")
def test_agent_stopped(facts):
    service = facts.service
    running, enabled = service.is_running, service.is_enabled
    if running or enabled:
        state = " and ".join(word for word, flag in (("running", running), ("enabled", enabled)) if flag)
        fail(f"os-collect-config is {state} on a host that is no longer in the stack: it keeps polling "
             "(or will after a reboot) and can apply deployments again")


@check("DECOM-002")
def test_no_deployed_state(facts):
    leftovers = []
    if facts.deployed_names:
        leftovers.append(f"{DEPLOYED_DIR} holds {len(facts.deployed_names)} files "
                         f"({', '.join(facts.deployed_names[:3])}{', ...' if len(facts.deployed_names) > 3 else ''})")
    if facts.agent_cache:
        leftovers.append(f"{AGENT_CACHE_DIR} caches metadata ({', '.join(facts.agent_cache[:3])})")
    if facts.agent_config.metadata_url:
        leftovers.append(f"a metadata_url is still configured ({facts.agent_config.url_source})")
    if leftovers:
        fail("deployed state remains: " + "; ".join(leftovers))


@check("DECOM-003")
def test_not_in_the_stack(facts, heat_view):
    held = heat.holds_host(heat_view, facts.hostnames, facts.addresses, facts.agent_config.metadata_url)
    if held:
        fail(f"stack {heat_view.stack} still holds this host: {held}")
