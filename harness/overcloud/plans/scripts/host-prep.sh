#!/bin/bash
# Host prep: the directories later steps write into.
for dir in logs config-data puppet-generated; do
    mkdir -p "$HARNESS_DIR/host-prep/$dir"
done
harness_record "$HARNESS_DIR/host-prep/done.json"
echo "host prepared: $HARNESS_HOSTNAME"
