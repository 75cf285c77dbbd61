"""Reading os-collect-config's configuration both ways the guide writes it."""
from __future__ import annotations

import json

import pytest

from harness.conformance import agentconf

URL = "http://192.0.2.1:8080/v1/AUTH_abc/ov-c/obj?temp_url_sig=00&temp_url_expires=2147483586"
MANUAL = f"""[DEFAULT]
collectors=request
command=os-refresh-config
polling_interval=30

[request]
metadata_url={URL}
"""
# what os-apply-config renders from Heat's metadata or get-occ-config's local-data file
RENDERED = f"""[DEFAULT]
command = os-refresh-config
collectors = request
collectors = local

[request]
metadata_url = {URL}
"""
LOCAL_DATA = json.dumps({"os-collect-config": {"collectors": ["request", "local"], "request": {"metadata_url": URL}}})


def test_the_guides_manual_file():
    config = agentconf.effective_config(MANUAL, {})
    assert config.collectors == ("request",)
    assert config.metadata_url == URL and config.url_source == agentconf.CONFIG_FILE
    assert config.command == "os-refresh-config"
    assert config.uses_request and not config.problems


def test_repeated_options_accumulate_like_oslo_config():
    config = agentconf.effective_config(RENDERED, {})
    assert config.collectors == ("request", "local")


def test_comma_separated_collectors():
    text = "[DEFAULT]\ncollectors = heat_local, request\ncommand=os-refresh-config\n"
    assert agentconf.effective_config(text, {}).collectors == ("heat_local", "request")


def test_get_occ_config_local_data_supplies_the_url():
    config = agentconf.effective_config(None, {"deployed-server.json": LOCAL_DATA})
    assert config.metadata_url == URL
    assert config.url_source == f"{agentconf.LOCAL_DATA_DIR}/deployed-server.json"
    assert config.collectors == agentconf.DEFAULT_COLLECTORS  # includes request and local


def test_the_config_file_wins_over_local_data():
    other = LOCAL_DATA.replace("obj?", "other?")
    assert agentconf.effective_config(MANUAL, {"a.json": other}).metadata_url == URL


def test_no_url_anywhere():
    config = agentconf.effective_config("[DEFAULT]\ncollectors=request\n", {})
    assert config.metadata_url is None and config.url_source is None


def test_invalid_local_data_is_named():
    config = agentconf.effective_config(None, {"broken.json": "{not json"})
    assert config.metadata_url is None
    assert "broken.json is not valid JSON" in config.problems[0]


def test_invalid_ini_line_is_named_with_its_number():
    config = agentconf.effective_config("[DEFAULT]\ncollectors request\n", {})
    assert "line 2" in config.problems[0] and "collectors request" in config.problems[0]


def test_option_before_any_section_is_an_error():
    with pytest.raises(agentconf.ConfigSyntaxError, match="before any"):
        agentconf.parse_ini("collectors=request\n")


def test_command_from_the_service_command_line():
    shown = ("ExecStart={ path=/usr/bin/os-collect-config ; argv[]=/usr/bin/os-collect-config "
             "--command os-refresh-config ; ignore_errors=no ; start_time=[n/a] }")
    assert agentconf.command_from_exec_start(shown) == "os-refresh-config"
    assert agentconf.command_from_exec_start("ExecStart={ argv[]=/usr/bin/os-collect-config ; }") is None
    config = agentconf.effective_config("[request]\nmetadata_url=x\n", {}, shown)
    assert config.command == "os-refresh-config" and config.command_source == "the service's ExecStart"


JOURNAL = """/var/lib/os-collect-config/local-data not found. Skipping
Traceback (most recent call last):
  File "/usr/lib/python3.11/locale.py", line 626, in setlocale
    return _setlocale(category, locale)
locale.Error: unsupported locale setting
"""


def test_systemctl_show_output():
    shown = agentconf.parse_systemctl_show("ActiveState=active\nSubState=running\nNRestarts=11\n")
    assert shown == {"ActiveState": "active", "SubState": "running", "NRestarts": "11"}


def test_a_crash_loop_is_reported_with_its_last_error():
    problem = agentconf.restart_loop_problem({"NRestarts": "11", "ActiveState": "active"}, JOURNAL)
    assert problem == ("os-collect-config keeps crashing: systemd restarted it 11 times (ActiveState=active); "
                       "it last died with `locale.Error: unsupported locale setting`")


def test_a_few_restarts_are_not_a_loop():
    assert agentconf.restart_loop_problem({"NRestarts": "2"}, JOURNAL) is None
    assert agentconf.restart_loop_problem({}, "") is None
