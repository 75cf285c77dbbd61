"""Redaction of secrets before anything is recorded (the request journal, logs).

One place decides what is secret: token headers, temp URL keys and signatures, passwords and
other credential-looking fields, wherever they appear (headers, query strings, JSON or text
bodies, and URLs embedded in bodies, e.g. the temp URLs inside deployment metadata).

It works on text with regular expressions, not by parsing JSON: the journal redacts every
request on the hot path of the metadata poll, and a parse + walk + dump of each body costs
more than the request itself (bench/RESULTS.md).
"""
from __future__ import annotations

import re
from functools import lru_cache

REDACTED = "***"
SECRET_HEADERS = frozenset({"x-auth-token", "x-subject-token", "x-storage-token",
                            "authorization", "x-service-token", "cookie", "set-cookie"})
SECRET_HEADER_PARTS = ("temp-url-key", "password", "secret")
_SECRET_WORDS = r"pass|secret|token_id|signature|credential|temp[-_]url[-_]key|auth_key|private"
# Cheap first looks (lower-case substrings) before any regular expression runs.
_FIELD_TRIGGERS = ("pass", "secret", "token", "signature", "credential", "temp-url-key",
                   "temp_url_key", "auth_key", "private", '"key"')
_HEADER_TRIGGERS = ("token", "temp-url-key", "password", "secret", "authorization", "cookie",
                    "temp_url_sig", "signature")
# Any JSON string field "key": "value"; the callback keeps it unless the key names a secret
# (a word above, or exactly "key"/"adminPass"). The closing quote is optional so that a value
# cut by truncation is still caught. Linear: no nested quantifiers.
_JSON_FIELD = re.compile(r'("([^"\\]{0,128})"\s*:\s*")((?:[^"\\]|\\.)*)')
_SECRET_KEY = re.compile(r"(?i)" + _SECRET_WORDS + r"|^key$|^adminpass$")
# {"token": {"id": "..."}} (keystone's token method)
_TOKEN_ID = re.compile(r'("token"\s*:\s*\{\s*"id"\s*:\s*")((?:[^"\\]|\\.)*)', re.IGNORECASE)
# key=value pairs in query strings and URLs (also percent-encoded `=`), found with str.find:
# a regular expression over every body costs more than the whole request (bench/RESULTS.md).
_PARAM_KEYS = {name: tuple(spelling + eq for spelling in {name, name.capitalize()}
                           for eq in ("=", "%3D", "%3d"))
               for name in ("temp_url_sig", "signature", "password")}
_VALUE_END = re.compile(r"[&\s\"'\\,}]")


def _redact_params(text: str, lower: str) -> str:
    keys = [key for name, keys in _PARAM_KEYS.items() if name in lower for key in keys]
    for key in keys:
        found = text.find(key)
        if found < 0:
            continue
        pieces, position = [], 0
        while found >= 0:
            value_start = found + len(key)
            end = _VALUE_END.search(text, value_start)
            value_end = end.start() if end else len(text)
            pieces += [text[position:value_start], REDACTED]
            position = value_end
            found = text.find(key, value_end)
        pieces.append(text[position:])
        text = "".join(pieces)
    return text


def _keep_key(match: re.Match) -> str:
    return match.group(1) + (REDACTED if match.group(2) else "")


def _redact_field(match: re.Match) -> str:
    if match.group(3) and _SECRET_KEY.search(match.group(2)):
        return match.group(1) + REDACTED
    return match.group(0)


def redact_text(text: str) -> str:
    """Secrets written as key=value or as JSON string fields anywhere in a string."""
    lower = text.lower()
    if "=" in text or "%3d" in lower:
        text = _redact_params(text, lower)
    if '"' in text and any(t in lower for t in _FIELD_TRIGGERS):
        text = _JSON_FIELD.sub(_redact_field, text)
        if '"token"' in lower:
            text = _TOKEN_ID.sub(_keep_key, text)
    return text


@lru_cache(maxsize=4096)
def redact_query(query: str) -> str:
    """Cached: a polling node sends the very same query string every time."""
    return redact_text(query)


def is_secret_header(name: str) -> bool:
    lower = name.lower()
    return lower in SECRET_HEADERS or any(part in lower for part in SECRET_HEADER_PARTS)


def redact_headers(headers) -> dict:
    """A plain dict of the headers with every secret value replaced by `***`."""
    items = list(headers.items() if hasattr(headers, "items") else headers)
    joined = "\n".join(f"{name}: {value}" for name, value in items).lower()
    if not any(trigger in joined for trigger in _HEADER_TRIGGERS):
        return dict(items)  # most requests: nothing secret, one scan
    return {name: REDACTED if is_secret_header(name) else redact_text(value)
            for name, value in items}


def redact_body(body: bytes, content_type: str | None = None,
                limit: int = 4096) -> tuple[str, bool]:
    """(redacted text, truncated?) of at most `limit` characters of a body.

    The body is cut first (bounded cost) and then redacted; the patterns match values cut short.
    Results are cached by body: a poll storm reads the very same metadata object again and
    again, and a bytes object caches its hash, so a repeat costs a dictionary lookup.
    """
    if not body:
        return "", False
    if len(body) > CACHED_BODY_LIMIT:
        return _redact_body(body, limit)
    return _redact_body_cached(body, limit)


CACHED_BODY_LIMIT = 1 << 20


def _redact_body(body: bytes, limit: int) -> tuple[str, bool]:
    truncated = len(body) > limit
    text = body[:limit].decode("utf-8", errors="replace")
    return redact_text(text), truncated


_redact_body_cached = lru_cache(maxsize=256)(_redact_body)
