"""The broken-files corpus (tests/data/broken/): every malformed scenario, plan, roles data and
environment file is refused with an error that names the file and the key path (each file's
first line, `# expect: <text>`, says what the error must contain), never a crash."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.overcloud.environment import load_environments
from harness.overcloud.errors import OvercloudError
from harness.overcloud.plans import load_plan
from harness.overcloud.roles import load_roles
from harness.scenario.loader import ScenarioError, load_scenario

CORPUS = Path(__file__).resolve().parent.parent / "data" / "broken"
LOADERS = {
    "scenarios": (load_scenario, ScenarioError),
    "plans": (load_plan, OvercloudError),
    "roles": (load_roles, OvercloudError),
    "environments": (lambda path: load_environments([path], load_roles(None)), OvercloudError),
}
FILES = sorted(CORPUS.glob("*/*.yaml"))


def _expected(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{path}: the first line must say `# expect: <text>`"
    return first.removeprefix("# expect: ")


def test_the_corpus_covers_every_kind_of_input():
    kinds = {path.parent.name for path in FILES}
    assert kinds == set(LOADERS) and len(FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_broken_file_is_refused_naming_the_file_and_the_key_path(path):
    load, error_type = LOADERS[path.parent.name]
    with pytest.raises(error_type) as refused:
        load(path)
    message = str(refused.value)
    assert str(path) in message, f"the error does not name the file: {message}"
    assert _expected(path) in message, f"the error does not say {_expected(path)!r}: {message}"
    assert "Traceback" not in message
