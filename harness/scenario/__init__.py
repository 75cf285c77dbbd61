"""Scenario files: schema, loading with clear errors, and the step model."""
from harness.scenario.loader import ScenarioError, load_scenario

__all__ = ["ScenarioError", "load_scenario"]
