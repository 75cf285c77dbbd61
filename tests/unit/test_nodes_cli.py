"""`harness nodes list` and `harness down` against a fake engine: label-only removal."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from harness.nodes import cleanup, cli
from harness.nodes.run import Owner, Run
from test_nodes_fake import FakeDocker


@pytest.fixture
def client(tmp_path, monkeypatch):
    client = FakeDocker()
    for run_id in ("ra", "rb"):
        run = Run(run_id, tmp_path / "runs" / run_id, Owner.current())
        labels = {**cleanup.run_labels(run), "tripleo-harness.role": "Compute",
                  "tripleo-harness.address": "172.30.1.2"}
        client.add_container(f"th-{run_id}-compute-0", labels)
        client.networks.create(f"th-{run_id}", labels=cleanup.run_labels(run))
    client.add_container("unrelated", {})
    monkeypatch.setattr(cli, "_client", lambda: client)
    return client


def test_down_needs_a_run_id_or_all(client):
    for args in ([], ["ra", "--all"]):
        result = CliRunner().invoke(cli.down, args)
        assert result.exit_code == 2 and "RUN_ID or --all" in result.output


def test_down_of_an_unknown_run_lists_the_runs_present(client):
    result = CliRunner().invoke(cli.down, ["rzzz"])
    assert result.exit_code == 1
    assert "no run 'rzzz'; runs present: ra, rb" in result.output


def test_down_removes_one_run_by_label(client):
    result = CliRunner().invoke(cli.down, ["ra"])
    assert result.exit_code == 0, result.output
    assert set(client.container_map) == {"th-rb-compute-0", "unrelated"}
    assert [n.name for n in client.networks.list()] == ["th-rb"]


def test_down_all_leaves_unlabelled_containers(client):
    result = CliRunner().invoke(cli.down, ["--all"])
    assert result.exit_code == 0, result.output
    assert set(client.container_map) == {"unrelated"} and client.networks.list() == []


def test_list_shows_runs_nodes_and_status(client):
    result = CliRunner().invoke(cli.nodes, ["list"])
    assert result.exit_code == 0, result.output
    assert "run ra" in result.output and "owner alive" in result.output
    assert "th-rb-compute-0" in result.output and "172.30.1.2" in result.output
    assert "running" in result.output and "unrelated" not in result.output
