"""The real `openstack` CLI (python-openstackclient + python-heatclient) and openstacksdk
against the fake Heat served on loopback sockets, compared with what real Heat printed
(reference/real-heat/cli/rg-complete-*.txt) for the same templates."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_heat_clients_cloud import REAL, start_cloud

pytestmark = pytest.mark.integration

REAL_CLI = REAL / "cli"
OPENSTACK = Path(sys.executable).parent / "openstack"
EVENT_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ [0-9a-f-]{36} \[([^\]]+)\]: "
                        r"([A-Z]+_[A-Z_]+)  (.*)$")


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    with start_cloud(tmp_path_factory.mktemp("heat-cloud")) as running:
        yield running


def openstack(cloud, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(OPENSTACK), *args], env=cloud.cli_env, capture_output=True,
                            text=True, timeout=120, cwd=cloud.workdir)
    if check and result.returncode != 0:
        raise AssertionError(f"openstack {' '.join(args)} exited {result.returncode}:\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def wait_for(what: str, probe, deadline_s: float = 60.0, interval_s: float = 0.2):
    """Poll `probe` until it returns something truthy; fail naming what was awaited."""
    deadline = time.monotonic() + deadline_s
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last and last[0]:
            return last[0]
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {deadline_s}s waiting for {what}; last seen: {last}")


def nested_rows(cloud, stack="rg-heat"):
    out = openstack(cloud, "stack", "resource", "list", "-n", "5", "-f", "json", stack).stdout
    return json.loads(out)


def real_cli(name: str) -> str:
    path = REAL_CLI / f"rg-complete-{name}.txt"
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path.read_text()


@pytest.fixture(scope="module")
def completed_stack(cloud):
    """rg-heat: a ResourceGroup of 2 deployed servers, both deployments signalled with the CLI.
    Waiting polls through openstacksdk's session (one login; the CLI takes seconds a call)."""
    assert openstack(cloud, "stack", "list").stdout.strip() == ""
    openstack(cloud, "stack", "create", "-t", "group.yaml", "-e", "env.yaml", "rg-heat")
    orchestration = cloud.sdk_connection().orchestration

    def waiting_deployments():
        rows = orchestration.get("/stacks/rg-heat/resources?nested_depth=5").json()["resources"]
        rows = [r for r in rows if r["resource_name"] == "deployment"]
        ready = len(rows) == 2 and all(r["resource_status"] == "CREATE_IN_PROGRESS"
                                       for r in rows)
        return (rows if ready else None, rows)

    for row in wait_for("both deployments to wait for their signal", waiting_deployments):
        member_stack = next(link["href"] for link in row["links"] if link["rel"] == "stack")
        openstack(cloud, "stack", "resource", "signal", member_stack.split("/")[-2],
                  "deployment", "--data", json.dumps({"deploy_stdout": "x",
                                                      "deploy_stderr": "",
                                                      "deploy_status_code": 0}))

    def complete():
        status = orchestration.get("/stacks/rg-heat").json()["stack"]["stack_status"]
        return (status == "CREATE_COMPLETE", status)

    wait_for("rg-heat to reach CREATE_COMPLETE", complete)
    return cloud


def test_stack_list_columns_match_real_heat(completed_stack):
    out = openstack(completed_stack, "stack", "list").stdout
    header = [c.strip() for c in out.splitlines()[1].strip("|").split("|")]
    real = real_cli("01-stack-list").splitlines()[2]
    assert header == [c.strip() for c in real.strip("|").split("|")]
    assert "| rg-heat    |" in out and "CREATE_COMPLETE" in out


def test_stack_show_fields_match_real_heat(completed_stack):
    shown = json.loads(openstack(completed_stack, "stack", "show", "rg-heat", "-f",
                                 "json").stdout)
    real_fields = re.findall(r"^\| (\w+)\s+\|", real_cli("02-stack-show"), re.M)
    assert set(shown) == set(real_fields) - {"Field"}
    assert shown["stack_status"] == "CREATE_COMPLETE"
    assert shown["parameters"]["count"] == "2"
    assert [o["output_key"] for o in shown["outputs"]] == ["refs_map", "server_ids",
                                                           "server_names"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", shown["creation_time"])


def test_resource_list_nested_shows_stack_names_like_real_heat(completed_stack):
    out = openstack(completed_stack, "stack", "resource", "list", "-n", "5", "rg-heat").stdout
    header = [c.strip() for c in out.splitlines()[1].strip("|").split("|")]
    assert header == ["resource_name", "physical_resource_id", "resource_type",
                      "resource_status", "updated_time", "stack_name"]
    rows = nested_rows(completed_stack)
    names = [(r["resource_name"], r["stack_name"]) for r in rows]
    assert names[0] == ("Compute", "rg-heat")
    assert [n for n, _ in names].count("server") == 2
    member_stacks = {s for n, s in names if n == "server"}
    assert all(re.fullmatch(r"rg-heat-Compute-[a-z2-7]{12}-[01]-[a-z2-7]{12}", s)
               for s in member_stacks)
    assert all(r["resource_status"] == "CREATE_COMPLETE" for r in rows)


def test_resource_show_physical_id_and_uuid_listing(completed_stack):
    group_id = openstack(completed_stack, "stack", "resource", "show", "rg-heat", "Compute",
                         "-c", "physical_resource_id", "-f", "value").stdout.strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", group_id)
    members = json.loads(openstack(completed_stack, "stack", "resource", "list", group_id,
                                   "-c", "resource_name", "-c", "physical_resource_id",
                                   "-f", "json").stdout)
    real = json.loads(real_cli("06-nested-resource-list-json").split("\n", 1)[1]
                      .rsplit("[exit=", 1)[0])
    assert [list(m) for m in members] == [list(r) for r in real]
    assert [m["resource_name"] for m in members] == ["0", "1"]


def test_resource_metadata_of_a_member_server(completed_stack):
    # the guide's way: the nested stack *name* from the -n 5 listing's last column
    server_row = next(r for r in nested_rows(completed_stack) if r["resource_name"] == "server")
    by_name = json.loads(openstack(completed_stack, "stack", "resource", "metadata",
                                   server_row["stack_name"], "server").stdout)
    assert set(by_name) == {"deployments", "os-collect-config"}
    assert [d["name"] for d in by_name["deployments"]] == ["deploy-hello"]
    assert by_name["os-collect-config"]["collectors"] == ["heat", "local"]
    # get-occ-config's way: the member stack's uuid
    members = json.loads(openstack(completed_stack, "stack", "resource", "list", "-n", "1",
                                   "-f", "json", "rg-heat").stdout)
    member_id = next(r["physical_resource_id"] for r in members if r["resource_name"] == "0")
    by_id = json.loads(openstack(completed_stack, "stack", "resource", "metadata",
                                 member_id, "server").stdout)
    assert set(by_id) == {"deployments", "os-collect-config"}


def test_event_list_nested_depth_prints_like_real_heat(completed_stack):
    lines = openstack(completed_stack, "stack", "event", "list", "--nested-depth", "5",
                      "rg-heat").stdout.strip().splitlines()
    parsed = [EVENT_LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert parsed[0].groups() == ("rg-heat", "CREATE_IN_PROGRESS", "Stack CREATE started")
    assert parsed[-1].groups() == ("rg-heat", "CREATE_COMPLETE",
                                   "Stack CREATE completed successfully")
    resources = {m.group(1) for m in parsed}
    assert {"rg-heat.Compute", "rg-heat.Compute.0.deployment",
            "rg-heat.Compute.1.server"} <= resources
    signals = [m for m in parsed if m.group(2) == "SIGNAL_IN_PROGRESS"]
    assert len(signals) == 2
    assert all(m.group(3).startswith("Signal: deployment ") for m in signals)


def test_openstacksdk_finds_the_stack_and_its_resources(completed_stack):
    conn = completed_stack.sdk_connection()
    stack = conn.orchestration.find_stack("rg-heat")
    assert stack.status == "CREATE_COMPLETE" and stack.name == "rg-heat"
    same = conn.orchestration.get_stack(stack.id)
    assert same.id == stack.id
    resources = list(conn.orchestration.resources(stack))
    assert [r.name for r in resources] == ["Compute"]
    assert [s.name for s in conn.orchestration.stacks()] == ["rg-heat"]


def table_header(out: str) -> list[str]:
    return [c.strip() for c in out.splitlines()[1].strip("|").split("|")]


def test_software_deployment_and_config_commands_match_real_heat(completed_stack):
    listed = openstack(completed_stack, "software", "deployment", "list").stdout
    assert table_header(listed) == table_header(real_cli("16-sd-list").split("\n", 1)[1])
    deployments = json.loads(openstack(completed_stack, "software", "deployment", "list",
                                       "-f", "json").stdout)
    assert {d["status"] for d in deployments} == {"COMPLETE"}
    shown = json.loads(openstack(completed_stack, "software", "deployment", "show",
                                 deployments[0]["id"], "-f", "json").stdout)
    real_fields = re.findall(r"^\| (\w+)\s+\|", real_cli("17-sd-show"), re.M)
    assert set(shown) == set(real_fields) - {"Field"}
    assert shown["status_reason"] == "Outputs received"
    outputs = openstack(completed_stack, "software", "deployment", "output", "show",
                        deployments[0]["id"], "--all").stdout
    assert "deploy_status_code: 0" in outputs
    metadata = json.loads(openstack(completed_stack, "software", "deployment", "metadata",
                                    "show", deployments[0]["server_id"]).stdout)
    assert [c["name"] for c in metadata] == ["deploy-hello"]
    configs = openstack(completed_stack, "software", "config", "list").stdout
    assert table_header(configs) == table_header(real_cli("22-sc-list").split("\n", 1)[1])
    config = openstack(completed_stack, "software", "config", "show",
                       deployments[0]["config_id"]).stdout
    assert config.startswith(f"id: {deployments[0]['config_id']}\nname: deploy-hello\n")
    all_outputs = openstack(completed_stack, "stack", "output", "show", "rg-heat",
                            "--all", "-f", "json").stdout
    assert set(json.loads(all_outputs)) == {"refs_map", "server_ids", "server_names"}


def test_stack_delete_and_gone(completed_stack):
    openstack(completed_stack, "stack", "delete", "--yes", "rg-heat")

    def gone():
        result = openstack(completed_stack, "stack", "show", "rg-heat", check=False)
        return (result.returncode != 0, result.stdout + result.stderr)

    message = wait_for("rg-heat to be deleted", gone)
    assert message is True
    assert openstack(completed_stack, "stack", "list").stdout.strip() == ""


def curl(*args: str) -> tuple[int, str, str]:
    """(status, headers, body) of one curl call; curl's own exit status must be 0."""
    result = subprocess.run(["curl", "-s", "-i", "--noproxy", "*", *args], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.replace("\r\n", "\n").partition("\n\n")
    return int(head.split()[1]), head, body


def test_curl_versions_documents_tokens_and_lists(cloud):
    for service in ("heat", "cfn"):
        root = cloud.endpoints.root(service)
        status, headers, body = curl(root + "/")
        assert status == 300 and "application/json" in headers
        assert json.loads(body) == {"versions": [{"id": "v1.0", "status": "CURRENT", "links": [
            {"rel": "self", "href": root + "/v1/"}]}]}
    token, project = openstack(cloud, "token", "issue", "-c", "id", "-c", "project_id",
                               "-f", "value").stdout.split()
    stacks_url = cloud.endpoints.orchestration_url(project) + "/stacks"
    status, _, body = curl(stacks_url)
    assert status == 401 and json.loads(body)["error"]["code"] == 401
    status, _, body = curl("-H", f"X-Auth-Token: {token}", stacks_url)
    assert status == 200 and "stacks" in json.loads(body)
    status, headers, _ = curl("-H", f"X-Auth-Token: {token}", stacks_url + "/no-such-stack")
    assert status == 404


SIMPLE = """heat_template_version: wallaby
resources:
  cfg:
    type: OS::Heat::SoftwareConfig
    properties: {group: script, config: echo hi}
outputs:
  cfg_id:
    value: {get_resource: cfg}
"""


def test_create_and_delete_with_wait_follow_the_event_stream(cloud):
    """heatclient's --wait polls events (sort_dir=asc, marker) until the stack's own event."""
    (cloud.workdir / "simple.yaml").write_text(SIMPLE)
    created = openstack(cloud, "stack", "create", "--wait", "-t", "simple.yaml", "simple")
    lines = [EVENT_LINE.match(line) for line in created.stdout.splitlines()
             if EVENT_LINE.match(line)]
    assert lines[-1].groups() == ("simple", "CREATE_COMPLETE",
                                  "Stack CREATE completed successfully")
    output = json.loads(openstack(cloud, "stack", "output", "show", "simple", "cfg_id",
                                  "-f", "json").stdout)
    assert re.fullmatch(r"[0-9a-f-]{36}", output["output_value"])
    openstack(cloud, "stack", "delete", "--yes", "--wait", "simple")
    deleted = json.loads(openstack(cloud, "stack", "list", "--deleted", "-f", "json").stdout)
    assert [s["Stack Status"] for s in deleted if s["Stack Name"] == "simple"] == [
        "DELETE_COMPLETE"]


def test_orchestration_info_commands(cloud):
    info = json.loads(openstack(cloud, "orchestration", "build", "info", "-f", "json").stdout)
    assert info == {"api": {"revision": "unknown"}, "engine": {"revision": "unknown"}}
    versions = json.loads(openstack(cloud, "orchestration", "template", "version", "list",
                                    "-f", "json").stdout)
    assert {"Version": "heat_template_version.2018-03-02", "Type": "hot",
            "Aliases": ["heat_template_version.queens"]} in versions
    types = json.loads(openstack(cloud, "orchestration", "resource", "type", "list",
                                 "-f", "json").stdout)
    assert {"Resource Type": "OS::Heat::DeployedServer"} in types


PARAMETERISED = """heat_template_version: wallaby
parameters:
  word: {type: string, default: a}
resources:
  v:
    type: OS::Heat::Value
    properties: {value: {get_param: word}}
outputs:
  out:
    value: {get_attr: [v, value]}
"""


def test_update_full_and_existing_through_the_redirects(cloud):
    """`stack update` PUTs (or, with --existing, PATCHes) /stacks/<name>: a 302 that
    keystoneauth re-issues with the same method and body."""
    (cloud.workdir / "p.yaml").write_text(PARAMETERISED)

    def output() -> str:
        return openstack(cloud, "stack", "output", "show", "p", "out", "-c", "output_value",
                         "-f", "value").stdout.strip()

    openstack(cloud, "stack", "create", "--wait", "-t", "p.yaml", "p")
    openstack(cloud, "stack", "update", "--wait", "--existing", "--parameter", "word=b", "p")
    assert output() == "b"
    openstack(cloud, "stack", "update", "--wait", "-t", "p.yaml", "--parameter", "word=c", "p")
    assert output() == "c"
    shown = json.loads(openstack(cloud, "stack", "show", "p", "-f", "json").stdout)
    assert shown["stack_status"] == "UPDATE_COMPLETE" and shown["updated_time"]
    openstack(cloud, "stack", "delete", "--yes", "--wait", "p")
