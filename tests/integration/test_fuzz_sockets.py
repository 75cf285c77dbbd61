"""The fuzz barrage of harness/faults/fuzz.py over real sockets (waitress on loopback, free
ports): no 5xx, no traceback in a body, no dropped connection, and every service still answers.
Bounded here; the long form (>= 10,000 requests, `slow`) is what bench/fuzz.py publishes."""
from __future__ import annotations

import pytest
import requests

from fakes.undercloud import Undercloud
from harness.faults.fuzz import FuzzTarget, fuzz

pytestmark = pytest.mark.integration


class SocketSender:
    """Sends a FuzzRequest over HTTP; a request the client library refuses to send (a tab in
    the path, a non-latin-1 header) is counted, not sent."""

    def __init__(self, undercloud):
        self.session = requests.Session()
        self.ports = dict(undercloud.endpoints.ports)
        self.unsendable = 0

    def __call__(self, target, request):
        url = f"http://127.0.0.1:{self.ports[request.service]}{request.path}"
        if request.query:
            url += "?" + request.query
        try:
            answer = self.session.request(request.method, url, headers=dict(request.headers),
                                          data=request.body, timeout=30, allow_redirects=False)
        except (requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader,
                requests.exceptions.InvalidSchema, UnicodeError, ValueError):
            self.unsendable += 1
            return 400, b""
        except requests.exceptions.ConnectionError as error:
            return 599, f"connection failed: {error}".encode()
        return answer.status_code, answer.content


@pytest.fixture
def served():
    cloud = Undercloud(password="pw", ports={"keystone": 0, "heat": 0, "cfn": 0, "swift": 0})
    cloud.start()
    yield cloud
    cloud.stop()


def _barrage(cloud, count: int, seed: int):
    target = FuzzTarget.in_process(cloud)   # the valid token / temp URLs come from the same model
    sender = SocketSender(cloud)
    stats = fuzz(target, requests=count, seed=seed, sender=sender)
    return stats, sender


def test_a_socket_barrage_gets_no_5xx_and_the_services_still_answer(served):
    stats, sender = _barrage(served, 300, seed=3)
    assert stats.problems == [], stats.problems[:5]
    assert stats.requests == 300 and sender.unsendable < 150


@pytest.mark.slow
def test_long_form_over_sockets(served):
    stats, sender = _barrage(served, 10_000, seed=4)
    assert stats.problems == [], stats.problems[:5]
    assert stats.requests == 10_000
