"""Waitress listeners: one server per (bind address, service port), each in its own thread."""
from __future__ import annotations

import ipaddress
import logging
import threading

from waitress import create_server
from waitress import wasyncore

log = logging.getLogger(__name__)
DEFAULT_THREADS = 4  # bench/RESULTS.md: more threads only add GIL contention on a core
# waitress warns "Task queue depth is N" whenever requests wait for a worker: under a poll
# storm that is every request, and formatting those warnings cost more than serving them.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def check_bind_address(host: str) -> ipaddress._BaseAddress:
    """Bind addresses are IP literals, so a listener is exactly one socket we can reason about."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"bind address {host!r} is not an IP address; give one such as "
                         "127.0.0.1, ::1 or the undercloud's provisioning address") from None


def is_loopback(host: str) -> bool:
    return check_bind_address(host).is_loopback


class Listener:
    """A waitress server for one WSGI app on one address and port (0 = a free port).

    The socket is bound at construction, so `port` is known before `start()`.
    """

    def __init__(self, app, host: str, port: int, name: str, threads: int = DEFAULT_THREADS):
        check_bind_address(host)
        self.host = host
        self.name = name
        self.app = app
        try:
            self.server = create_server(
                app, host=host, port=port, threads=threads,
                ident="",  # no Server header: the real services behind Apache/eventlet differ
                clear_untrusted_proxy_headers=True, expose_tracebacks=False,
                connection_limit=1000, backlog=1024, asyncore_use_poll=True,
                asyncore_loop_timeout=1)
        except OSError as error:
            raise OSError(error.errno, f"cannot listen for {name} on {host}:{port}: "
                          f"{error.strerror} (is another undercloud running? "
                          "choose other ports or 0 for free ones)") from None
        self.port = int(self.server.effective_port)
        self._thread = threading.Thread(target=self._run, name=f"{name}@{host}:{self.port}",
                                        daemon=True)

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except Exception:  # pragma: no cover - logged, the listener is gone
            log.exception("listener %s on %s:%s stopped", self.name, self.host, self.port)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the worker threads first (in-flight requests finish and still wake the loop),
        then close the listening socket and every connection from inside the server's own
        loop (waitress' dispatchers are not thread-safe) and wait for the loop to end."""
        server = self.server
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=timeout)
        if self._thread.is_alive():
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("listener %s on %s:%s did not stop within %ss",
                            self.name, self.host, self.port, timeout)
        else:
            wasyncore.close_all(server._map)

    def __repr__(self) -> str:
        return f"<Listener {self.name} {self.host}:{self.port}>"
