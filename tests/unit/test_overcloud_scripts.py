"""The plan's script waves run for real (bash + python3, as the heat-config script hook runs
them: every input an environment variable, Json inputs as JSON text), in a temporary
HARNESS_DIR and hosts file instead of /var/lib/tripleo-harness and /etc/hosts."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.overcloud.environment import port_map
from harness.overcloud.plans import load_plan
from harness.overcloud.waves import script_text

pytestmark = pytest.mark.skipif(not shutil.which("bash") or not shutil.which("python3"),
                                reason="needs bash and python3")

NODES = [{"0": {"server_id": "s-c0", "hostname": "oc-controller-0", "role": "Controller",
                "index": "0"},
          "1": {"server_id": "s-c1", "hostname": "oc-controller-1", "role": "Controller",
                "index": "1"}},
         {"0": {"server_id": "s-n0", "hostname": "oc-novacompute-0", "role": "Compute",
                "index": "0"}}]
PORTS = port_map({"oc-controller-0": "127.0.0.1", "oc-controller-1": "127.0.0.2",
                  "oc-novacompute-0": "192.0.2.9"})


@pytest.fixture
def node(tmp_path):
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    ping = bin_dir / "ping"   # a stand-in ping: loopback answers, anything else does not
    ping.write_text('#!/bin/bash\nfor a; do last=$a; done\n[[ $last == 127.* ]]\n')
    ping.chmod(0o755)
    return {"dir": tmp_path / "harness", "hosts": hosts, "path": f"{bin_dir}:{os.environ['PATH']}"}


def run_wave(node, name, server_id="s-c0", **extra):
    wave = next(w for w in load_plan().waves if w.name == name)
    inputs = {"wave": name, "role": "Controller", "nodes": NODES, "port_map": PORTS,
              "stack_name": "oc", "fail_on": "", "deploy_server_id": server_id,
              "deploy_action": "CREATE", **wave.inputs, **extra}
    env = {key: json.dumps(v) if isinstance(v, (dict, list)) else str(v)
           for key, v in inputs.items()}
    env.update(PATH=node["path"], HARNESS_DIR=str(node["dir"]),
               HARNESS_HOSTS_FILE=str(node["hosts"]))
    script = node["dir"].parent / f"{name}.sh"
    script.write_text(script_text(wave))
    script.chmod(0o755)
    return subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=60)


def test_per_node_waves_record_identity_and_address(node):
    result = run_wave(node, "Bootstrap", hostname="oc-controller-0", node_index="0")
    assert result.returncode == 0, result.stderr
    record = json.loads((node["dir"] / "bootstrap.json").read_text())
    assert (record["hostname"], record["role"], record["index"]) == \
        ("oc-controller-0", "Controller", "0")
    result = run_wave(node, "Network", hostname="oc-controller-0", node_index="0")
    assert result.returncode == 0, result.stderr
    assert json.loads((node["dir"] / "network" / "ctlplane.json").read_text())["ip_address"] \
        == "127.0.0.1"


def test_hosts_entries_list_every_node_and_replace_the_block_on_rerun(node):
    for _ in range(2):
        result = run_wave(node, "HostsEntry")
        assert result.returncode == 0, result.stderr
    hosts = node["hosts"].read_text().splitlines()
    assert hosts[0] == "127.0.0.1 localhost"
    assert hosts.count("# HEAT_HOSTS_END") == 1
    assert "127.0.0.2 oc-controller-1" in hosts and "192.0.2.9 oc-novacompute-0" in hosts


def test_validation_pings_every_other_node_and_fails_on_an_unreachable_one(node):
    assert run_wave(node, "HostsEntry").returncode == 0
    result = run_wave(node, "AllNodesValidation")
    log = (node["dir"] / "validation" / "ping.log").read_text()
    assert "oc-controller-1 127.0.0.2 ok" in log
    assert "oc-controller-0" not in log              # not itself
    assert "oc-novacompute-0 192.0.2.9 unreachable" in log
    assert result.returncode == 1
    assert "cannot ping oc-novacompute-0" in result.stderr


def test_steps_keep_their_inputs_and_refuse_to_run_out_of_order(node):
    result = run_wave(node, "Step2")
    assert result.returncode == 1
    assert "step 2 started before step 1 finished on oc-controller-0" in result.stderr
    for step in ("Step1", "Step2"):
        assert run_wave(node, step).returncode == 0
    marker = json.loads((node["dir"] / "steps" / "step2.json").read_text())
    assert marker["inputs"] == {"step": "2"}
    assert marker["wave"] == "Step2" and marker["deploy_server_id"] == "s-c0"
    result = run_wave(node, "PostConfig")
    assert result.returncode == 0, result.stderr
    summary = json.loads((node["dir"] / "post-config.json").read_text())
    assert summary["steps"] == ["step1", "step2"]


@pytest.mark.parametrize("fail_on", ["oc-controller-1", "Controller-1"])
def test_fail_on_makes_the_named_node_exit_1_with_a_message(node, fail_on):
    result = run_wave(node, "Step1", server_id="s-c1", fail_on=fail_on)
    assert result.returncode == 1
    assert f"wave Step1 fails on purpose on oc-controller-1 (fail_on={fail_on})" in result.stderr
    assert run_wave(node, "Step1", server_id="s-c0", fail_on=fail_on).returncode == 0
