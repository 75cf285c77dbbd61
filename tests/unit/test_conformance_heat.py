"""Matching a host to the deployed server Heat holds for it."""
from __future__ import annotations

from harness.conformance import heat

URL0, URL1 = "http://192.0.2.1:8080/v1/AUTH_a/c0/o0?sig", "http://192.0.2.1:8080/v1/AUTH_a/c1/o1?sig"
VIEW = heat.HeatView("overcloud", (
    heat.DeployedServer("overcloud-Controller-x-0-y-Controller-z", "s0", "deployed-server", URL0, "overcloud-controller-0"),
    heat.DeployedServer("overcloud-Compute-x-0-y-NovaCompute-z", "s1", "deployed-server", URL1, "overcloud-novacompute-0"),
), {"overcloud-controller-0-ctlplane": {"fixed_ips": [{"ip_address": "172.18.0.10"}]},
    "overcloud-novacompute-0-ctlplane": {"fixed_ips": [{"ip_address": "172.18.0.11"}]}})


def test_match_by_host_name_including_fqdn():
    server, how = heat.match_server(VIEW, {"overcloud-controller-0.localdomain"}, set(), None)
    assert server is VIEW.servers[0] and how == "host name overcloud-controller-0"


def test_match_by_port_map_address():
    server, how = heat.match_server(VIEW, {"node-b"}, {"172.18.0.11", "10.0.0.5"}, None)
    assert server is VIEW.servers[1] and how.startswith("DeployedServerPortMap")


def test_match_by_configured_url_when_nothing_else_identifies_the_host():
    server, how = heat.match_server(VIEW, {"elsewhere"}, {"10.9.9.9"}, URL1)
    assert server is VIEW.servers[1] and how == "the metadata URL set on the host"


def test_a_swapped_url_is_caught_because_the_name_wins():
    server, _ = heat.match_server(VIEW, {"overcloud-controller-0"}, set(), URL1)
    assert server.metadata_url == URL0  # the check then reports URL1 as another server's


def test_no_match():
    assert heat.match_server(VIEW, {"stranger"}, {"10.9.9.9"}, "http://nowhere") == (None, "")


def test_holds_host_explains_why_a_removed_host_still_counts():
    assert "recognised by host name" in heat.holds_host(VIEW, {"overcloud-novacompute-0"}, set(), None)
    assert heat.holds_host(VIEW, {"stranger"}, {"10.9.9.9"}, None) == ""


def test_stack_link_gives_the_nested_stack_like_heatclient():
    resource = {"resource_name": "deployed-server", "links": [
        {"rel": "self", "href": "http://h:8004/v1/t/stacks/st-a/id1/resources/deployed-server"},
        {"rel": "stack", "href": "http://h:8004/v1/t/stacks/overcloud-Controller-x-0/3d38"}]}
    assert heat._stack_link(resource) == ("overcloud-Controller-x-0", "3d38")


def test_port_map_parameter_may_be_a_json_string():
    assert heat._json_parameter('{"a-ctlplane": {"fixed_ips": []}}') == {"a-ctlplane": {"fixed_ips": []}}
    assert heat._json_parameter("") == {} and heat._json_parameter("not json") == {}


def test_metadata_url_of_heat_metadata():
    assert heat.metadata_url_of({"os-collect-config": {"request": {"metadata_url": URL0}}}) == URL0
    assert heat.metadata_url_of({"deployments": []}) is None
