"""Temp URL signatures: protocol.md 4.1 test vectors, forgeries, expiry, methods, properties."""
import pytest
from hypothesis import given, strategies as st

from fakes.swift import tempurl
from fakes.swift.errors import TempUrlInvalid

KEY = "mykey"
EXPIRES = 2147483586
PATH = ("/v1/AUTH_abc/ov-ntroller-5wkislg4kiv5-deployed-server-yc4lx2d43dmb/"
        "244744c2-4af1-4626-92c6-94b2f78e3791")
VECTORS = [
    ("GET", "f2da3d99c9d6efee700ffbfff63a34e144e1223f"),
    ("GET", "1f83cf549896543c5e86ac85e764ea8b85301b7a68aec5f99eaa2a91d510f992"),
    ("PUT", "a64147b315f69a063a82acc0011377e08a434be1"),
    ("PUT", "721f3b021093bdad5949872108d175aa8e9ee5affe4a3158ea4926c32a06c1b5"),
    ("GET", "sha512:QjfL3JncvetNBeEN61oqsskKlofMKxZ_dfeFUEGbBlIxBMiWW2xKIJV4aBm5XbArTOcbsq_ja4aRWj4JRXaylA"),
]
NOW = 1_700_000_000.0


@pytest.mark.parametrize("method,sig", VECTORS)
def test_protocol_vectors_are_accepted(method, sig):
    assert tempurl.validate([KEY], method, PATH, sig, str(EXPIRES), NOW) == method


@pytest.mark.parametrize("method,sig", VECTORS)
def test_head_is_accepted_with_get_and_put_signatures(method, sig):
    assert tempurl.validate([KEY], "HEAD", PATH, sig, str(EXPIRES), NOW) == method


def test_sign_reproduces_the_vectors():
    assert tempurl.sign(KEY, "GET", EXPIRES, PATH) == VECTORS[0][1]
    assert tempurl.sign(KEY, "PUT", EXPIRES, PATH, "sha256") == VECTORS[3][1]
    assert tempurl.sign(KEY, "GET", EXPIRES, PATH, "sha512", "base64") == VECTORS[4][1]


def test_standard_base64_with_padding_is_accepted():
    import base64
    mac = tempurl.compute(KEY, "GET", EXPIRES, PATH, "sha256")
    sig = "sha256:" + base64.b64encode(mac).decode()
    assert tempurl.validate([KEY], "GET", PATH, sig, str(EXPIRES), NOW) == "GET"


def test_iso_expiry_is_accepted():
    sig = tempurl.sign(KEY, "GET", EXPIRES, PATH)
    assert tempurl.validate([KEY], "GET", PATH, sig, "2038-01-19T03:13:06Z", NOW) == "GET"


@pytest.mark.parametrize("method,path,expires,keys,why", [
    ("PUT", PATH, EXPIRES, [KEY], "GET signature used for PUT"),
    ("GET", PATH + "x", EXPIRES, [KEY], "other object"),
    ("GET", PATH, EXPIRES, ["otherkey"], "other key"),
    ("GET", PATH, EXPIRES, [], "no key set"),
    ("DELETE", PATH, EXPIRES, [KEY], "wrong method"),
])
def test_mismatches_are_refused(method, path, expires, keys, why):
    with pytest.raises(TempUrlInvalid):
        tempurl.validate(keys, method, path, VECTORS[0][1], str(expires), NOW)


def test_expired_url_is_refused():
    sig = tempurl.sign(KEY, "GET", 1000, PATH)
    with pytest.raises(TempUrlInvalid, match="expired"):
        tempurl.validate([KEY], "GET", PATH, sig, "1000", NOW)


@pytest.mark.parametrize("sig", ["", "abc", "zz" * 20, "md5:AAAA", "sha1:!!!!", "sha256:AAAA"])
def test_malformed_signatures_are_refused(sig):
    with pytest.raises(TempUrlInvalid):
        tempurl.validate([KEY], "GET", PATH, sig, str(EXPIRES), NOW)


def test_unparsable_expiry_is_refused():
    with pytest.raises(TempUrlInvalid, match="not a time"):
        tempurl.validate([KEY], "GET", PATH, VECTORS[0][1], "tomorrow", NOW)


def test_object_path_eligibility():
    assert tempurl.is_object_path("/v1/a/c/o/with/slashes")
    assert not tempurl.is_object_path("/v1/a/c/")
    assert not tempurl.is_object_path("/v1/a/c")


@given(key=st.text(min_size=1, max_size=40), obj=st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s),
       method=st.sampled_from(["GET", "PUT", "POST", "DELETE"]),
       digest=st.sampled_from(["sha1", "sha256", "sha512"]), form=st.sampled_from(["hex", "base64"]))
def test_signed_urls_validate_and_tampering_fails(key, obj, method, digest, form):
    path = f"/v1/AUTH_p/c/{obj}"
    sig = tempurl.sign(key, method, EXPIRES, path, digest, form)
    assert tempurl.validate([key], method, path, sig, str(EXPIRES), NOW) == method
    with pytest.raises(TempUrlInvalid):
        tempurl.validate([key], method, path + "x", sig, str(EXPIRES), NOW)
    with pytest.raises(TempUrlInvalid):
        tempurl.validate([key], method, path, sig, str(EXPIRES - 1), NOW)
