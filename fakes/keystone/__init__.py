"""Fake Keystone v3: password tokens with a service catalog, enough for keystoneauth clients."""
