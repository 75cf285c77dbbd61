# --- tripleo-harness wave library (prepended to every script wave) ---------------------------
# The heat-config script hook gives every input as an environment variable (Json inputs as JSON
# text). This part works out who this node is, records the wave's inputs in a marker file, and
# fails on purpose when the wave's fail_on names this node.
set -eu
# Both can be moved for tests; on nodes they are the defaults.
HARNESS_DIR=${HARNESS_DIR:-/var/lib/tripleo-harness}
HARNESS_HOSTS_FILE=${HARNESS_HOSTS_FILE:-/etc/hosts}
export HARNESS_DIR HARNESS_HOSTS_FILE
mkdir -p "$HARNESS_DIR/waves"
eval "$(python3 - <<'HARNESS_PY'
import json, os, shlex

def load(name, default):
    raw = os.environ.get(name, "")
    try:
        return json.loads(raw) if raw else default
    except ValueError:
        return default

nodes = []
for group in load("nodes", []):  # one {index: node} map per role
    nodes.extend(group.values() if isinstance(group, dict) else group)
me = next((n for n in nodes if n.get("server_id") == os.environ.get("deploy_server_id")), {})
ports = load("port_map", {})

def address(hostname):
    try:
        return ports[hostname + "-ctlplane"]["fixed_ips"][0]["ip_address"]
    except (KeyError, IndexError, TypeError):
        return ""

hostname = os.environ.get("hostname") or me.get("hostname", "")
values = {
    "HARNESS_HOSTNAME": hostname,
    "HARNESS_ROLE": os.environ.get("role") or me.get("role", ""),
    "HARNESS_INDEX": os.environ.get("node_index") or str(me.get("index", "")),
    "HARNESS_ADDRESS": address(hostname),
}
for key, value in values.items():
    print(f"{key}={shlex.quote(str(value))}")
HARNESS_PY
)"

# harness_record FILE: write the wave's identity and inputs as JSON to FILE.
harness_record() {
    python3 - "$1" <<'HARNESS_PY'
import json, os, sys
names = os.environ.get("HARNESS_INPUT_NAMES", "").split()
record = {
    "wave": os.environ.get("wave", ""),
    "hostname": os.environ.get("HARNESS_HOSTNAME", ""),
    "role": os.environ.get("HARNESS_ROLE", ""),
    "index": os.environ.get("HARNESS_INDEX", ""),
    "address": os.environ.get("HARNESS_ADDRESS", ""),
    "deploy_action": os.environ.get("deploy_action", ""),
    "deploy_server_id": os.environ.get("deploy_server_id", ""),
    "inputs": {name: os.environ.get(name) for name in names},
}
with open(sys.argv[1], "w") as out:
    json.dump(record, out, indent=1, sort_keys=True)
HARNESS_PY
}
export HARNESS_HOSTNAME HARNESS_ROLE HARNESS_INDEX HARNESS_ADDRESS

if [ -n "${fail_on:-}" ] && { [ "$fail_on" = "$HARNESS_HOSTNAME" ] || \
        [ "$fail_on" = "$HARNESS_ROLE-$HARNESS_INDEX" ]; }; then
    echo "tripleo-harness: wave ${wave:-?} fails on purpose on $HARNESS_HOSTNAME" \
         "(fail_on=$fail_on)" >&2
    exit 1
fi
harness_record "$HARNESS_DIR/waves/${wave}.json"
# --- end of the wave library ------------------------------------------------------------------
