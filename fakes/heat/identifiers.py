"""Names, ids and times the way Heat derives them.

- short ids: heat/common/short_id.py (12 lower-case base32 chars from a v4 uuid's 60 random
  "time" bits), used in physical resource names `<stack>-<resource>-<short id>`;
- name reduction: heat/engine/resource.py `reduce_physical_resource_name` (servers are limited
  to 53 chars: first 2 chars + "-" + the last 50);
- timestamps: heat/common/timeutils.py `isotime` (seconds, literal Z).
"""
from __future__ import annotations

import base64
import re
import time
import uuid

MAX_NAME_LENGTH = 255
MAX_SERVER_NAME_LENGTH = 53
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                      r"[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


def new_uuid() -> str:
    return str(uuid.uuid4())


def short_id(source_uuid: str) -> str:
    """The 12-char id Heat derives from a v4 uuid (same input -> same output as Heat)."""
    value = uuid.UUID(source_uuid).time  # the 60 random bits of a v4 uuid
    shifts = range(60 - 8, -8, -8)  # big-endian bytes, padded after the last bit
    raw = bytes(((value >> s) if s >= 0 else (value << -s)) & 0xFF for s in shifts)
    return base64.b32encode(raw)[:12].decode("ascii").lower()


def reduce_name(name: str, limit: int) -> str:
    if len(name) <= limit:
        return name
    return name[:2] + "-" + name[-(limit - 3):]


def physical_name(stack_name: str, resource_name: str, resource_uuid: str,
                  limit: int = MAX_NAME_LENGTH) -> str:
    return reduce_name(f"{stack_name}-{resource_name}-{short_id(resource_uuid)}", limit)


def is_uuid_like(text: str) -> bool:
    return bool(_UUID_RE.match(text or ""))


def isotime(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def identity(tenant: str, stack_name: str, stack_id: str) -> dict:
    return {"tenant": tenant, "stack_name": stack_name, "stack_id": stack_id, "path": ""}


def stack_path(stack_name: str, stack_id: str) -> str:
    """`name/id`, Heat's `HeatIdentifier.stack_path()` (deploy_stack_id, the heat collector)."""
    return f"{stack_name}/{stack_id}"


def arn(tenant: str, stack_name: str, stack_id: str) -> str:
    """A template resource's reference when its template has no `OS::stack_id` output."""
    return f"arn:openstack:heat::{tenant}:stacks/{stack_name}/{stack_id}"
