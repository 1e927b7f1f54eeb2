"""A plan: the files a command would write, and every problem found before anything is written (told
at the thing it is about, ``where``: the input file, the option, the export item)."""

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
    """The files to write and delete, the problems found, and ``summary`` lines."""

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

    def error(self, where, message: str, hint: str | None = None) -> None:
        self.add([Problem(self.check, message, hint=hint, where=str(where))])

    def warn(self, where, message: str, hint: str | None = None) -> None:
        self.add([Problem(self.check, message, hint=hint, where=str(where), severity=WARNING)])

    def note(self, where, message: str) -> None:
        self.add([Problem(self.check, message, where=str(where), severity=NOTE)])

    def add(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            {ERROR: self.errors, WARNING: self.warnings}.get(p.severity, self.notes).append(p)

    def check_writes(self, root: store.Root, writes, told: Callable[[Problem], Problem] = lambda p: p) -> bool:
        """Add what `newsspan validate` finds in the files about to be written (as ``told`` tells it); no error?"""
        # located by pointer alone: the line of a file that is not written yet helps nobody
        found = [told(replace(p, line=None, column=None)) for p in check_writes(root, writes)]
        self.add(found)
        return not any(p.severity == ERROR for p in found)


def run(root: store.Root, build: Callable[[], Plan], on_wait: Callable[[str], None] | None = None) -> Plan:
    """Build a plan and write it, under the root's lock: no other command changes what it was made from."""
    root.check()
    with root.lock(on_wait=on_wait):
        plan = build()
        root.write_all(plan.writes)
        for path in plan.removes:  # an unlink is atomic: each file is there or gone
            root.check_writable(path)
            path.unlink(missing_ok=True)
    return plan
