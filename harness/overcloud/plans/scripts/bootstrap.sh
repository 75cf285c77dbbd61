#!/bin/bash
# Bootstrap: the node's identity as the overcloud knows it, and the harness's directories.
mkdir -p "$HARNESS_DIR/steps" "$HARNESS_DIR/network" "$HARNESS_DIR/validation"
harness_record "$HARNESS_DIR/bootstrap.json"
echo "bootstrapped $HARNESS_HOSTNAME ($HARNESS_ROLE $HARNESS_INDEX)"
