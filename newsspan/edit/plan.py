"""A plan: the files a command that writes would write, and every problem found before anything is.

The commands that write (add, import, canonicalize, reanchor, remove, rename, validate --fix) build a
plan from the root as it stands, without writing; :func:`run` does that under the root's lock and then
writes the plan's files (and deletes those it removes) (``Root.write_all``: each file atomically, texts and metas before
annotations). The files about to be written are checked first as ``newsspan validate`` checks
them (:meth:`Plan.check_writes`). A command's own problems are told at the thing they are about (the
input file, the option, the export item: ``where``), with a fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import store
from ..report import ERROR, WARNING, Problem
from ..validator import check_writes

NOTE = "note"  # the severity of what a user is told that is no problem (a unit converted, a field left out)


@dataclass
class Plan:
    """The files to write and the problems found: ``errors`` (then the command writes nothing of what
    they concern), ``warnings`` and ``notes`` (Problems of that severity), and ``summary`` lines."""

    check: str  # the check id of the command's own problems
    writes: list[tuple[Path, bytes]] = field(default_factory=list)
    removes: list[Path] = field(default_factory=list)  # files to delete once the writes are done (remove, rename)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, where, message: str, hint: str | None = None, check: str | None = None) -> None:
        self.add([Problem(check or self.check, message, hint=hint, where=str(where))])

    def warn(self, where, message: str, hint: str | None = None) -> None:
        self.add([Problem(self.check, message, hint=hint, where=str(where), severity=WARNING)])

    def note(self, where, message: str) -> None:
        self.add([Problem(self.check, message, where=str(where), severity=NOTE)])

    def add(self, problems: Iterable[Problem]) -> None:
        """Problems, each to the list of its severity."""
        for p in problems:
            {ERROR: self.errors, WARNING: self.warnings}.get(p.severity, self.notes).append(p)

    def check_writes(self, root: store.Root, writes, told: Callable[[Problem], Problem] | None = None) -> bool:
        """What `newsspan validate` would report in files about to be written (metadata included)
        joins the plan, each problem as ``told`` tells it; whether they hold no error."""
        # located by pointer alone: the line of a file that is not written yet helps nobody
        found = [replace(p, line=None, column=None) for p in check_writes(root, writes)]
        found = [told(p) for p in found] if told else found
        self.add(found)
        return not any(p.severity == ERROR for p in found)


def run(root: store.Root, build: Callable[[], Plan], on_wait: Callable[[str], None] | None = None) -> Plan:
    """Build a plan, write its files and delete those it removes, all under the root's lock (so that no
    other command changes what the plan was made from); ``on_wait(message)`` is called when the lock is held."""
    root.check()
    with root.lock(on_wait=on_wait):
        plan = build()
        root.write_all(plan.writes)
        for path in plan.removes:  # an unlink is atomic: each file is there or gone
            root.check_writable(path)
            path.unlink(missing_ok=True)
    return plan
