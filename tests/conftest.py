"""The project's own tests. Options and markers come from the harness plugin (harness/plugin.py)."""
