"""Deciding whether what curl got on a host is what the guide expects (pure, unit-tested).

Each function returns None when the answer is right, else a sentence saying what was found.
"""
from __future__ import annotations

import json

from harness.conformance.remote import HttpAnswer

SWIFT_NOT_FOUND = "<html><h1>Not Found</h1><p>The resource could not be found.</p></html>"


def _transport_problem(answer: HttpAnswer, service: str) -> str | None:
    if not answer.error:
        return None
    hint = ""
    if answer.url.startswith("https") and "wrong version number" in answer.error:
        hint = " (the service speaks plain http: use --undercloud-scheme http)"
    elif "SSL" in answer.error or "certificate" in answer.error:
        hint = " (TLS: give the undercloud's CA as it is installed on the host with --ca-file)"
    return f"{service} did not answer: {answer.describe()}{hint}"


def _json(answer: HttpAnswer):
    try:
        return json.loads(answer.body)
    except ValueError:
        return None


def heat_versions_problem(answer: HttpAnswer) -> str | None:
    """Heat answers `/` with its versions document (HTTP 300) listing a CURRENT v1.0."""
    problem = _transport_problem(answer, "Heat")
    if problem:
        return problem
    document = _json(answer)
    versions = document.get("versions") if isinstance(document, dict) else None
    if not isinstance(versions, list):
        return f"not Heat's versions document: {answer.describe()}"
    current = [v for v in versions if isinstance(v, dict) and v.get("id") == "v1.0" and v.get("status") == "CURRENT"]
    if not current:
        listed = ", ".join(f"{v.get('id')} {v.get('status')}" for v in versions if isinstance(v, dict))
        return f"Heat's versions document has no CURRENT v1.0 (it lists: {listed or 'nothing'})"
    return None


def swift_root_problem(answer: HttpAnswer) -> str | None:
    """Swift answers `/` with 404 and its Not Found page: proof the proxy is there."""
    problem = _transport_problem(answer, "Swift")
    if problem:
        return problem
    if answer.status != 404 or answer.body.strip() != SWIFT_NOT_FOUND:
        return f"expected Swift's 404 page {SWIFT_NOT_FOUND!r}: {answer.describe()}"
    return None


def keystone_versions_problem(answer: HttpAnswer) -> str | None:
    """Keystone answers `/` with its versions document (`{"versions": {"values": [...]}}`) with v3."""
    problem = _transport_problem(answer, "Keystone")
    if problem:
        return problem
    document = _json(answer)
    versions = document.get("versions") if isinstance(document, dict) else None
    if isinstance(versions, dict):
        versions = versions.get("values")
    if not isinstance(versions, list):
        return f"not Keystone's versions document: {answer.describe()}"
    ids = [str(v.get("id", "")) for v in versions if isinstance(v, dict)]
    if not any(identifier.startswith("v3") for identifier in ids):
        return f"Keystone offers no v3 API (versions: {', '.join(ids) or 'none'})"
    return None


def metadata_problem(answer: HttpAnswer) -> str | None:
    """The metadata URL serves a JSON object with an `os-collect-config` section."""
    problem = _transport_problem(answer, "the metadata URL")
    if problem:
        return problem
    if answer.status is None or not 200 <= answer.status < 300:
        reason = " (a Swift temp URL answers 401 when its signature or expiry is wrong)" if answer.status == 401 else ""
        return f"{answer.describe()}{reason}"
    document = _json(answer)
    if not isinstance(document, dict):
        return f"the metadata URL did not serve a JSON object: {answer.describe()}"
    if not isinstance(document.get("os-collect-config"), dict):
        return f"the metadata has no os-collect-config section (keys: {', '.join(sorted(document)) or 'none'})"
    return None
