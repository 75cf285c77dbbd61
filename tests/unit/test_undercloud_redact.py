"""Redaction: no token, password, temp URL key or signature survives in what is recorded."""
import json

from hypothesis import assume, given, strategies as st

from fakes.redact import REDACTED, redact_body, redact_headers, redact_query, redact_text

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


def redact_json(value):
    return json.loads(redact_text(json.dumps(value)))


def test_token_method_id_is_redacted_but_token_bodies_are_kept():
    redacted = redact_json({"identity": {"token": {"id": "secret-token"}}})
    assert redacted == {"identity": {"token": {"id": REDACTED}}}
    shown = redact_json({"token": {"user": {"id": "u1"}, "expires_at": "x"}})
    assert shown == {"token": {"user": {"id": "u1"}, "expires_at": "x"}}


def test_secret_fields_with_spaces_and_escapes_are_fully_redacted():
    text = redact_text(json.dumps({"admin_password": 'a b\"c d', "heat": {"Password": "x y"}}))
    assert json.loads(text) == {"admin_password": REDACTED, "heat": {"Password": REDACTED}}


def test_a_value_cut_by_truncation_is_still_redacted():
    body = json.dumps({"name": "n", "password": "abcdefghijkl"}).encode()
    text, cut = redact_body(body, "application/json", limit=body.index(b"ghij"))
    assert cut and "abc" not in text and text.endswith('"password": "***')


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


SECRETS = st.text(alphabet=st.characters(min_codepoint=48, max_codepoint=122,
                                         blacklist_characters="\\\"'&,}"), min_size=6, max_size=40)


@given(secret=SECRETS, prefix=st.text(max_size=30), suffix=st.text(max_size=30))
def test_signatures_and_passwords_never_survive(secret, prefix, suffix):
    secret = "Q9" + secret  # a value that cannot be part of the surrounding text
    assume(secret not in prefix + suffix)
    for template in ("http://h/v1/a/c/o?temp_url_sig={s}&temp_url_expires=1",
                     "/v1?Signature={s}", '{{"password": "{s}"}}', '{{"admin_password": "{s}"}}',
                     "temp_url_sig%3D{s}"):
        redacted = redact_text(prefix + " " + template.format(s=secret) + " " + suffix)
        assert secret not in redacted, template
