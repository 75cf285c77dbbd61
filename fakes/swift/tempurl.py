"""Swift temp URL signatures (protocol.md 4.1), usable without the model.

The HMAC body is `"<METHOD>\\n<expires>\\n<path>"`. A signature is plain hex (the digest is
inferred from its length: 40/64/128 -> sha1/sha256/sha512) or `<digest>:<base64>` (standard or
URL-safe alphabet, padding optional). HEAD is accepted with a signature made for HEAD, GET, PUT
or POST, as in Swift's tempurl middleware.
"""
from __future__ import annotations

import base64
import binascii
import calendar
import hashlib
import hmac
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from fakes.swift.errors import TempUrlInvalid

DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}
HEX_LENGTHS = {40: "sha1", 64: "sha256", 128: "sha512"}
ALLOWED_DIGESTS = ("sha1", "sha256", "sha512")  # Swift's default allowed_digests
METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE")
HEAD_ACCEPTS = ("GET", "HEAD", "PUT", "POST")  # GET first: the agents' metadata URLs
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
DEFAULT_EXPIRES = 2147483586  # what Heat signs with; it must not be treated as an overflow


@dataclass(frozen=True)
class Signature:
    digest: str
    mac: bytes


def hmac_body(method: str, expires: int, path: str) -> bytes:
    return f"{method}\n{expires}\n{path}".encode()


def compute(key: str | bytes, method: str, expires: int, path: str, digest: str = "sha1") -> bytes:
    key_bytes = key.encode() if isinstance(key, str) else key
    return hmac.new(key_bytes, hmac_body(method, expires, path), DIGESTS[digest]).digest()


def sign(key: str | bytes, method: str, expires: int, path: str, digest: str = "sha1",
         form: str = "hex") -> str:
    """A `temp_url_sig` value: hex, or `<digest>:<base64url without padding>` like swiftclient."""
    mac = compute(key, method, expires, path, digest)
    if form == "hex":
        return mac.hex()
    if form == "base64":
        return f"{digest}:" + base64.urlsafe_b64encode(mac).decode().rstrip("=")
    raise ValueError(f"unknown signature form {form!r}: use 'hex' or 'base64'")


def temp_url_query(sig: str, expires: int) -> str:
    return f"temp_url_sig={quote(sig, safe='')}&temp_url_expires={expires}"


def parse_signature(sig: str, allowed=ALLOWED_DIGESTS) -> Signature:
    """Decode a `temp_url_sig`; raise TempUrlInvalid when it is not a usable signature."""
    if not sig:
        raise TempUrlInvalid("temp_url_sig is empty")
    if ":" in sig:
        digest, _, encoded = sig.partition(":")
        if digest not in DIGESTS:
            raise TempUrlInvalid(f"unknown digest {digest!r}")
        mac = _b64decode(encoded)
        if len(mac) != DIGESTS[digest]().digest_size:
            raise TempUrlInvalid(f"{digest} signature has the wrong length")
    else:
        digest = HEX_LENGTHS.get(len(sig))
        if digest is None:
            raise TempUrlInvalid("hex signature length is not 40, 64 or 128")
        try:
            mac = bytes.fromhex(sig)
        except ValueError:
            raise TempUrlInvalid("signature is not hex") from None
    if digest not in allowed:
        raise TempUrlInvalid(f"digest {digest} is not allowed")
    return Signature(digest, mac)


def _b64decode(encoded: str) -> bytes:
    padded = encoded + "=" * (-len(encoded) % 4)
    try:
        if "-" in padded or "_" in padded:
            return base64.urlsafe_b64decode(padded.encode())
        return base64.b64decode(padded.encode(), validate=True)
    except (binascii.Error, ValueError):
        raise TempUrlInvalid("signature is not valid base64") from None


def parse_expires(value: str, now: float) -> int:
    """`temp_url_expires` as epoch seconds: an integer or `YYYY-MM-DDTHH:MM:SSZ`; past -> invalid."""
    try:
        expires = int(value)
    except (TypeError, ValueError):
        try:
            expires = calendar.timegm(time.strptime(value, ISO_FORMAT))
        except (TypeError, ValueError):
            raise TempUrlInvalid(f"temp_url_expires {value!r} is not a time") from None
    if expires < now:
        raise TempUrlInvalid("temp URL has expired")
    return expires


def validate(keys, method: str, path: str, sig: str, expires_value: str, now: float,
             allowed=ALLOWED_DIGESTS) -> str:
    """Check a temp URL request; return the method the signature was made for.

    `keys` are the account's (and container's) temp URL keys; `path` is `/v1/a/c/o`.
    Raises TempUrlInvalid when nothing matches.
    """
    if method not in METHODS:
        raise TempUrlInvalid(f"method {method} is not allowed with temp URLs")
    expires = parse_expires(expires_value, now)
    signature = parse_signature(sig, allowed)
    keys = [k for k in keys if k]
    if not keys:
        raise TempUrlInvalid("no temp URL key is set")
    candidates = HEAD_ACCEPTS if method == "HEAD" else (method,)
    for signed_method in candidates:
        for key in keys:
            if _signature_matches(key, signed_method, expires, path, signature):
                return signed_method
    raise TempUrlInvalid("signature does not match")


@lru_cache(maxsize=4096)
def _signature_matches(key: str, method: str, expires: int, path: str, signature: Signature) -> bool:
    """Cached on every input: each node polls the very same URL again and again."""
    expected = compute(key, method, expires, path, signature.digest)
    return hmac.compare_digest(expected, signature.mac)


def is_object_path(path: str) -> bool:
    """Only `/v1/<account>/<container>/<object>` with a non-empty object is eligible."""
    parts = path.split("/", 4)
    return len(parts) == 5 and parts[0] == "" and parts[1] == "v1" and all(parts[2:5])
