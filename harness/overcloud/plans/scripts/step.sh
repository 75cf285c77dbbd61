#!/bin/bash
# Deployment step N: a step runs only after step N-1 finished on this node (and, through Heat,
# on every node of every role). The marker keeps the step's inputs.
if [ "$step" -gt 1 ] && [ ! -e "$HARNESS_DIR/steps/step$((step - 1)).json" ]; then
    echo "step $step started before step $((step - 1)) finished on $HARNESS_HOSTNAME" >&2
    exit 1
fi
mkdir -p "$HARNESS_DIR/steps"
harness_record "$HARNESS_DIR/steps/step$step.json"
echo "step $step done on $HARNESS_HOSTNAME"
