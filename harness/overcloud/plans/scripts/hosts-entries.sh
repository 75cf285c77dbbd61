#!/bin/bash
# Hosts entries: one line per node of every role (addresses from DeployedServerPortMap),
# written to a harness file and into /etc/hosts between markers, as THT's hosts-config does.
python3 - <<'PY'
import json, os
ports = json.loads(os.environ.get("port_map") or "{}")
nodes = []
for group in json.loads(os.environ.get("nodes") or "[]"):
    nodes.extend(group.values() if isinstance(group, dict) else group)
lines = []
for node in sorted(nodes, key=lambda n: n["hostname"]):
    try:
        ip = ports[node["hostname"] + "-ctlplane"]["fixed_ips"][0]["ip_address"]
    except (KeyError, IndexError, TypeError):
        continue  # no address given for this node: nothing to resolve it to
    lines.append(f"{ip} {node['hostname']}")
block = ["# HEAT_HOSTS_START - Do not edit manually within this section!"] + lines + \
        ["# HEAT_HOSTS_END"]
harness = os.environ["HARNESS_DIR"]
with open(os.path.join(harness, "hosts"), "w") as out:
    out.write("\n".join(lines) + "\n")
hosts_file = os.environ["HARNESS_HOSTS_FILE"]
with open(hosts_file) as current:
    kept, inside = [], False
    for line in current.read().splitlines():
        if line.startswith("# HEAT_HOSTS_START"):
            inside = True
        elif line.startswith("# HEAT_HOSTS_END"):
            inside = False
        elif not inside:
            kept.append(line)
# Rewrite in place (no rename): in a container /etc/hosts is a bind mount.
with open(hosts_file, "w") as hosts:
    hosts.write("\n".join(kept + block) + "\n")
print(f"{len(lines)} hosts entries written")
PY
