"""Live progress of a scenario run: each node's latest wave, the stack status, elapsed time.

On a terminal: a rich table that redraws in place, with the step and event lines printed above
it. Not on a terminal (or with CI set): plain lines, one per change. The node columns are read
from the fakes' request journal (in-process, no extra requests): a signal PUT names its
deployment's resource and member stack, a metadata GET comes from the node's address.
"""
from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.live import Live
from rich.table import Table

SHORT = r"[a-z0-9]{12}"
_EVENT = re.compile(r"^\S+ \S+ \[(?P<path>[^\]]+)\]: (?P<status>[A-Z_]+)\s")


@dataclass
class NodeProgress:
    label: str
    address: str
    wave: str = "-"            # the last wave it signalled
    signals: int = 0
    last_poll: float | None = None


def signal_target(object_name: str, stack_name: str, roles: list[str]) -> tuple[str, str] | None:
    """("<Role>-<index>", wave) from a signal object's name, else None.
    Per-node deployments: `<stack>-<Role>-<12>-<index>-<12>-<Wave>Deployment-<12>`;
    all-nodes groups: `<stack>-<Role><Wave>Deployment-<12>-<index>-<12>`."""
    if not object_name.startswith(stack_name + "-"):
        return None
    rest = object_name[len(stack_name) + 1:]
    member = re.fullmatch(rf"(\w+?)-{SHORT}-(\d+)-{SHORT}-(\w+)-{SHORT}", rest)
    if member:
        return f"{member[1]}-{member[2]}", _wave(member[3])
    group = re.fullmatch(rf"(\w+)-{SHORT}-(\d+)-{SHORT}", rest)
    if group:
        role = max((r for r in roles if group[1].startswith(r)), key=len, default=None)
        if role:
            return f"{role}-{group[2]}", _wave(group[1][len(role):])
    return None


def _wave(resource: str) -> str:
    return resource[:-len("Deployment")] if resource.endswith("Deployment") else resource


def is_plain(stream) -> bool:
    return bool(os.environ.get("CI")) or not getattr(stream, "isatty", lambda: False)()


class Progress:
    """`with Progress(ctx) as live: live.update(line)`; a background thread follows the journal."""

    def __init__(self, ctx, stream=None, plain: bool | None = None, interval: float = 0.5):
        self.ctx = ctx
        self.stream = stream or sys.stderr
        self.plain = is_plain(self.stream) if plain is None else plain
        self.interval = interval
        self.status = "-"
        self.step = ""
        self.nodes = {ctx.label(n): NodeProgress(ctx.label(n), n.address) for n in ctx.nodes}
        self.waves: dict[str, set] = {}     # wave -> labels that signalled it, in order seen
        self._seq = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._live: Live | None = None
        self.console = Console(file=self.stream, highlight=False, soft_wrap=True)

    # -- context manager ---------------------------------------------------------------------
    def __enter__(self) -> "Progress":
        if not self.plain:
            self._live = Live(self._table(), console=self.console, refresh_per_second=4,
                              transient=False)
            self._live.__enter__()
        self._thread = threading.Thread(target=self._follow, name="report-progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.poll()
        if self._live is not None:
            self._live.update(self._table())
            self._live.__exit__(*exc)
        if exc and exc[0] is not None:
            self._save_interrupted(exc[1])

    def _save_interrupted(self, error) -> None:
        """The run is being torn down by an exception (Ctrl-C included): keep what is known in
        this process now. On a signal the nodes and the run network are already gone (the
        handler in harness.nodes.cleanup removes them first), so nothing is asked over the wire."""
        from harness.report.artefacts import write_artefacts

        name = getattr(self.ctx.scenario, "name", "")
        try:
            path = write_artefacts(self.ctx, {
                "scenario": name, "passed": False, "status": self.status,
                "error": f"interrupted: {type(error).__name__}: {error}", "steps": []},
                reachable=not isinstance(error, KeyboardInterrupt))
            self._say(f"interrupted; artefacts so far: {path.parent}")
        except Exception as failure:  # never hide the interruption behind a reporting error
            self._say(f"interrupted; could not write artefacts: {failure}")

    # -- input -------------------------------------------------------------------------------
    def update(self, step: str) -> None:
        """A step line or an event line (`... [overcloud]: CREATE_COMPLETE  ...`)."""
        event = _EVENT.match(step)
        with self._lock:
            if event and event["path"] == self.ctx.stack_name:
                self.status = event["status"]
            elif not event:
                self.step = step
        self._say(step)

    def poll(self) -> list[str]:
        """Read new journal entries; returns (and says, in plain mode) what changed."""
        journal = getattr(self.ctx.undercloud, "journal", None)
        if journal is None:
            return []
        entries = journal.entries(since=self._seq)
        self._keep(entries)
        changes = []
        with self._lock:
            for entry in entries:
                self._seq = max(self._seq, entry["seq"])
                change = self._apply(entry) if entry.get("service") == "swift" else None
                if change:
                    changes.append(change)
        if self.plain:
            for change in changes:
                self._say(change)
        elif self._live is not None:
            self._live.update(self._table())
        return changes

    def _keep(self, entries: list[dict]) -> None:
        """Append the new journal entries to run_dir/journal.jsonl as they come: the in-memory
        journal is bounded (a long run's first waves fall out of it) and a run may be cut short."""
        run_dir = getattr(self.ctx, "run_dir", None)
        if not entries or run_dir is None:
            return
        from harness.report.artefacts import JOURNAL_LOG, Writer, known_secrets

        writer = Writer(Path(run_dir), known_secrets(self.ctx.undercloud))
        lines = "".join(writer.scrub(json.dumps(e, default=str)) + "\n" for e in entries)
        with open(Path(run_dir) / JOURNAL_LOG, "a", encoding="utf-8") as log:
            log.write(lines)

    def _apply(self, entry: dict) -> str | None:
        status = entry.get("status", 0)
        if entry.get("method") in ("GET", "HEAD") and status == 200:
            node = self._by_address(entry.get("remote_addr"))
            if node is not None:
                node.last_poll = entry["started_at"]
            return None
        if entry.get("method") != "PUT" or not 200 <= status < 300:
            return None
        roles = sorted({label.rsplit("-", 1)[0] for label in self.nodes})
        target = signal_target(entry["path"].rsplit("/", 1)[-1], self.ctx.stack_name, roles)
        if target is None:
            return None
        # a node added by a later step (scale-up) was not in the context at the start
        node = self.nodes.setdefault(target[0], NodeProgress(target[0], "?"))
        node.wave, node.signals = target[1], node.signals + 1
        done = self.waves.setdefault(node.wave, set())
        done.add(node.label)
        line = (f"[{self._elapsed():6.1f}s] {node.label} signalled {node.wave} "
                f"({node.signals} done; stack {self.status})")
        if len(done) == len(self.nodes):
            line += f"\n[{self._elapsed():6.1f}s] wave {node.wave}: all {len(done)} nodes signalled"
        return line

    def wave_summary(self) -> str:
        """`Bootstrap 4/4 · HostsEntry 2/4`: how many nodes signalled each wave, in order."""
        return " · ".join(f"{wave} {len(done)}/{len(self.nodes)}"
                          for wave, done in self.waves.items())

    def _by_address(self, address: str | None) -> NodeProgress | None:
        matches = [n for n in self.nodes.values() if n.address == address]
        return matches[0] if len(matches) == 1 else None

    # -- output ------------------------------------------------------------------------------
    def _follow(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.poll()
            except Exception as error:  # progress must never break the run it watches
                self._say(f"(progress stopped: {type(error).__name__}: {error})")
                return

    def _say(self, line: str) -> None:
        if self._live is not None:
            self._live.console.print(line, markup=False)
        else:
            print(line, file=self.stream, flush=True)

    def _elapsed(self) -> float:
        return time.time() - self.ctx.started if self.ctx.started else 0.0

    def _table(self) -> Table:
        with self._lock:
            table = Table(title=f"{self.ctx.stack_name}: {self.status}   "
                                f"elapsed {self._elapsed():.0f}s   {self.step[:60]}",
                          title_justify="left", caption=self.wave_summary() or None,
                          caption_justify="left")
            for column in ("node", "address", "last wave signalled", "signals", "last poll"):
                table.add_column(column)
            now = time.time()
            for node in sorted(self.nodes.values(), key=lambda n: n.label):
                fetch = f"{now - node.last_poll:.0f}s ago" if node.last_poll else "never"
                table.add_row(node.label, node.address, node.wave, str(node.signals), fetch)
        return table
