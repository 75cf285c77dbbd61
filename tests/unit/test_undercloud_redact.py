"""Redaction: no token, password, temp URL key or signature survives in what is recorded."""
import json

from fakes.redact import REDACTED, redact_body, redact_headers, redact_json, redact_query

SIG = "f2da3d99c9d6efee700ffbfff63a34e144e1223f"


def test_token_and_key_headers_are_redacted():
    headers = redact_headers({"X-Auth-Token": "gAAAAsecret", "X-Subject-Token": "t2",
                              "X-Account-Meta-Temp-URL-Key": "k", "Accept": "application/json"})
    assert headers == {"X-Auth-Token": REDACTED, "X-Subject-Token": REDACTED,
                       "X-Account-Meta-Temp-URL-Key": REDACTED, "Accept": "application/json"}


def test_temp_url_signature_in_query_is_redacted():
    query = f"temp_url_sig={SIG}&temp_url_expires=2147483586"
    assert redact_query(query) == "temp_url_sig=***&temp_url_expires=2147483586"
    assert SIG not in redact_query(f"temp_url_sig=sha512%3A{SIG}")


def test_password_auth_body_is_redacted():
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "password": "hunter2"}}}}}
    text, cut = redact_body(json.dumps(body).encode(), "application/json")
    assert "hunter2" not in text and not cut
    assert json.loads(text)["auth"]["identity"]["password"]["user"] == {
        "name": "admin", "password": REDACTED}


def test_token_method_id_is_redacted_but_token_bodies_are_kept():
    redacted = redact_json({"identity": {"token": {"id": "secret-token"}}})
    assert redacted == {"identity": {"token": {"id": REDACTED}}}
    shown = redact_json({"token": {"user": {"id": "u1"}, "expires_at": "x"}})
    assert shown == {"token": {"user": {"id": "u1"}, "expires_at": "x"}}


def test_urls_inside_json_bodies_are_redacted():
    metadata = {"deployments": [{"inputs": [{"name": "deploy_signal_id", "value":
                f"http://h:8080/v1/AUTH_p/c/o?temp_url_sig={SIG}&temp_url_expires=2147483586"}]}],
                "os-collect-config": {"heat": {"password": "pw", "user_id": "u"}}}
    text, _ = redact_body(json.dumps(metadata).encode(), "application/json")
    assert SIG not in text and '"pw"' not in text and "temp_url_expires=2147483586" in text


def test_plain_text_and_truncation():
    text, cut = redact_body(f"password=abc&x=1 {'y' * 5000}".encode(), "text/plain", limit=100)
    assert text.startswith("password=***&x=1") and cut and len(text) == 100


def test_empty_body():
    assert redact_body(b"", None) == ("", False)
