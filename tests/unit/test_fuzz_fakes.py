"""Bad input, never a crash: seeded random requests built from the fakes' real routes (see
harness/faults/fuzz.py) against Keystone, Heat, CFN and Swift in-process. No 5xx, no traceback in
a body, and every service still answers afterwards. Bounded here; the long form is `slow`."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from fakes.undercloud import Undercloud
from harness.faults.fuzz import (FuzzTarget, fuzz, known_bug, problems_of, random_request, send,
                                 still_answers)


@pytest.fixture(scope="module")
def target():
    cloud = Undercloud(password="pw")
    yield FuzzTarget.in_process(cloud)
    cloud.stop()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rng=st.randoms(use_true_random=False))
def test_random_requests_never_get_a_5xx_or_a_traceback(target, rng):
    request = random_request(rng, target)
    status, body = send(target, request)
    assert known_bug(request, status) or not problems_of(request, status, body)


def test_the_services_still_answer_after_a_seeded_barrage(target):
    stats = fuzz(target, requests=300, seed=11)
    assert stats.requests == 300 and stats.problems == []
    assert stats.server_errors == sum(stats.known.values())
    # the generator reaches the services' handlers, not only their 404s
    assert {200, 401, 404, 405} <= set(stats.statuses)


def test_a_barrage_replays_with_its_seed(target):
    first = [random_request(random.Random(5), target) for _ in range(3)]
    again = [random_request(random.Random(5), target) for _ in range(3)]
    assert first == again


def test_a_malformed_range_is_ignored_like_swift_does(target):
    # the barrages above may have deleted or overwritten the object: put it back through its PUT URL
    assert target.clients["swift"].put(target.temp_urls[1], data=b"{}").status_code == 201
    response = target.clients["swift"].get(target.temp_urls[0], headers={"Range": "2F"})
    assert response.status_code == 200


def test_software_config_inputs_not_a_list_is_a_400(target):
    response = target.clients["heat"].post(
        f"/v1/{target.project}/software_configs", headers={"X-Auth-Token": target.token},
        json={"config": "true", "group": "script", "inputs": "x"})
    assert response.status_code == 400


@pytest.mark.slow
def test_long_form_ten_thousand_requests_never_crash(target):
    stats = fuzz(target, requests=12_000, seed=20261129)
    assert stats.problems == [], stats.problems[:5]
    assert stats.requests == 12_000 and still_answers(target) == []
