"""Repositories and the agent's files: parsing and decisions."""
from __future__ import annotations

from harness.conformance import packaging

DNF_REPOLIST = """repo id                                 repo name
appstream                               CentOS Stream 9 - AppStream
baseos                                  CentOS Stream 9 - BaseOS
delorean                                delorean-openstack
"""
YUM_REPOLIST = """repo id                 repo name                           status
base/7/x86_64           CentOS-7 - Base                     10,072
extras/7/x86_64         CentOS-7 - Extras                   515
repolist: 10,587
"""


def test_families_come_from_the_distribution_id():
    assert packaging.family("centos") == "rhel" and packaging.family("RHEL") == "rhel"
    assert packaging.family("debian") == "debian" and packaging.family("ubuntu") == "debian"
    assert packaging.family("arch") is None and packaging.family(None) is None


def test_repolist_tables():
    assert packaging.parse_repolist(DNF_REPOLIST) == ["appstream", "baseos", "delorean"]
    assert packaging.parse_repolist(YUM_REPOLIST) == ["base/7/x86_64", "extras/7/x86_64"]
    assert packaging.parse_repolist("") == []


def test_apt_one_line_and_deb822_sources():
    texts = {
        "/etc/apt/sources.list": "# deb http://old.example/ bookworm main\ndeb http://mirror.example/debian bookworm main\n",
        "/etc/apt/sources.list.d/debian.sources": (
            "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm-updates\nComponents: main\n\n"
            "Types: deb-src\nURIs: http://mirror.example/debian\nSuites: bookworm\n\n"
            "Types: deb\nURIs: http://off.example/\nSuites: x\nEnabled: no\n"),
    }
    assert packaging.parse_apt_sources(texts) == [
        "http://mirror.example/debian bookworm main", "http://mirror.example/debian bookworm-updates"]


def test_only_comments_means_no_sources():
    assert packaging.parse_apt_sources({"/etc/apt/sources.list": "# nothing\n\n"}) == []


def test_missing_agent_parts_are_listed_in_order():
    present = set(packaging.AGENT_EXECUTABLES + packaging.AGENT_FILES) - {"os-collect-config"}
    assert packaging.missing_agent_parts(present) == ["os-collect-config"]
    assert packaging.missing_agent_parts(set()) == list(packaging.AGENT_EXECUTABLES + packaging.AGENT_FILES)


def test_presence_script_probes_every_part():
    script = packaging.presence_script()
    for part in packaging.AGENT_EXECUTABLES + packaging.AGENT_FILES:
        assert part in script
