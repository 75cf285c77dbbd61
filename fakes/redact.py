"""Redaction of secrets before anything is recorded (the request journal, logs).

One place decides what is secret: token headers, temp URL keys and signatures, passwords and
other credential-looking JSON fields, wherever they appear (headers, query strings, bodies, and
URLs embedded in bodies, e.g. the temp URLs inside deployment metadata).
"""
from __future__ import annotations

import json
import re

REDACTED = "***"
SECRET_HEADERS = {"x-auth-token", "x-subject-token", "x-storage-token", "authorization",
                  "x-service-token", "cookie", "set-cookie"}
SECRET_HEADER_PARTS = ("temp-url-key", "password", "secret")
SECRET_QUERY_PARAMS = ("temp_url_sig", "signature", "password", "token")
SECRET_KEY_PATTERN = re.compile(r"pass(word)?|secret|token_id|signature|credential|temp.url.key"
                                r"|^token$|^key$", re.IGNORECASE)
# key=value pairs inside any text (query strings, URLs embedded in JSON or plain bodies)
_INLINE = re.compile(r"(?i)\b(temp_url_sig|signature|password|x-auth-token|x-subject-token)"
                     r"(=|%3D|\"\s*:\s*\"|:\s*)([^&\s\"',}]+)")


def redact_header(name: str, value: str) -> str:
    lower = name.lower()
    if lower in SECRET_HEADERS or any(part in lower for part in SECRET_HEADER_PARTS):
        return REDACTED
    return redact_text(value)


def redact_headers(headers) -> dict:
    """A plain dict of the headers with every secret value replaced by `***`."""
    items = headers.items() if hasattr(headers, "items") else headers
    return {name: redact_header(name, value) for name, value in items}


def redact_text(text: str) -> str:
    """Secrets written as key=value (or "key": "value") anywhere in a string."""
    return _INLINE.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


def redact_query(query: str) -> str:
    return redact_text(query)


def redact_json(value, parent_key: str = ""):
    """A copy of a JSON value with secret fields (by key) and inline secrets replaced."""
    if isinstance(value, dict):
        return {k: _redact_field(k, v, parent_key) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v, parent_key) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def _redact_field(key: str, value, parent_key: str):
    secret_key = SECRET_KEY_PATTERN.search(key) or (parent_key == "token" and key == "id")
    if secret_key and not isinstance(value, (dict, list)):
        return REDACTED if value not in (None, "") else value
    return redact_json(value, key)


def redact_body(body: bytes, content_type: str | None, limit: int = 4096) -> tuple[str, bool]:
    """(redacted text, truncated?) of a body: JSON by field, anything else as text.

    Redaction happens before truncation so that a cut never exposes half a secret.
    """
    if not body:
        return "", False
    text = body.decode("utf-8", errors="replace")
    if "json" in (content_type or "") or text[:1] in "{[":
        try:
            text = json.dumps(redact_json(json.loads(text)))
        except ValueError:
            text = redact_text(text)
    else:
        text = redact_text(text)
    if len(text) > limit:
        return text[:limit], True
    return text, False
