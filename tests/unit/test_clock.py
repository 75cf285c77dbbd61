from fakes.clock import ManualClock, OffsetClock, SystemClock


def test_manual_clock_moves_only_when_told():
    clock = ManualClock(100.0)
    assert clock.now() == 100.0
    clock.advance(1.5)
    assert clock.now() == 101.5
    clock.set(50)
    assert clock.now() == 50.0


def test_offset_clock_follows_system_clock_with_offset():
    system = SystemClock().now()
    shifted = OffsetClock(offset=3600).now()
    assert 3599 < shifted - system < 3601


def test_endpoints_build_the_catalog_urls():
    from fakes.endpoints import Endpoints

    endpoints = Endpoints(host="127.0.0.1", ports={"keystone": 5000, "heat": 8004, "cfn": 8000, "swift": 8080})
    assert endpoints.identity_url == "http://127.0.0.1:5000/v3"
    assert endpoints.orchestration_url("p") == "http://127.0.0.1:8004/v1/p"
    assert endpoints.cfn_url == "http://127.0.0.1:8000/v1"
    assert endpoints.swift_url("p") == "http://127.0.0.1:8080/v1/AUTH_p"
    assert Endpoints(host="::1").swift_root == "http://[::1]:8080"
