"""Deciding whether what curl got on a host is what the guide shows."""
from __future__ import annotations

import json

from harness.conformance import probes
from harness.conformance.remote import HttpAnswer, parse_curl_output

MARK = "\n__conformance_http_status__="
HEAT_DOC = '{"versions": [{"status": "CURRENT", "id": "v1.0", "links": [{"href": "http://192.0.2.1:8000/v1/", "rel": "self"}]}]}'
KEYSTONE_DOC = json.dumps({"versions": {"values": [{"id": "v3.14", "status": "stable", "links": []}]}})


def answer(status, body, url="http://192.0.2.1:8000"):
    return HttpAnswer(url, status, body, None)


def test_curl_output_is_split_into_body_and_status():
    parsed = parse_curl_output("u", 0, HEAT_DOC + MARK + "300", "")
    assert parsed.status == 300 and parsed.body == HEAT_DOC and parsed.error is None


def test_curl_transport_error_keeps_curls_words():
    parsed = parse_curl_output("u", 7, "", "curl: (7) Failed to connect to 192.0.2.1 port 8000: Connection refused")
    assert parsed.status is None and "Connection refused" in parsed.error
    assert "Connection refused" in parsed.describe()


def test_the_guides_heat_answer_passes():
    assert probes.heat_versions_problem(answer(300, HEAT_DOC)) is None


def test_heat_without_current_v1_is_described():
    doc = json.dumps({"versions": [{"id": "v1.0", "status": "DEPRECATED"}]})
    assert "no CURRENT v1.0 (it lists: v1.0 DEPRECATED)" in probes.heat_versions_problem(answer(300, doc))


def test_something_else_on_8000_is_described():
    problem = probes.heat_versions_problem(answer(200, "<html>hello</html>"))
    assert problem.startswith("not Heat's versions document") and "hello" in problem


def test_unreachable_heat_says_what_curl_said():
    problem = probes.heat_versions_problem(HttpAnswer("http://x:8000", None, "", "curl: (28) Connection timed out"))
    assert problem == "Heat did not answer: curl http://x:8000 failed: curl: (28) Connection timed out"


def test_the_guides_swift_page_passes():
    assert probes.swift_root_problem(answer(404, probes.SWIFT_NOT_FOUND + "\n")) is None


def test_a_different_404_is_not_swift():
    assert "expected Swift's 404 page" in probes.swift_root_problem(answer(404, "Not Found"))
    assert "HTTP 200" in probes.swift_root_problem(answer(200, probes.SWIFT_NOT_FOUND))


def test_keystone_versions_document():
    assert probes.keystone_versions_problem(answer(300, KEYSTONE_DOC)) is None
    v2 = json.dumps({"versions": {"values": [{"id": "v2.0"}]}})
    assert "no v3 API (versions: v2.0)" in probes.keystone_versions_problem(answer(300, v2))


def test_tls_problems_point_at_the_ca_file():
    failed = HttpAnswer("https://x:5000", None, "", "curl: (60) SSL certificate problem: self-signed certificate")
    assert "--ca-file" in probes.keystone_versions_problem(failed)
    plain = HttpAnswer("https://x:5000", None, "", "curl: (35) error:0A00010B:SSL routines::wrong version number")
    assert "--undercloud-scheme http" in probes.keystone_versions_problem(plain)


def test_metadata_document():
    good = json.dumps({"deployments": [], "os-collect-config": {"collectors": ["request", "local"]}})
    assert probes.metadata_problem(answer(200, good)) is None
    assert "no os-collect-config section (keys: deployments)" in probes.metadata_problem(
        answer(200, json.dumps({"deployments": []})))
    assert "signature or expiry" in probes.metadata_problem(answer(401, "401 Unauthorized: Temp URL invalid\n"))
    assert "not serve a JSON object" in probes.metadata_problem(answer(200, "[]"))


def test_connection_errors_show_the_transports_words():
    from testinfra.backend.base import CommandResult

    from harness.conformance.test_connectivity import connection_error_text

    result = CommandResult(None, 255, b"ssh", "", "ssh: connect to host 192.0.2.10 port 22: No route to host\n")
    assert connection_error_text(RuntimeError(result)) == \
        "ssh: connect to host 192.0.2.10 port 22: No route to host (exit status 255)"
    assert connection_error_text(OSError("docker: not found")) == "OSError: docker: not found"
