"""The run network: one Docker bridge per run with a subnet chosen so it collides with nothing.

The subnet is explicit so that node addresses are static and known before any node starts;
the bridge's gateway address is the host's side of the network, where the fake undercloud binds.
"""
from __future__ import annotations

import ipaddress
import random
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

import docker.errors
import docker.types

from harness.nodes.errors import NoFreeSubnet

POOL = ipaddress.ip_network("172.30.0.0/16")
SUBNET_PREFIX = 24


@dataclass(frozen=True)
class RunNetwork:
    name: str
    subnet: ipaddress.IPv4Network
    network_id: str = ""

    @property
    def gateway(self) -> str:
        return str(self.subnet.network_address + 1)

    def address(self, position: int) -> str:
        """The address of the position-th node of the run (0-based): gateway + 1 + position."""
        hosts = self.subnet.num_addresses - 3  # network, gateway, broadcast
        if not 0 <= position < hosts:
            raise ValueError(f"a run network {self.subnet} holds at most {hosts} nodes")
        return str(self.subnet.network_address + 2 + position)


def docker_subnets(client) -> list[ipaddress.IPv4Network]:
    taken = []
    for network in client.networks.list():
        for config in (network.attrs.get("IPAM") or {}).get("Config") or []:
            subnet = config.get("Subnet")
            if subnet and ":" not in subnet:
                taken.append(ipaddress.ip_network(subnet, strict=False))
    return taken


def host_routes(route_table: Path = Path("/proc/net/route")) -> list[ipaddress.IPv4Network]:
    """Destinations of the host's IPv4 routes, except the default route (it covers everything)."""
    routes = []
    try:
        lines = route_table.read_text().splitlines()[1:]
    except OSError:
        return routes
    for line in lines:
        fields = line.split()
        destination, mask = (_hex_address(fields[1]), _hex_address(fields[7]))
        if mask != "0.0.0.0":
            routes.append(ipaddress.ip_network(f"{destination}/{mask}", strict=False))
    return routes


def _hex_address(value: str) -> str:
    """/proc/net/route stores addresses as little-endian hex."""
    return socket.inet_ntoa(struct.pack("<L", int(value, 16)))


def free_subnets(taken: list[ipaddress.IPv4Network], pool=POOL, rng=random) -> list:
    """The pool's /24s that overlap nothing taken, starting at a random one (parallel runs)."""
    candidates = [subnet for subnet in pool.subnets(new_prefix=SUBNET_PREFIX)
                  if not any(subnet.overlaps(other) for other in taken)]
    if not candidates:
        raise NoFreeSubnet(str(pool))
    start = rng.randrange(len(candidates))
    return candidates[start:] + candidates[:start]


def create_run_network(client, name: str, labels: dict[str, str], attempts: int = 8) -> RunNetwork:
    """Create the bridge; if a parallel run grabbed the same subnet meanwhile, take another."""
    taken = docker_subnets(client) + host_routes()
    last_error: Exception | None = None
    for subnet in free_subnets(taken)[:attempts]:
        gateway = str(subnet.network_address + 1)
        ipam = docker.types.IPAMConfig(pool_configs=[
            docker.types.IPAMPool(subnet=str(subnet), gateway=gateway)])
        try:
            network = client.networks.create(name, driver="bridge", ipam=ipam, labels=labels,
                                              check_duplicate=True)
        except docker.errors.APIError as error:  # "Pool overlaps with other one"
            last_error = error
            continue
        return RunNetwork(name, subnet, network.id)
    raise NoFreeSubnet(f"{POOL} (last engine answer: {last_error})")
