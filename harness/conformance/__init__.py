"""Conformance suite: the operator's guide host requirements as testinfra checks.

One test module per section of the guide (connectivity, packages, agent configuration, after
deployment, decommissioned hosts). Every check is registered in `checks.py` with an id, a title,
the stages it belongs to, what it depends on and how to fix a failure. The suite runs through
`pytest -p harness.conformance.plugin --pyargs harness.conformance --hosts ...` (testinfra's own
options), `harness conformance` (cli.py) or `harness.conformance.api.run_checks` (scenarios).
Checks only read from hosts. lab.py prepares pseudo-nodes for the suite's Docker tests and bench.
"""
