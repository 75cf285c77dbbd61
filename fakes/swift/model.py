"""Swift state: accounts (`AUTH_<project_id>`), containers, objects and metadata. No HTTP here.

Accounts are created on first use, like Swift with `account_autocreate = true` behind keystone.
"""
from __future__ import annotations

import hashlib
import math
import mimetypes
import secrets
import threading
from dataclasses import dataclass, field

from fakes.swift import tempurl
from fakes.swift.errors import BadRequest, Conflict, NotFound, UnprocessableEntity

LAST_MODIFIED_MODES = ("distinct", "swift")
DEFAULT_CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class ObjectInfo:
    name: str
    etag: str  # md5 hex, unquoted like Swift
    length: int
    content_type: str
    timestamp: float
    last_modified: int  # epoch seconds
    meta: dict = field(default_factory=dict, compare=False)  # lower-case names, no prefix


@dataclass(frozen=True)
class ContainerInfo:
    name: str
    count: int
    bytes: int
    timestamp: float
    last_modified: int


@dataclass
class _Container:
    timestamp: float
    meta: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)  # name -> (ObjectInfo, bytes)


@dataclass
class _Account:
    timestamp: float
    meta: dict = field(default_factory=dict)
    containers: dict = field(default_factory=dict)  # name -> _Container


class SwiftModel:
    def __init__(self, clock, last_modified: str = "distinct") -> None:
        if last_modified not in LAST_MODIFIED_MODES:
            raise ValueError(f"last_modified must be one of {LAST_MODIFIED_MODES}, "
                             f"not {last_modified!r}")
        self.clock = clock
        self.last_modified_mode = last_modified
        self._lock = threading.RLock()
        self._accounts: dict[str, _Account] = {}
        # Last-Modified handed out per object path, kept across deletes (see _last_modified).
        self._previous_last_modified: dict[tuple[str, str, str], int] = {}
        self._subscribers: list = []

    # -- accounts -------------------------------------------------------------------------
    def _account(self, account: str) -> _Account:
        if account not in self._accounts:
            self._accounts[account] = _Account(self.clock.now())
        return self._accounts[account]

    def account_meta(self, account: str) -> dict:
        with self._lock:
            return dict(self._account(account).meta)

    def set_account_meta(self, account: str, key: str, value: str | None) -> None:
        """Set (or with an empty value, remove) `X-Account-Meta-<key>`; key lower-cased."""
        with self._lock:
            meta = self._account(account).meta
            if value:
                meta[key.lower()] = value
            else:
                meta.pop(key.lower(), None)

    def account_info(self, account: str) -> tuple[float, list[ContainerInfo]]:
        """(account timestamp, containers sorted by name)."""
        with self._lock:
            acct = self._account(account)
            return acct.timestamp, [self._container_info(n, c)
                                    for n, c in sorted(acct.containers.items())]

    # -- containers -----------------------------------------------------------------------
    def put_container(self, account: str, container: str, meta: dict | None = None) -> bool:
        """Create (True) or update the metadata of (False) a container."""
        _check_name("container", container)
        with self._lock:
            acct = self._account(account)
            created = container not in acct.containers
            if created:
                acct.containers[container] = _Container(self.clock.now())
            acct.containers[container].meta.update(meta or {})
            return created

    def container_meta(self, account: str, container: str) -> dict:
        with self._lock:
            return dict(self._container(account, container).meta)

    def set_container_meta(self, account: str, container: str, meta: dict) -> None:
        with self._lock:
            target = self._container(account, container).meta
            for key, value in meta.items():
                if value:
                    target[key.lower()] = value
                else:
                    target.pop(key.lower(), None)

    def container_info(self, account: str, container: str) -> ContainerInfo:
        with self._lock:
            return self._container_info(container, self._container(account, container))

    def delete_container(self, account: str, container: str) -> None:
        with self._lock:
            if self._container(account, container).objects:
                raise Conflict(f"container {container} is not empty")
            del self._accounts[account].containers[container]

    def list_container(self, account: str, container: str, prefix: str = "",
                       marker: str = "", end_marker: str = "", limit: int = 10000) -> list:
        """ObjectInfos sorted by name, filtered like Swift's listing query parameters."""
        with self._lock:
            objects = self._container(account, container).objects
            names = sorted(n for n in objects if n.startswith(prefix) and n > marker
                           and (not end_marker or n < end_marker))
            return [objects[n][0] for n in names[:limit]]

    def _container(self, account: str, container: str) -> _Container:
        found = self._account(account).containers.get(container)
        if found is None:
            raise NotFound(f"container {account}/{container} does not exist")
        return found

    @staticmethod
    def _container_info(name: str, container: _Container) -> ContainerInfo:
        infos = [info for info, _ in container.objects.values()]
        stamp = max([container.timestamp, *(i.timestamp for i in infos)])
        return ContainerInfo(name, len(infos), sum(i.length for i in infos),
                             container.timestamp, math.ceil(stamp))

    # -- objects --------------------------------------------------------------------------
    def put_object(self, account: str, container: str, name: str, body: bytes,
                   content_type: str | None = None, meta: dict | None = None,
                   expected_etag: str | None = None) -> ObjectInfo:
        """Store an object; `expected_etag` (the PUT's Etag header) must match the body's md5."""
        _check_name("object", name)
        etag = hashlib.md5(body).hexdigest()
        if expected_etag and expected_etag.lower() != etag:
            raise UnprocessableEntity(f"Etag {expected_etag} does not match the body's md5 {etag}")
        with self._lock:
            objects = self._container(account, container).objects
            now = self.clock.now()
            info = ObjectInfo(
                name=name, etag=etag, length=len(body),
                content_type=content_type or mimetypes.guess_type(name)[0] or DEFAULT_CONTENT_TYPE,
                timestamp=now, last_modified=self._last_modified((account, container, name), now),
                meta={k.lower(): v for k, v in (meta or {}).items()})
            objects[name] = (info, bytes(body))
        self._notify(account, container, name)
        return info

    def _last_modified(self, path: tuple[str, str, str], timestamp: float) -> int:
        """Swift's Last-Modified is the timestamp rounded UP to the second.

        In "distinct" mode it also never repeats for the same object: it moves to the next
        second instead. Why: consumers skip a re-read unless Last-Modified moved strictly
        forward (os-collect-config's request collector, protocol.md 5.3, and Heat's TEMP_URL
        signal check, 3.4), so two writes within one second must not look like one. "swift"
        mode reproduces real ceil rounding exactly, repeats included.
        """
        last_modified = math.ceil(timestamp)
        previous = self._previous_last_modified.get(path)
        if self.last_modified_mode == "distinct" and previous is not None:
            last_modified = max(last_modified, previous + 1)
        self._previous_last_modified[path] = last_modified
        return last_modified

    def get_object(self, account: str, container: str, name: str) -> tuple[ObjectInfo, bytes]:
        with self._lock:
            found = self._container(account, container).objects.get(name)
            if found is None:
                raise NotFound(f"object {account}/{container}/{name} does not exist")
            return found

    def head_object(self, account: str, container: str, name: str) -> ObjectInfo:
        return self.get_object(account, container, name)[0]

    def post_object(self, account: str, container: str, name: str, meta: dict,
                    content_type: str | None = None) -> ObjectInfo:
        """Replace the object's user metadata (Swift's fast-POST), keeping its body."""
        with self._lock:
            info, body = self.get_object(account, container, name)
            now = self.clock.now()
            updated = ObjectInfo(info.name, info.etag, info.length,
                                 content_type or info.content_type, now,
                                 self._last_modified((account, container, name), now),
                                 {k.lower(): v for k, v in meta.items()})
            self._accounts[account].containers[container].objects[name] = (updated, body)
            return updated

    def delete_object(self, account: str, container: str, name: str) -> None:
        with self._lock:
            objects = self._container(account, container).objects
            if name not in objects:
                raise NotFound(f"object {account}/{container}/{name} does not exist")
            del objects[name]
        self._notify(account, container, name)

    # -- temp URLs and subscribers --------------------------------------------------------
    def temp_url_keys(self, account: str, container: str | None = None) -> list[str]:
        """Account keys, then the container's (which only sign that container)."""
        with self._lock:
            acct = self._account(account)
            keys = [acct.meta.get("temp-url-key"), acct.meta.get("temp-url-key-2")]
            if container is not None and container in acct.containers:
                cmeta = acct.containers[container].meta
                keys += [cmeta.get("temp-url-key"), cmeta.get("temp-url-key-2")]
            return [k for k in keys if k]

    def temp_url(self, method: str, account: str, container: str, obj: str,
                 expires: int = tempurl.DEFAULT_EXPIRES, digest: str = "sha1") -> str:
        """Path + query of a temp URL, creating the account key (32 hex chars) as Heat does."""
        with self._lock:
            key = self._account(account).meta.setdefault("temp-url-key", secrets.token_hex(16))
        path = f"/v1/{account}/{container}/{obj}"
        form = "base64" if digest == "sha512" else "hex"  # swiftclient's forms
        sig = tempurl.sign(key, method, expires, path, digest, form)
        return f"{path}?{tempurl.temp_url_query(sig, expires)}"

    def subscribe(self, callback) -> None:
        """`callback(account, container, name)` after every object PUT/DELETE."""
        self._subscribers.append(callback)

    def _notify(self, account: str, container: str, name: str) -> None:
        for callback in list(self._subscribers):
            callback(account, container, name)


def _check_name(kind: str, name: str) -> None:
    if not name or "\x00" in name or len(name) > 1024:
        raise BadRequest(f"invalid {kind} name {name!r}")
