#!/bin/bash
# All-nodes validation: ping every other node's control plane address, log every result,
# fail when one does not answer (THT's all-nodes-validation does the same).
log="$HARNESS_DIR/validation/ping.log"
mkdir -p "$(dirname "$log")"
: > "$log"
if ! command -v ping >/dev/null; then
    echo "ping is not installed on $HARNESS_HOSTNAME; install iputils-ping on the node" >&2
    exit 1
fi
if [ ! -e "$HARNESS_DIR/hosts" ]; then
    echo "no $HARNESS_DIR/hosts: the validation needs a HostsEntry wave before it" >&2
    exit 1
fi
failed=0
while read -r ip host; do
    [ -z "$ip" ] && continue
    [ "$host" = "$HARNESS_HOSTNAME" ] && continue
    if ping -c 1 -W 2 "$ip" >/dev/null 2>&1; then
        echo "$host $ip ok" >> "$log"
    else
        echo "$host $ip unreachable" >> "$log"
        echo "$HARNESS_HOSTNAME cannot ping $host ($ip)" >&2
        failed=1
    fi
done < "$HARNESS_DIR/hosts"
cat "$log"
exit $failed
