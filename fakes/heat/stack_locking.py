"""The engine's one lock: public methods run under it and wake the worker when done."""
from __future__ import annotations

import functools


def locked(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._cond:
            try:
                return method(self, *args, **kwargs)
            finally:
                self.flush_servers()
                self._wake_locked()
    return wrapper
