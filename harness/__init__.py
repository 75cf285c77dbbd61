"""The deployed-server harness: scenarios, pseudo-nodes and conformance checks."""
