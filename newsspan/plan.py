"""A plan: the files a writing command would write, and every problem found before anything is.

Commands (add, import, canonicalize, reanchor, validate --fix, export) build a plan without
writing, then write it whole (``Root.write_all``) when it holds no error. The files about to be
written are checked as ``newsspan validate`` would check them; a problem of a file an import
writes is told at the export item its span came from, with a fix to make in the tool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import store
from .validator import check_writes


@dataclass
class Plan:
    writes: list[tuple[Path, bytes]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def check_writes(self, root: store.Root, writes, prefix: str = "", origins: dict | None = None) -> bool:
        """Validate files about to be written as `newsspan validate` would (metadata included):
        their errors and warnings join the plan's. Whether they hold no error.

        origins: {file: {JSON pointer: where it came from}} ("" for the file as a whole): a problem
        of such a file is told at the export item it came from, with a fix to make in the tool.
        """
        ok = True
        for p in check_writes(root, writes):
            line = (
                from_export(p, origins[p.path])
                if origins and p.path in origins
                else f"{p.path}{' ' + p.pointer if p.pointer else ''}: {prefix}{p.severity}[{p.check}] {p.message}"
            )
            (self.errors if p.severity == "error" else self.warnings).append(line)
            ok &= p.severity != "error"
        return ok


_SPAN_POINTER = re.compile(r"/(?:sections|entities|claims)/[0-9]+(?![0-9])")


def from_export(p, origins: dict[str, str]) -> str:
    """A problem the validator found in a file an import would write, told where the user can fix it:
    the export item its span came from (origins: JSON pointer -> item; "" the export's document), what
    is wrong (the other spans it names by their items too), a fix in the tool, and, last, the place in
    the file that the import would have written."""
    key = p.pointer
    while key and key not in origins:
        key = key.rsplit("/", 1)[0]
    message = _SPAN_POINTER.sub(lambda m: origins.get(m[0], m[0]), p.message)
    part = p.pointer[len(key) :] if key else ""  # a part of the span: its /start, its /attribution/cue
    at = f"{p.path} {p.pointer}".rstrip()
    return (
        f"{origins[key]}{' ' + part if part else ''}: {p.severity}[{p.check}] {message}"
        f"\n    fix: {_tool_fix(p, key, origins)}"
        f"\n    (at {at} in what the import would write)"
    )


def _tool_fix(p, key: str, origins: dict[str, str]) -> str:
    """How to fix a problem of an imported span in the tool (or with an import option)."""
    if key.count("/") != 2:  # not a span of the import: the layer, a span the import keeps, or the file
        layer = p.pointer.split("/")[1] if p.pointer.count("/") else None
        if p.hint and any(k.startswith(f"/{layer}/") for k in origins):  # a layer the import replaces
            return f"in the tool: {p.hint}"
        return p.hint or "fix it, then import again"
    layer = key.split("/")[1]
    if p.check == "token-boundary":
        if layer == "entities":
            return (
                "pass --align expand (the whole tokens) or --align contract (the tokens inside), "
                "or move the mention's edges onto whole words in the tool"
            )
        return (
            "move the span's edges onto whole words in the tool (punctuation and possessives are tokens of their own); "
            "--align moves entity mentions only"
        )
    if p.check == "span-outside-section":
        if any(k.startswith("/sections/") for k in origins):
            return "make one of the tool's section spans cover it, or shorten the span in the tool"
        return (
            "import the tool's sections with it (--label-map LABEL=sections:<label>), or make a section of "
            f"annotations/{p.document_id}.json cover it (for a new text: `newsspan add` it first) and import again"
        )
    if p.check in ("entity-overlap", "claim-overlap", "section-overlap"):
        return "shorten or remove one of the two in the tool, or map one of their labels to ignore (--label-map LABEL=ignore)"
    if p.check == "span-whitespace":
        return "move the span's edges off the whitespace in the tool"
    return f"in the tool: {p.hint}" if p.hint else "fix it in the tool and export again"
