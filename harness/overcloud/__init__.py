"""The overcloud side of the harness: TripleO-shaped templates for already deployed servers.

roles.py loads the roles data, plans.py the deployment plan (waves of software deployments),
environment.py the `-e` environment files, render.py builds the Heat template set, client.py
talks to the undercloud, player.py plays the node agents' part for tests and benchmarks, and
cli.py holds `harness deploy` / `harness scale`.
"""
