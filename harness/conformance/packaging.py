"""Package repositories and the Heat agent's files: parsing and decisions (pure, unit-tested).

The guide installs the agent with `yum -y install python-heat-agent*`; hosts prepared otherwise
(pseudo-nodes install from source distributions) count when the agent's executables, elements,
template and hooks sit where the packages put them.
"""
from __future__ import annotations

RHEL_FAMILY = frozenset({"rhel", "redhat", "centos", "fedora", "rocky", "almalinux", "ol", "oracle",
                         "scientific", "amzn", "cloudlinux", "eurolinux", "virtuozzo"})
DEBIAN_FAMILY = frozenset({"debian", "ubuntu", "linuxmint", "raspbian", "pop", "devuan"})

AGENT_EXECUTABLES = ("os-collect-config", "os-refresh-config", "os-apply-config", "heat-config-notify")
AGENT_FILES = (
    "/usr/libexec/os-refresh-config/configure.d/20-os-apply-config",
    "/usr/libexec/os-refresh-config/configure.d/55-heat-config",
    "/usr/libexec/os-apply-config/templates/var/run/heat-config/heat-config",
    "/usr/libexec/heat-config/hooks/script",
)
APT_SOURCES = ("/etc/apt/sources.list", "/etc/apt/sources.list.d")


def family(distribution: str | None) -> str | None:
    name = (distribution or "").lower()
    if name in RHEL_FAMILY:
        return "rhel"
    if name in DEBIAN_FAMILY:
        return "debian"
    return None


def parse_repolist(stdout: str) -> list[str]:
    """Repository ids from `dnf/yum repolist --enabled` (the table after the `repo id` header)."""
    repos, in_table = [], False
    for line in stdout.splitlines():
        if line.lower().startswith("repo id"):
            in_table = True
            continue
        if in_table and line.strip() and not line.lower().startswith("repolist:"):
            repos.append(line.split()[0])
    return repos


def parse_apt_sources(texts: dict[str, str]) -> list[str]:
    """Enabled sources from one-line `.list` files and deb822 `.sources` files."""
    sources: list[str] = []
    for path, text in sorted(texts.items()):
        if path.endswith(".sources"):
            for stanza in text.split("\n\n"):
                fields = {}
                for line in stanza.splitlines():
                    key, _, value = line.partition(":")
                    if value and not line.startswith((" ", "#")):
                        fields[key.strip().lower()] = value.strip()
                if "deb" in fields.get("types", "").split() and fields.get("enabled", "yes").lower() != "no":
                    sources.append(f"{fields.get('uris', '?')} {fields.get('suites', '')}".strip())
        else:
            for line in text.splitlines():
                words = line.split("#", 1)[0].split()
                if words and words[0] == "deb":
                    sources.append(" ".join(words[1:]))
    return sources


def missing_agent_parts(present: set[str]) -> list[str]:
    """Which executables and files of the agent are not among `present`."""
    return [name for name in AGENT_EXECUTABLES + AGENT_FILES if name not in present]


def presence_script() -> str:
    """One shell command that prints every agent executable and file that exists."""
    executables = " ".join(AGENT_EXECUTABLES)
    files = " ".join(AGENT_FILES)
    return (f"for c in {executables}; do command -v $c >/dev/null 2>&1 && echo $c; done; "
            f"for f in {files}; do test -e $f && echo $f; done; true")
