"""The project's own tests. Options and markers come from the harness plugin (harness/plugin.py)."""

import re

import pytest
import responses


@pytest.fixture
def undercloud_password():
    """The admin password of the `cloud` fixture; override it in a module that needs its own."""
    return "pw"


@pytest.fixture
def cloud(monkeypatch, undercloud_password):
    """A fake undercloud served in-process through `responses`, its stackrc in the environment
    (as `source stackrc` would leave it), so openstacksdk from OS_* reaches it with no socket."""
    from fakes.undercloud import Undercloud

    undercloud = Undercloud(password=undercloud_password)
    for line in undercloud.stackrc_text().splitlines():
        match = re.match(r"^export (OS_\w+)=(.*)$", line)
        if match:
            monkeypatch.setenv(match.group(1), match.group(2).strip("'"))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        undercloud.mount_responses(rsps)
        yield undercloud
    undercloud.stop()
