"""Errors of the overcloud tooling: each names the file and the key path that is wrong."""
from __future__ import annotations

from typing import Any, Sequence

# The operator's guide, "Using Already Deployed Servers", word for word: cited whenever a roles
# file or an environment would mix deployed servers with Nova/Ironic provisioned ones.
ALL_OR_NOTHING_RULE = (
    "It's an all or nothing approach when using already deployed servers. Mixing using deployed "
    "servers with servers provisioned with Nova and Ironic is not currently possible.")


class OvercloudError(Exception):
    """Anything the overcloud tooling refuses or fails at; the message says what and how to fix."""


def key_path(path: Sequence[Any]) -> str:
    """`roles[1].ServicesDefault` style: list indices in brackets, mapping keys dotted."""
    rendered = ""
    for item in path:
        if isinstance(item, int):
            rendered += f"[{item}]"
        else:
            rendered += f".{item}" if rendered else str(item)
    return rendered


class FileError(OvercloudError):
    """A problem inside one input file, located by its key path."""

    def __init__(self, filename: str, path: Sequence[Any], message: str) -> None:
        self.filename = str(filename)
        self.path = list(path)
        self.message = message
        where = key_path(self.path)
        super().__init__(f"{self.filename}: {where}: {message}" if where
                         else f"{self.filename}: {message}")


class MixedServersError(FileError):
    """Roles data or an environment would mix deployed servers with Nova/Ironic servers."""

    def __init__(self, filename: str, path: Sequence[Any], what: str) -> None:
        super().__init__(filename, path, f"{what}. {ALL_OR_NOTHING_RULE}")
