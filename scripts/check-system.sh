#!/usr/bin/env bash
# Says what `make setup` needs from the system and cannot install itself.
set -u
missing=0
need() { # need CMD WHY FIX
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "setup: '$1' is missing: $2. Fix: $3" >&2
        missing=1
    fi
}
need python3 "the harness is a Python >= 3.11 project" "install python3 (Debian: apt-get install python3 python3-venv)"
if command -v python3 >/dev/null 2>&1; then
    if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "setup: python3 is $(python3 -V 2>&1); the harness needs >= 3.11. Fix: install a newer python3 or run make PYTHON=python3.11 setup" >&2
        missing=1
    fi
    if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        echo "setup: python3 cannot make virtual environments. Fix: apt-get install python3-venv" >&2
        missing=1
    fi
fi
# Optional tools: the tests that need them say so; warn only.
for tool in docker debootstrap jq curl ssh; do
    command -v "$tool" >/dev/null 2>&1 || echo "setup: note: '$tool' not found; tests and commands that need it will report it (Debian: apt-get install $tool; .ci/run installs them)" >&2
done
exit $missing
