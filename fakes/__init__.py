"""Fake undercloud services (Keystone, Heat, Swift), faithful on the wire."""
