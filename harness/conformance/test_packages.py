"""The guide's "Package repositories" and "Initial Package Installation" sections."""
from __future__ import annotations

from harness.conformance import packaging
from harness.conformance.checks import check, fail
from harness.conformance.remote import read_file, read_files


def _rpm_repositories(host) -> tuple[str, list[str]]:
    tool = "dnf" if host.exists("dnf") else "yum"
    result = host.run(f"{tool} -q repolist --enabled" if tool == "dnf" else "yum -q repolist enabled")
    if result.rc != 0:
        fail(f"`{tool} repolist` failed ({result.stderr.strip() or result.rc})")
    return f"`{tool} repolist --enabled`", packaging.parse_repolist(result.stdout)


def _apt_sources(host) -> tuple[str, list[str]]:
    texts = {}
    main = read_file(host, packaging.APT_SOURCES[0])
    if main is not None:
        texts[packaging.APT_SOURCES[0]] = main
    directory = packaging.APT_SOURCES[1]
    for suffix in (".list", ".sources"):
        texts.update({f"{directory}/{name}": text for name, text in read_files(host, directory, suffix).items()})
    return "apt sources (/etc/apt/sources.list, sources.list.d)", packaging.parse_apt_sources(texts)


@check("PKG-001")
def test_repositories_enabled(host):
    distribution = host.system_info.distribution
    kind = packaging.family(distribution)
    if kind is None:  # an unknown derivative: go by the package tool it has
        kind = "rhel" if host.exists("dnf") or host.exists("yum") else "debian" if host.exists("apt-get") else None
    if kind is None:
        fail(f"cannot tell how {distribution!r} enables repositories (no dnf, yum or apt-get found)")
    where, repositories = _rpm_repositories(host) if kind == "rhel" else _apt_sources(host)
    if not repositories:
        fail(f"no package repository is enabled on this {distribution} host ({where} lists none)")


@check("PKG-002")
def test_heat_agent_installed(host):
    packages = []
    if host.exists("rpm"):
        result = host.run("rpm -qa %s", "python*-heat-agent*")
        packages = sorted(result.stdout.split())
    present = set(host.run(packaging.presence_script()).stdout.split())
    missing = packaging.missing_agent_parts(present)
    if missing:
        installed = f"packages {', '.join(packages)} are installed but " if packages else \
            "no python*-heat-agent* package is installed and "
        fail(f"{installed}the agent is incomplete: missing {', '.join(missing)}")
