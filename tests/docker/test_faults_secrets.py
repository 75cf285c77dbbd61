"""No secret in clear in anything a full scenario run leaves: the undercloud password, every
Keystone token issued, every user password Heat created (deployed-server and deployment users)
and every temp-URL signature the fake Swift signed are collected from the models during the run,
then every file under the run's state root (artefacts, node journals, runner log) and the
runner's own output are searched for them."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import harness.runner as runner
from harness.runner_state import RunOptions
from harness.scenario.loader import load_scenario

pytestmark = pytest.mark.docker

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "faults" / "metadata-5xx-burst.yaml"


@pytest.fixture
def docker_engine():
    docker = pytest.importorskip("docker")
    try:
        docker.from_env().ping()
    except Exception as error:
        pytest.skip(f"no Docker engine: {error}")


def test_a_full_scenario_run_leaves_no_secret_in_clear(tmp_path, monkeypatch, docker_engine):
    clouds, signatures, said = [], set(), []
    original = runner._undercloud

    def recording_undercloud(gateway):
        cloud = original(gateway)
        clouds.append(cloud)
        signing = cloud.swift.temp_url

        def temp_url(*args, **kwargs):
            url = signing(*args, **kwargs)
            signatures.update(parse_qs(urlsplit(url).query).get("temp_url_sig", []))
            return url
        cloud.swift.temp_url = temp_url
        return cloud

    monkeypatch.setattr(runner, "_undercloud", recording_undercloud)
    outcome = runner.run_scenario(load_scenario(SCENARIO),
                                  RunOptions(state_root=tmp_path, echo=said.append))
    assert outcome.passed, outcome.message
    [cloud] = clouds
    keystone = cloud.keystone
    secrets = {"undercloud password": {cloud.password},
               "token": set(keystone._tokens),
               "user password": {getattr(u, "password", "") for u in keystone._users.values()},
               "temp URL signature": signatures}
    assert secrets["token"] and secrets["user password"] and signatures
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "summary.json" or p.suffix == ".json" for p in files)
    texts = {str(p): p.read_bytes().decode(errors="replace") for p in files}
    texts["runner output"] = "\n".join(said)
    found = [f"{kind} in {where}" for kind, values in secrets.items() for value in values
             if value and len(value) >= 8 for where, text in texts.items() if value in text]
    assert found == [], found[:10]
