"""Roles data (TripleO's `roles_data.yaml` format) for deployed servers: loading and checks.

Only the keys the harness uses are checked; TripleO's other keys are accepted and ignored.
Every role must carry `disable_constraints: True`, as in THT's deployed-server-roles-data.yaml:
a role without it is a role for Nova/Ironic servers, and the guide forbids mixing the two.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from harness.overcloud.errors import FileError, MixedServersError, OvercloudError

DEFAULT_ROLES_FILE = Path(__file__).parent / "data" / "deployed-server-roles-data.yaml"
ROLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


@dataclass(frozen=True)
class Role:
    name: str
    count_default: int = 1
    hostname_format: str = ""
    services: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    description: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def server_resource(self) -> str:
        """The server resource's name in the role template: the role's, but `NovaCompute` for
        `Compute` (as THT names it, and as get-occ-config.sh expects)."""
        return "NovaCompute" if self.name == "Compute" else self.name

    def hostname(self, stack_name: str, index: int) -> str:
        return (self.hostname_format.replace("%stackname%", stack_name)
                .replace("%index%", str(index)))


def load_roles(path: str | Path | None = None) -> list[Role]:
    """Read and check a roles data file (default: the deployed-server roles)."""
    path = Path(path) if path else DEFAULT_ROLES_FILE
    try:
        text = path.read_text()
    except OSError as exc:
        raise FileError(str(path), [], f"cannot read the roles data file: {exc.strerror}. "
                        "Pass an existing file with -r/--roles-file.") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FileError(str(path), [], f"not valid YAML: {exc}") from None
    return parse_roles(data, str(path))


def parse_roles(data: object, filename: str) -> list[Role]:
    if not isinstance(data, list) or not data:
        raise FileError(filename, [], "roles data must be a non-empty list of roles "
                        "(`- name: ControllerDeployedServer ...`)")
    roles: list[Role] = []
    seen: set[str] = set()
    for index, item in enumerate(data):
        role = _parse_role(item, filename, index)
        if role.name in seen:
            raise FileError(filename, [index, "name"], f"role {role.name!r} is defined twice")
        seen.add(role.name)
        roles.append(role)
    return roles


def _parse_role(item: object, filename: str, index: int) -> Role:
    if not isinstance(item, dict):
        raise FileError(filename, [index], "each role must be a mapping with at least `name`")
    name = item.get("name")
    if not isinstance(name, str) or not ROLE_NAME.match(name):
        raise FileError(filename, [index, "name"], f"role name {name!r} must be letters and "
                        "digits starting with a letter (it names Heat resources and parameters)")
    if item.get("disable_constraints") is not True:
        raise MixedServersError(
            filename, [index, "disable_constraints"],
            f"role {name} lacks `disable_constraints: True`, so it would be a role for servers "
            "provisioned by Nova and Ironic; add `disable_constraints: True` to every role")
    count = item.get("CountDefault", 0)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise FileError(filename, [index, "CountDefault"],
                        f"CountDefault must be a whole number >= 0, not {count!r}")
    hostname_format = item.get("HostnameFormatDefault",
                               f"%stackname%-{name.lower()}-%index%")
    if not isinstance(hostname_format, str) or "%index%" not in hostname_format:
        raise FileError(filename, [index, "HostnameFormatDefault"],
                        "HostnameFormatDefault must be a string containing %index% "
                        "(e.g. '%stackname%-controller-%index%')")
    return Role(
        name=name, count_default=count, hostname_format=hostname_format,
        services=_strings(item, "ServicesDefault", filename, index),
        tags=_strings(item, "tags", filename, index),
        networks=_strings(item, "networks", filename, index),
        description=str(item.get("description", "")).strip(),
        extra={k: v for k, v in item.items() if k not in _KNOWN_KEYS})


_KNOWN_KEYS = {"name", "disable_constraints", "CountDefault", "HostnameFormatDefault",
               "ServicesDefault", "tags", "networks", "description"}


def _strings(item: dict, key: str, filename: str, index: int) -> tuple[str, ...]:
    value = item.get(key) or []
    if isinstance(value, dict):  # newer roles data: networks as a mapping of name -> options
        value = list(value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FileError(filename, [index, key], f"{key} must be a list of strings")
    return tuple(value)


def find_role(roles: list[Role], name: str, what: str) -> Role:
    """The role called `name`; an unknown name is an error that lists the known ones."""
    for role in roles:
        if role.name == name:
            return role
    known = ", ".join(r.name for r in roles)
    raise OvercloudError(f"{what}: no role named {name!r}; the roles are {known}")
