#!/bin/bash
# Network: record the control plane address DeployedServerPortMap gives this node (THT's
# NetworkDeployment would run os-net-config here).
python3 - <<'PY' > "$HARNESS_DIR/network/ctlplane.json"
import json, os
print(json.dumps({"hostname": os.environ["HARNESS_HOSTNAME"],
                  "ip_address": os.environ["HARNESS_ADDRESS"]}, indent=1))
PY
echo "ctlplane address of $HARNESS_HOSTNAME: ${HARNESS_ADDRESS:-none given}"
