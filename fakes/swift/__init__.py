"""Fake Swift: accounts, containers, objects and temp URLs, as the agents and Heat use them."""
