"""SwiftModel: containers, objects, Last-Modified modes, temp URLs, subscribers."""
import hashlib

import pytest

from fakes.clock import ManualClock
from fakes.swift import tempurl
from fakes.swift.errors import Conflict, NotFound
from fakes.swift.model import SwiftModel

ACCT = "AUTH_p1"


@pytest.fixture
def clock():
    return ManualClock(1_700_000_000.25)


@pytest.fixture
def swift(clock):
    s = SwiftModel(clock)
    s.put_container(ACCT, "c")
    return s


def test_put_and_get_object(swift):
    info = swift.put_object(ACCT, "c", "o.json", b'{"a": 1}')
    assert info.etag == hashlib.md5(b'{"a": 1}').hexdigest()
    assert info.length == 8 and info.content_type == "application/json"
    assert swift.get_object(ACCT, "c", "o.json") == (info, b'{"a": 1}')
    assert swift.head_object(ACCT, "c", "o.json") == info
    assert info.last_modified == 1_700_000_001  # ceil


def test_default_content_type(swift):
    assert swift.put_object(ACCT, "c", "noext", b"").content_type == "application/octet-stream"


def test_missing_container_and_object(swift):
    with pytest.raises(NotFound):
        swift.put_object(ACCT, "nope", "o", b"")
    with pytest.raises(NotFound):
        swift.get_object(ACCT, "c", "o")
    with pytest.raises(NotFound):
        swift.delete_object(ACCT, "c", "o")


def test_delete_container_refuses_when_not_empty(swift):
    swift.put_object(ACCT, "c", "o", b"x")
    with pytest.raises(Conflict):
        swift.delete_container(ACCT, "c")
    swift.delete_object(ACCT, "c", "o")
    swift.delete_container(ACCT, "c")
    with pytest.raises(NotFound):
        swift.list_container(ACCT, "c")


def test_listing_is_sorted_and_filtered(swift):
    for name in ["b", "a", "ab", "c"]:
        swift.put_object(ACCT, "c", name, b"")
    assert [i.name for i in swift.list_container(ACCT, "c")] == ["a", "ab", "b", "c"]
    assert [i.name for i in swift.list_container(ACCT, "c", prefix="a")] == ["a", "ab"]
    assert [i.name for i in swift.list_container(ACCT, "c", marker="ab", limit=1)] == ["b"]


def test_distinct_mode_never_repeats_last_modified(swift):
    first = swift.put_object(ACCT, "c", "o", b"1").last_modified
    second = swift.put_object(ACCT, "c", "o", b"2").last_modified
    swift.delete_object(ACCT, "c", "o")
    third = swift.put_object(ACCT, "c", "o", b"3").last_modified
    assert first < second < third


def test_swift_mode_rounds_up_and_repeats(clock):
    swift = SwiftModel(clock, last_modified="swift")
    swift.put_container(ACCT, "c")
    first = swift.put_object(ACCT, "c", "o", b"1").last_modified
    clock.advance(0.5)
    assert swift.put_object(ACCT, "c", "o", b"2").last_modified == first == 1_700_000_001


def test_unknown_last_modified_mode_is_refused(clock):
    with pytest.raises(ValueError, match="distinct"):
        SwiftModel(clock, last_modified="floor")


def test_temp_url_creates_key_and_validates(swift):
    url = swift.temp_url("PUT", ACCT, "c", "o")
    key = swift.account_meta(ACCT)["temp-url-key"]
    assert len(key) == 32
    path, _, query = url.partition("?")
    params = dict(p.split("=") for p in query.split("&"))
    assert params["temp_url_expires"] == "2147483586"
    assert tempurl.validate(swift.temp_url_keys(ACCT), "PUT", path, params["temp_url_sig"],
                            params["temp_url_expires"], 0) == "PUT"
    assert swift.temp_url("GET", ACCT, "c", "o") != url  # same key reused, other method


def test_account_and_container_meta(swift):
    swift.set_account_meta(ACCT, "Temp-URL-Key", "k")
    assert swift.account_meta(ACCT) == {"temp-url-key": "k"}
    swift.set_account_meta(ACCT, "temp-url-key", "")
    assert swift.account_meta(ACCT) == {}
    swift.set_container_meta(ACCT, "c", {"Temp-URL-Key": "ck"})
    assert swift.temp_url_keys(ACCT, "c") == ["ck"]


def test_subscribers_hear_puts_and_deletes(swift):
    heard = []
    swift.subscribe(lambda *args: heard.append(args))
    swift.put_object(ACCT, "c", "o", b"")
    swift.delete_object(ACCT, "c", "o")
    assert heard == [(ACCT, "c", "o"), (ACCT, "c", "o")]


def test_container_info_counts(swift):
    swift.put_object(ACCT, "c", "o", b"abc")
    info = swift.container_info(ACCT, "c")
    assert (info.count, info.bytes) == (1, 3)
    assert [c.name for c in swift.account_info(ACCT)[1]] == ["c"]


from hypothesis import given, strategies as st  # noqa: E402


@given(steps=st.lists(st.floats(min_value=0, max_value=3, allow_nan=False), min_size=1, max_size=30))
def test_distinct_last_modified_always_moves_forward_and_never_before_ceil(steps):
    clock = ManualClock(1_700_000_000.0)
    swift = SwiftModel(clock)
    swift.put_container(ACCT, "c")
    seen = []
    for step in steps:
        clock.advance(step)
        info = swift.put_object(ACCT, "c", "o", b"x")
        assert info.last_modified >= info.timestamp  # never earlier than real (ceil) rounding
        seen.append(info.last_modified)
    assert seen == sorted(set(seen))
