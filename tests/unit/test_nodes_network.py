"""The run network: subnets that collide with nothing, addresses known before start."""
from __future__ import annotations

import ipaddress
import random

import pytest

from harness.nodes.errors import NoFreeSubnet
from harness.nodes.network import (RunNetwork, create_run_network, docker_subnets, free_subnets,
                                   host_routes)
from test_nodes_fake import FakeDocker

ROUTE_TABLE = """\
Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
br-x\t00051EAC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
"""


def test_host_routes_skip_the_default_route(tmp_path):
    table = tmp_path / "route"
    table.write_text(ROUTE_TABLE)
    assert host_routes(table) == [ipaddress.ip_network("172.17.0.0/16"),
                                  ipaddress.ip_network("172.30.5.0/24")]


def test_free_subnets_avoid_everything_taken():
    taken = [ipaddress.ip_network("172.30.0.0/17"), ipaddress.ip_network("172.30.200.0/24")]
    free = free_subnets(taken, rng=random.Random(1))
    assert len(free) == 127
    assert all(not subnet.overlaps(other) for subnet in free for other in taken)


def test_a_full_pool_is_a_clear_error():
    with pytest.raises(NoFreeSubnet, match="harness down --all"):
        free_subnets([ipaddress.ip_network("172.16.0.0/12")])


def test_addresses_follow_the_gateway_in_order():
    network = RunNetwork("th-r1", ipaddress.ip_network("172.30.9.0/24"))
    assert network.gateway == "172.30.9.1"
    assert [network.address(i) for i in range(3)] == ["172.30.9.2", "172.30.9.3", "172.30.9.4"]
    with pytest.raises(ValueError, match="at most 253 nodes"):
        network.address(253)


def test_create_takes_another_subnet_when_a_parallel_run_won_the_race():
    client = FakeDocker(network_failures=["Pool overlaps with other one on this address space"])
    network = create_run_network(client, "th-r2", {"tripleo-harness.run": "r2"})
    assert network.name == "th-r2"
    assert docker_subnets(client) == [network.subnet]
    assert network.subnet.subnet_of(ipaddress.ip_network("172.30.0.0/16"))
    assert client.networks.get("th-r2").attrs["Labels"] == {"tripleo-harness.run": "r2"}
