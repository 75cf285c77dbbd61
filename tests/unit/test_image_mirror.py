"""Finding the Debian mirror in apt's configuration (one-line and deb822), or failing clearly."""
from __future__ import annotations

import pytest

from harness.image.errors import MirrorNotFound
from harness.image.mirror import MIRROR_ENV, find_mirror, parse_deb822, parse_one_line

DEB822 = """\
Types: deb
# a comment between fields
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
"""


def _apt_root(tmp_path, sources_list="", **files):
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list").write_text(sources_list)
    for name, text in files.items():
        (tmp_path / "sources.list.d" / name.replace("_", ".", 1)).write_text(text)
    return tmp_path


def test_deb822_sources_give_the_main_archive(tmp_path):
    root = _apt_root(tmp_path, debian_sources=DEB822)
    mirror = find_mirror("bookworm", environ={}, apt_root=root)
    assert mirror.uri == "http://mirror.example/debian"
    assert "debian.sources" in mirror.origin


def test_one_line_entries_with_options(tmp_path):
    text = ("# deb http://commented.example/debian bookworm main\n"
            "deb-src http://src.example/debian bookworm main\n"
            "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian/ bookworm main contrib\n")
    root = _apt_root(tmp_path, sources_list=text)
    assert find_mirror("bookworm", environ={}, apt_root=root).uri == "http://mirror.example/debian"


def test_security_only_and_disabled_files_do_not_count(tmp_path):
    security = "deb http://mirror.example/debian-security bookworm-security main\n"
    disabled = DEB822.replace("Types: deb\n# a", "Enabled: no\nTypes: deb\n# a", 1)
    root = _apt_root(tmp_path, sources_list=security, other_sources=disabled.split("\n\n")[0] + "\n")
    (root / "sources.list.d" / "old.list.disabled").write_text("deb http://x.example/debian bookworm main\n")
    with pytest.raises(MirrorNotFound) as caught:
        find_mirror("bookworm", environ={}, apt_root=root)
    message = str(caught.value)
    assert "no Debian mirror found" in message and "--mirror" in message and MIRROR_ENV in message


def test_no_apt_configuration_at_all(tmp_path):
    with pytest.raises(MirrorNotFound, match="no apt sources at all"):
        find_mirror("bookworm", environ={}, apt_root=tmp_path)


def test_override_then_environment_win(tmp_path):
    root = _apt_root(tmp_path, debian_sources=DEB822)
    assert find_mirror("bookworm", "http://given.example/d/", {}, root).uri == "http://given.example/d"
    env = {MIRROR_ENV: "http://env.example/debian"}
    mirror = find_mirror("bookworm", None, env, root)
    assert (mirror.uri, mirror.origin) == ("http://env.example/debian", MIRROR_ENV)


def test_the_releases_own_entry_is_preferred(tmp_path):
    text = ("deb http://old.example/debian bullseye main\n"
            "deb http://new.example/debian bookworm main\n")
    root = _apt_root(tmp_path, sources_list=text)
    assert find_mirror("bookworm", environ={}, apt_root=root).uri == "http://new.example/debian"


def test_parsers_report_where_each_entry_came_from():
    (entry,) = parse_one_line("deb http://m.example/debian bookworm main\n", "/etc/apt/sources.list")
    assert entry.origin == "/etc/apt/sources.list:1"
    entries = list(parse_deb822(DEB822, "x.sources"))
    assert [e.suites for e in entries] == [("bookworm", "bookworm-updates"), ("bookworm-security",)]
