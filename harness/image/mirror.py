"""Which Debian mirror to debootstrap from: the one apt already uses, read at run time.

Order: `--mirror`, then env HARNESS_DEBIAN_MIRROR, then apt's configuration
(/etc/apt/sources.list one-line entries, /etc/apt/sources.list.d/*.list, and the deb822
/etc/apt/sources.list.d/*.sources). Only `deb` entries for the main archive count: a plain codename
suite (not `-security`/`-updates`/`-backports`) with the `main` component.
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.image.errors import MirrorNotFound

MIRROR_ENV = "HARNESS_DEBIAN_MIRROR"
APT_ROOT = Path("/etc/apt")


@dataclass(frozen=True)
class AptSource:
    uri: str
    suites: tuple[str, ...]
    components: tuple[str, ...]
    origin: str  # file (and line) it came from, for messages


@dataclass(frozen=True)
class Mirror:
    uri: str
    origin: str


def find_mirror(release: str, override: str | None = None, environ: Mapping[str, str] | None = None,
                apt_root: Path = APT_ROOT) -> Mirror:
    """The mirror to use for `release`; raises MirrorNotFound naming what was read and the fix."""
    environ = os.environ if environ is None else environ
    if override:
        return Mirror(override.rstrip("/"), "--mirror")
    if environ.get(MIRROR_ENV):
        return Mirror(environ[MIRROR_ENV].rstrip("/"), MIRROR_ENV)
    sources = list(read_apt_sources(apt_root))
    candidates = [s for s in sources if _is_main_archive(s)]
    candidates.sort(key=lambda s: release not in s.suites)  # the release's own entry first
    if candidates:
        return Mirror(candidates[0].uri.rstrip("/"), candidates[0].origin)
    seen = ", ".join(sorted({s.origin.split(":")[0] for s in sources})) or "no apt sources at all"
    raise MirrorNotFound(
        f"no Debian mirror found in apt's configuration under {apt_root} (read: {seen}); "
        f"give one with `harness image build --mirror URL` or set {MIRROR_ENV}=URL")


def read_apt_sources(apt_root: Path = APT_ROOT) -> Iterator[AptSource]:
    one_line_files = [apt_root / "sources.list", *sorted((apt_root / "sources.list.d").glob("*.list"))]
    for path in one_line_files:
        if path.is_file():
            yield from parse_one_line(path.read_text(errors="replace"), str(path))
    for path in sorted((apt_root / "sources.list.d").glob("*.sources")):
        yield from parse_deb822(path.read_text(errors="replace"), str(path))


def parse_one_line(text: str, origin: str) -> Iterator[AptSource]:
    """`deb [options] URI suite component...` lines."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line.startswith("deb "):
            continue
        rest = line[len("deb "):].strip()
        if rest.startswith("["):
            rest = rest.partition("]")[2].strip()
        words = rest.split()
        if len(words) >= 3:
            yield AptSource(words[0], (words[1],), tuple(words[2:]), f"{origin}:{number}")


def parse_deb822(text: str, origin: str) -> Iterator[AptSource]:
    """Stanzas of `Types:`, `URIs:`, `Suites:`, `Components:` (and `Enabled:`)."""
    for number, stanza in enumerate(_stanzas(text), start=1):
        if stanza.get("enabled", "yes").lower() == "no" or "deb" not in stanza.get("types", "").split():
            continue
        suites = tuple(stanza.get("suites", "").split())
        components = tuple(stanza.get("components", "").split())
        for uri in stanza.get("uris", "").split():
            yield AptSource(uri, suites, components, f"{origin}:stanza {number}")


def _stanzas(text: str) -> Iterator[dict[str, str]]:
    fields: dict[str, str] = {}
    key = None
    for raw in text.splitlines() + [""]:
        if raw.startswith("#"):
            continue
        if not raw.strip():
            if fields:
                yield fields
            fields, key = {}, None
        elif raw[0] in " \t" and key:  # continuation line
            fields[key] += " " + raw.strip()
        elif ":" in raw:
            key, _, value = raw.partition(":")
            key = key.strip().lower()
            fields[key] = value.strip()


def _is_main_archive(source: AptSource) -> bool:
    plain_suite = any("-" not in suite and "/" not in suite for suite in source.suites)
    usable_uri = source.uri.startswith(("http://", "https://", "file:/", "ftp://"))
    return plain_suite and "main" in source.components and usable_uri
